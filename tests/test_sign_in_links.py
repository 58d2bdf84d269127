"""Sign-in links by e-mail for the people the HR file names, as CONTRACT.md describes them."""

import re
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from omstil.accounts.models import User
from omstil.organisations.models import Person
from tests.rounds_helpers import kommune

LINK = re.compile(r"http://testserver-omstil\.example(/konto/link/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def no_earlier_requests(db):
    """The limits count in the cache: each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def named(transactional_db, settings):
    # transactional: `omstil worker --burst` sends the e-mail, and closes its connection after.
    settings.BASE_URL = "http://testserver-omstil.example"
    kommune()
    return "cecilie@fjordby.example"


def ask(client, email: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signin:ask"), {"email": email})
    call_command("worker", "--burst", verbosity=0)
    return response


def page_text(client, url: str) -> str:
    """A page without its CSRF tokens, which differ on every request."""
    return re.sub(r'value="[^"]{32,}"', "", client.get(url).content.decode())


def links(smtp_server) -> list[str]:
    return [
        path
        for message in smtp_server.messages
        for part in message.walk()
        if part.get_content_maintype() == "text"
        for path in LINK.findall(part.get_content())
    ]


def test_the_login_page_leads_to_a_form_with_one_email_field_and_no_password(client, db):
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("signin:ask") in login_page
    form = client.get(reverse("signin:ask")).content.decode()
    main = form[form.index("<main") : form.index("</main>")]
    assert main.count('type="email"') == 1
    assert 'type="password"' not in main


def test_a_named_person_gets_exactly_one_link_that_signs_them_in_once(
    client, named, smtp_server, django_capture_on_commit_callbacks
):
    response = ask(client, named.upper(), django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("signin:sent")
    assert [message["To"] for message in smtp_server.messages] == [named]
    (path,) = links(smtp_server)
    page = client.get(path)
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session  # opening the link alone signs nobody in
    assert client.post(path)["Location"] == reverse("site:home")
    assert int(client.session["_auth_user_id"]) == User.objects.get(email=named).pk
    client.logout()
    assert client.get(path).status_code == 410
    assert client.post(path).status_code == 410
    assert "_auth_user_id" not in client.session


def test_an_unknown_address_reads_the_same_and_gets_no_email(
    client, named, smtp_server, django_capture_on_commit_callbacks
):
    known = ask(client, named, django_capture_on_commit_callbacks)
    smtp_server.messages.clear()
    unknown = ask(client, "ingen@fjordby.example", django_capture_on_commit_callbacks)
    assert unknown["Location"] == known["Location"]
    assert page_text(client, unknown["Location"]) == page_text(client, known["Location"])
    assert smtp_server.messages == []
    assert not User.objects.filter(email="ingen@fjordby.example").exists()


def test_a_person_who_left_gets_no_link_and_cannot_use_an_old_one(
    client, named, smtp_server, django_capture_on_commit_callbacks
):
    ask(client, named, django_capture_on_commit_callbacks)
    (path,) = links(smtp_server)
    Person.objects.filter(email=named).update(active=False)
    assert client.post(path).status_code == 410
    smtp_server.messages.clear()
    ask(client, named, django_capture_on_commit_callbacks)
    assert smtp_server.messages == []


def test_a_link_expires(client, named, smtp_server, django_capture_on_commit_callbacks, settings):
    ask(client, named, django_capture_on_commit_callbacks)
    (path,) = links(smtp_server)
    # Django's tokens count in the process's local time, as `datetime.now()` gives it.
    later = datetime.now() + timedelta(minutes=settings.OMSTIL_SIGN_IN_LINK_MINUTES + 1)
    with mock.patch("omstil.organisations.signin.SignInLinkTokens._now", return_value=later):
        assert client.post(path).status_code == 410


def test_asking_is_limited_per_address(
    client, named, smtp_server, django_capture_on_commit_callbacks
):
    for _ in range(7):
        ask(client, named, django_capture_on_commit_callbacks)
    assert len(smtp_server.messages) == 5
