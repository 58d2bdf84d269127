"""Password reset by e-mail for accounts with a password, sent by the worker over real SMTP."""

import re

import pytest
from django.conf import settings as project_settings
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from omstil.accounts.models import User
from omstil.accounts.services import set_up_user
from omstil.core.models import AuditEntry
from tests.conftest import PASSWORD

BASE_URL = "http://testserver-omstil.example"
LINK = re.compile(re.escape(BASE_URL) + r"(/konto/adgangskode/ny/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "en-helt-ny-og-lang-adgangskode"
ASK = reverse("accounts:password_reset")


@pytest.fixture(autouse=True)
def no_earlier_requests(db):
    """The limits count in the cache: each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hr_user(transactional_db, settings):
    # transactional: `omstil worker --burst` sends the e-mail, and closes its connection after.
    settings.BASE_URL = BASE_URL
    return set_up_user("hanne@fjordby.example", PASSWORD, name="Hanne HR")


def ask(client, email: str, django_capture_on_commit_callbacks, address: str = "10.0.0.1"):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ASK, {"email": email}, REMOTE_ADDR=address)
    call_command("worker", "--burst", verbosity=0)
    return response


def links(smtp_server) -> list[str]:
    return [
        path
        for message in smtp_server.messages
        for part in message.walk()
        if part.get_content_maintype() == "text"
        for path in LINK.findall(part.get_content())
    ]


def page_text(client, url: str) -> str:
    """A page without its CSRF tokens, which differ on every request."""
    return re.sub(r'value="[^"]{32,}"', "", client.get(url).content.decode())


def choose(client, path: str, password: str = NEW_PASSWORD):
    form_page = client.get(path)
    assert form_page.status_code == 302  # the token leaves the address before the form shows
    return client.post(
        form_page["Location"], {"new_password1": password, "new_password2": password}
    )


def test_the_login_page_links_to_the_reset_form_with_one_email_field(client, db):
    assert ASK in client.get(reverse("accounts:login")).content.decode()
    form = client.get(ASK).content.decode()
    main = form[form.index("<main") : form.index("</main>")]
    assert main.count('type="email"') == 1
    assert 'type="password"' not in main


def test_the_link_sets_a_new_password_once(
    client, hr_user, smtp_server, django_capture_on_commit_callbacks
):
    response = ask(client, hr_user.email.upper(), django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("accounts:password_reset_sent")
    (message,) = smtp_server.messages
    assert message["To"] == hr_user.email
    assert message["Subject"] == "Nulstil din adgangskode til Omstil"
    assert "60 minutter" in message.get_content()
    (path,) = links(smtp_server)

    done = choose(client, path)
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert "_auth_user_id" not in client.session  # a reset does not sign in (nor skip 2FA)
    assert client.login(email=hr_user.email, password=NEW_PASSWORD)
    client.logout()
    assert not client.login(email=hr_user.email, password=PASSWORD)

    spent = client.get(path)
    assert spent.status_code == 200
    assert "Linket kan ikke bruges" in spent.content.decode()


def test_an_unknown_address_and_an_account_without_a_password_read_the_same_and_get_nothing(
    client, hr_user, smtp_server, django_capture_on_commit_callbacks
):
    User.objects.create_user("leder@fjordby.example", name="Lis Leder")  # signs in by link
    known = ask(client, hr_user.email, django_capture_on_commit_callbacks)
    smtp_server.messages.clear()
    for email in ("ingen@fjordby.example", "leder@fjordby.example"):
        other = ask(client, email, django_capture_on_commit_callbacks)
        assert other["Location"] == known["Location"]
        assert page_text(client, other["Location"]) == page_text(client, known["Location"])
    assert smtp_server.messages == []


def test_an_inactive_account_gets_no_link(
    client, hr_user, smtp_server, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=hr_user.pk).update(is_active=False)
    ask(client, hr_user.email, django_capture_on_commit_callbacks)
    assert smtp_server.messages == []


def test_a_new_password_ends_the_users_other_sessions(
    client, hr_user, smtp_server, django_capture_on_commit_callbacks
):
    from django.test import Client

    elsewhere = Client()
    assert elsewhere.login(email=hr_user.email, password=PASSWORD)
    assert elsewhere.get(reverse("organisations:list")).status_code == 200
    ask(client, hr_user.email, django_capture_on_commit_callbacks)
    (path,) = links(smtp_server)
    choose(client, path)
    response = elsewhere.get(reverse("organisations:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_link_expires(client, hr_user):
    generator = default_token_generator
    made = generator._num_seconds(generator._now()) - project_settings.PASSWORD_RESET_TIMEOUT - 1
    token = generator._make_token_with_timestamp(hr_user, made, generator.secret)
    uid = urlsafe_base64_encode(force_bytes(hr_user.pk))
    expired = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    page = client.get(expired)
    assert "Linket kan ikke bruges" in page.content.decode()
    fresh = generator.make_token(hr_user)
    assert client.get(expired.replace(token, fresh)).status_code == 302


def test_links_last_an_hour_by_default():
    assert project_settings.PASSWORD_RESET_TIMEOUT == 3600


def test_a_weak_or_mismatched_password_is_refused_in_danish(
    client, hr_user, smtp_server, django_capture_on_commit_callbacks
):
    ask(client, hr_user.email, django_capture_on_commit_callbacks)
    (path,) = links(smtp_server)
    form = client.get(path)["Location"]
    mismatch = client.post(form, {"new_password1": NEW_PASSWORD, "new_password2": "noget-andet"})
    assert "De to adgangskoder er ikke ens." in mismatch.content.decode()
    short = client.post(form, {"new_password1": "kort", "new_password2": "kort"})
    assert short.status_code == 200
    assert 'aria-invalid="true"' in short.content.decode()
    assert client.login(email=hr_user.email, password=PASSWORD)


def test_asking_is_limited_per_address(
    client, hr_user, smtp_server, django_capture_on_commit_callbacks
):
    for number in range(7):
        ask(client, hr_user.email, django_capture_on_commit_callbacks, address=f"10.0.1.{number}")
    assert len(smtp_server.messages) == 5


def test_asking_is_limited_per_client(
    client, hr_user, smtp_server, django_capture_on_commit_callbacks
):
    people = [hr_user] + [
        set_up_user(f"hr{number}@fjordby.example", PASSWORD) for number in range(4)
    ]
    for number in range(25):
        ask(client, people[number % 5].email, django_capture_on_commit_callbacks)
    assert len(smtp_server.messages) == 20
    smtp_server.messages.clear()
    newcomer = set_up_user("ny@fjordby.example", PASSWORD)
    ask(client, newcomer.email, django_capture_on_commit_callbacks)
    assert smtp_server.messages == []
    ask(client, newcomer.email, django_capture_on_commit_callbacks, address="10.0.0.2")
    assert len(smtp_server.messages) == 1


def test_the_link_and_the_new_password_are_audited_without_the_token(
    client, hr_user, smtp_server, django_capture_on_commit_callbacks
):
    ask(client, hr_user.email, django_capture_on_commit_callbacks)
    (path,) = links(smtp_server)
    choose(client, path)
    entries = list(AuditEntry.objects.order_by("pk").values_list("event", "actor_id", "fields"))
    assert entries == [
        ("account.password_reset_link", None, {"user": hr_user.pk}),
        ("account.password_reset", hr_user.pk, {"user": hr_user.pk}),
    ]
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert token not in str(entries)


def test_the_email_is_sent_by_the_worker_not_while_asking(
    client, hr_user, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ASK, {"email": hr_user.email})
    assert smtp_server.messages == []
    call_command("worker", "--burst", verbosity=0)
    assert len(smtp_server.messages) == 1
