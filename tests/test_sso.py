"""Signing in with the organisation's own login, against a real OpenID Connect provider.

The provider (tests/oidc_provider/, django-oidc-provider) runs as a subprocess on loopback;
Omstil talks to it over HTTP as it would to a kommune's provider: discovery, the code flow with
state, nonce and PKCE, the token and userinfo endpoints and the provider's signing keys. The
visitor's side is Django's test client for Omstil and `requests` for the provider's login page.
"""

import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from django.utils import translation

from omstil.accounts.models import Membership, User
from omstil.core.models import AuditEntry
from omstil.organisations.models import Organisation, Person, SingleSignOn, Unit
from omstil.organisations.sso import REASONS, client_secret, redirect_uri, set_single_sign_on
from tests.conftest import PASSWORD
from tests.oidc import Provider, sign_in_at_provider

START = "/konto/log-ind/organisation/{slug}/"


def make_people(organisation: Organisation) -> dict[str, Person]:
    unit = Unit.objects.create(
        organisation=organisation, path=organisation.name, name=organisation.name, depth=0
    )
    rows = [
        # key, employee id, name, e-mail, leader, active
        ("anna", "1001", "Anna Andersen", "anna@fjordby.example", True, True),
        ("bo", "1002", "Bo Berg", "bo@fjordby.example", False, True),
        ("carl", "1003", "Carl Christensen", "carl@fjordby.example", True, False),
    ]
    return {
        key: Person.objects.create(
            organisation=organisation,
            employee_id=employee_id,
            name=name,
            email=email,
            unit=unit,
            is_leader=leader,
            active=active,
        )
        for key, employee_id, name, email, leader, active in rows
    }


@pytest.fixture
def fjordby(db) -> Organisation:
    organisation = Organisation.objects.create(slug="fjordby", name="Fjordby Kommune")
    make_people(organisation)
    return organisation


PROVIDER_USERS = [
    # At the provider, Anna's address is another than the HR file's: only her employee id
    # matches; "anna.hr" has the HR file's address and no employee id.
    {
        "username": "anna",
        "password": "anna-pw-1",
        "email": "a.andersen@idp.fjordby.example",
        "employee_id": "1001",
    },
    {"username": "anna.hr", "password": "anna-pw-2", "email": "ANNA@fjordby.example"},
    {"username": "bo", "password": "bo-pw-1", "email": "bo@fjordby.example", "employee_id": "1002"},
    {
        "username": "carl",
        "password": "carl-pw-1",
        "email": "carl@fjordby.example",
        "employee_id": "1003",
    },
    {
        "username": "stranger",
        "password": "stranger-pw-1",
        "email": "stranger@elsewhere.example",
        "employee_id": "9999",
    },
]


def turn_on(
    organisation: Organisation, provider: Provider, claim: str = "email", secret: str = ""
) -> SingleSignOn:
    """Register Omstil with the provider and turn the organisation's login on."""
    client_id = f"omstil-{organisation.slug}"
    secret = secret or secrets.token_urlsafe(24)
    provider.setup(
        users=PROVIDER_USERS,
        clients=[
            {"client_id": client_id, "client_secret": secret, "redirect_uris": [redirect_uri()]}
        ],
    )
    return set_single_sign_on(
        organisation,
        issuer=provider.issuer,
        client_id=client_id,
        client_secret=secret,
        claim=claim,
        actor=None,
    )


def come_back(client: Client, organisation: Organisation, username: str, password: str):
    """Start at Omstil, sign in at the provider, and follow the way back to Omstil."""
    response = client.get(START.format(slug=organisation.slug))
    assert response.status_code == 302
    back = sign_in_at_provider(response["Location"], username, password)
    assert back.startswith(redirect_uri() + "?"), back
    parts = urlsplit(back)
    return client.get(parts.path, parse_qs(parts.query))


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def assert_refused(response, reason: str) -> None:
    assert response.status_code == 403
    text = response.content.decode()
    main = text[text.index("<main") : text.index("</main>")]
    assert "Du blev ikke logget ind" in main
    assert str(REASONS[reason]) in main


def test_a_person_is_signed_in_by_their_email_address(fjordby, oidc_provider, client):
    turn_on(fjordby, oidc_provider, claim="email")
    assert not User.objects.exists()
    response = client.get(START.format(slug="fjordby"))
    authorize = urlsplit(response["Location"])
    query = parse_qs(authorize.query)
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == (
        f"{oidc_provider.issuer}/authorize"
    )
    assert query["client_id"] == ["omstil-fjordby"]
    assert query["redirect_uri"] == [redirect_uri()]
    assert query["scope"] == ["openid email"]
    assert {"state", "nonce", "code_challenge"} <= set(query)
    assert query["code_challenge_method"] == ["S256"]

    back = sign_in_at_provider(response["Location"], "anna.hr", "anna-pw-2")
    parts = urlsplit(back)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == redirect_uri()
    response = client.get(parts.path, parse_qs(parts.query))
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = signed_in_user(client)
    anna = Person.objects.get(employee_id="1001")
    assert user is not None
    assert user.email == "anna@fjordby.example"
    assert anna.user_id == user.pk
    assert client.session["omstil_sso"] == "fjordby"
    entry = AuditEntry.objects.get(event="account.sso_login")
    assert (entry.actor_id, entry.organisation) == (user.pk, "fjordby")
    assert entry.fields == {"user": user.pk, "person": anna.pk, "claim": "email"}
    # Signed in: the front page answers, the state is spent.
    assert client.get("/").status_code == 200
    assert client.session["oidc_states"] == {}


def test_a_person_is_signed_in_by_their_employee_id_and_sent_where_they_were_going(
    fjordby, oidc_provider, client
):
    turn_on(fjordby, oidc_provider, claim="employee_id")
    response = client.get(
        START.format(slug="fjordby") + "?" + urlencode({"next": "/instrumenter/"})
    )
    assert parse_qs(urlsplit(response["Location"]).query)["scope"] == ["openid profile"]
    back = sign_in_at_provider(response["Location"], "anna", "anna-pw-1")
    parts = urlsplit(back)
    response = client.get(parts.path, parse_qs(parts.query))
    assert response.status_code == 302
    assert response["Location"] == "/instrumenter/"
    user = signed_in_user(client)
    # The HR file's address, not the provider's: the employee id named her.
    assert user is not None
    assert user.email == "anna@fjordby.example"
    assert client.session["omstil_sso"] == "fjordby"


def test_the_account_a_person_already_has_is_the_one_signed_in(fjordby, oidc_provider, client):
    turn_on(fjordby, oidc_provider, claim="employee_id")
    own = User.objects.create_user("anna@fjordby.example", PASSWORD, name="Anna")
    response = come_back(client, fjordby, "anna", "anna-pw-1")
    assert response.status_code == 302
    assert signed_in_user(client) == own
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("claim", "username", "password", "reason"),
    [
        ("email", "stranger", "stranger-pw-1", "unknown"),
        ("employee_id", "stranger", "stranger-pw-1", "unknown"),
        ("email", "carl", "carl-pw-1", "left"),
        ("employee_id", "carl", "carl-pw-1", "left"),
        # The provider releases no employee id for this user.
        ("employee_id", "anna.hr", "anna-pw-2", "missing_claim"),
        # Bo is in the HR file, but neither a leader nor anyone's superior, and the
        # organisation does not give every employee an account.
        ("email", "bo", "bo-pw-1", "not_allowed"),
    ],
)
def test_anybody_the_hr_file_does_not_let_in_is_refused_and_gets_no_account(
    fjordby, oidc_provider, client, claim, username, password, reason
):
    turn_on(fjordby, oidc_provider, claim=claim)
    response = come_back(client, fjordby, username, password)
    assert_refused(response, reason)
    assert signed_in_user(client) is None
    assert "omstil_sso" not in client.session
    assert not User.objects.exists()
    assert not Person.objects.filter(user__isnull=False).exists()
    assert not AuditEntry.objects.filter(event__startswith="account.").exists()


def test_an_employee_signs_in_once_the_organisation_gives_everyone_an_account(
    fjordby, oidc_provider, client
):
    fjordby.accounts_for_everyone = True
    fjordby.save()
    turn_on(fjordby, oidc_provider)
    response = come_back(client, fjordby, "bo", "bo-pw-1")
    assert response.status_code == 302
    assert signed_in_user(client) == Person.objects.get(employee_id="1002").user


def test_an_account_that_reaches_beyond_the_organisation_is_not_signed_in(
    fjordby, oidc_provider, client, other_organisation
):
    """Whoever sets an organisation's provider must not sign in a system administrator or an
    account that is someone in another organisation."""
    turn_on(fjordby, oidc_provider)
    anna = User.objects.create_user("anna@fjordby.example", PASSWORD)
    Membership.objects.create(
        user=anna, organisation=other_organisation, role=Membership.Role.ADMIN
    )
    assert_refused(come_back(client, fjordby, "anna.hr", "anna-pw-2"), "elsewhere")
    assert signed_in_user(client) is None
    assert Person.objects.get(employee_id="1001").user is None  # not even tied to her

    Membership.objects.all().delete()
    anna.is_superuser = True
    anna.save()
    assert_refused(come_back(client, fjordby, "anna.hr", "anna-pw-2"), "elsewhere")
    assert signed_in_user(client) is None


def test_a_tampered_or_replayed_state_is_refused(fjordby, oidc_provider, client):
    turn_on(fjordby, oidc_provider)
    response = client.get(START.format(slug="fjordby"))
    back = sign_in_at_provider(response["Location"], "anna.hr", "anna-pw-2")
    parts = urlsplit(back)
    query = {key: value[0] for key, value in parse_qs(parts.query).items()}

    tampered = {**query, "state": query["state"][:-2] + "xy"}
    assert_refused(client.get(parts.path, tampered), "state")
    assert signed_in_user(client) is None
    # Another browser (no flow begun in its session) cannot use the answer either.
    assert_refused(Client().get(parts.path, query), "state")
    # A refused tampering spends nothing the real answer needs.
    assert client.get(parts.path, query).status_code == 302
    assert signed_in_user(client) is not None
    # The same answer again: its state is spent.
    client.logout()
    assert_refused(client.get(parts.path, query), "state")
    assert signed_in_user(client) is None
    assert AuditEntry.objects.filter(event="account.sso_login").count() == 1


def test_a_flow_is_finished_with_the_organisation_it_was_begun_for(fjordby, oidc_provider, client):
    """Two flows in one session, for two organisations: each answer goes to its own."""
    naboby = Organisation.objects.create(slug="naboby", name="Naboby Kommune")
    turn_on(fjordby, oidc_provider)
    turn_on(naboby, oidc_provider)
    first = client.get(START.format(slug="fjordby"))
    second = client.get(START.format(slug="naboby"))
    assert parse_qs(urlsplit(second["Location"]).query)["client_id"] == ["omstil-naboby"]
    back = sign_in_at_provider(first["Location"], "anna.hr", "anna-pw-2")
    parts = urlsplit(back)
    assert client.get(parts.path, parse_qs(parts.query)).status_code == 302
    assert client.session["omstil_sso"] == "fjordby"


@pytest.mark.parametrize(
    ("error", "reason"), [("access_denied", "cancelled"), ("server_error", "provider")]
)
def test_an_error_from_the_provider_is_refused(fjordby, oidc_provider, client, error, reason):
    turn_on(fjordby, oidc_provider)
    response = client.get(START.format(slug="fjordby"))
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    assert_refused(client.get("/konto/log-ind/tilbage/", {"error": error, "state": state}), reason)
    assert signed_in_user(client) is None
    assert client.session["oidc_states"] == {}


def test_a_provider_that_refuses_omstils_secret_is_a_provider_error(fjordby, oidc_provider, client):
    sso = turn_on(fjordby, oidc_provider)
    set_single_sign_on(
        fjordby,
        issuer=sso.issuer,
        client_id=sso.client_id,
        client_secret="not-the-secret",
        claim="email",
        actor=None,
    )
    assert_refused(come_back(client, fjordby, "anna.hr", "anna-pw-2"), "provider")
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_an_id_token_for_another_issuer_is_refused(fjordby, oidc_provider, client):
    sso = turn_on(fjordby, oidc_provider)
    SingleSignOn.objects.filter(pk=sso.pk).update(issuer="https://login.elsewhere.example")
    assert_refused(come_back(client, fjordby, "anna.hr", "anna-pw-2"), "provider")
    assert not User.objects.exists()


def test_an_organisation_without_its_own_login_has_no_start(fjordby, client):
    assert client.get(START.format(slug="fjordby")).status_code == 404
    assert_refused(client.get("/konto/log-ind/tilbage/", {"code": "x", "state": "y"}), "state")


def test_the_refusal_page_speaks_english_when_asked(fjordby, client):
    client.cookies["omstil_language"] = "en"
    response = client.get("/konto/log-ind/tilbage/", {"code": "x", "state": "y"})
    assert response.status_code == 403
    with translation.override("en"):
        assert str(REASONS["state"]) in response.content.decode()
    assert '<html lang="en"' in response.content.decode()


def test_the_login_page_offers_each_organisation_with_its_own_login(
    fjordby, oidc_provider, client, other_organisation
):
    turn_on(fjordby, oidc_provider)
    response = client.get("/konto/log-ind/?next=/instrumenter/")
    text = response.content.decode()
    main = text[text.index("<main") : text.index("</main>")]
    assert (
        '<a class="button button-secondary" href="/konto/log-ind/organisation/fjordby/'
        '?next=/instrumenter/">Log ind med Fjordby Kommune</a>'
    ) in main
    assert "Anden Kommune" not in main


def test_the_secret_is_stored_encrypted(fjordby, oidc_provider):
    sso = turn_on(fjordby, oidc_provider, secret="a-very-recognisable-secret")
    stored = SingleSignOn.objects.values_list("client_secret_encrypted", flat=True).get(pk=sso.pk)
    assert "recognisable" not in stored
    assert client_secret(sso) == "a-very-recognisable-secret"
    assert "recognisable" not in repr(list(AuditEntry.objects.values()))


# --- HR's page ------------------------------------------------------------------------------

PAGE = "/organisationer/{slug}/organisationens-login/"


def test_hr_sees_the_organisations_login_and_may_turn_it_off_but_not_choose_the_provider(
    fjordby, oidc_provider, client, hr
):
    """Whoever chooses the provider can sign in as any leader in the HR file, whose report HR
    may not see: only a system administrator sets it."""
    client.force_login(hr(fjordby))
    page = client.get(PAGE.format(slug="fjordby")).content.decode()
    assert redirect_uri() in page
    assert 'name="client_secret"' not in page
    assert "systemadministratoren" in page.lower()
    response = client.post(
        PAGE.format(slug="fjordby"),
        {
            "issuer": oidc_provider.issuer,
            "client_id": "hr-own",
            "client_secret": "hr-own-secret",
            "claim": "email",
        },
    )
    assert response.status_code == 403
    assert not SingleSignOn.objects.exists()
    set_single_sign_on(
        fjordby,
        issuer=oidc_provider.issuer,
        client_id="omstil-fjordby",
        client_secret="s",
        claim="email",
        actor=None,
    )
    assert client.post(PAGE.format(slug="fjordby"), {"action": "off"}).status_code == 302
    assert not SingleSignOn.objects.exists()


def test_the_system_admin_turns_it_on_in_the_browser_and_the_secret_stays_hidden(
    fjordby, oidc_provider, client, system_admin
):
    administrator = system_admin
    client.force_login(administrator)
    page = client.get(PAGE.format(slug="fjordby"))
    assert page.status_code == 200
    assert redirect_uri() in page.content.decode()
    response = client.post(
        PAGE.format(slug="fjordby"),
        {
            "issuer": oidc_provider.issuer,
            "client_id": "omstil-fjordby",
            "client_secret": "the-secret-from-the-provider",
            "claim": "employee_id",
        },
    )
    assert response.status_code == 302
    sso = SingleSignOn.objects.get(organisation=fjordby)
    assert (sso.issuer, sso.client_id, sso.claim) == (
        oidc_provider.issuer,
        "omstil-fjordby",
        "employee_id",
    )
    assert sso.token_endpoint == f"{oidc_provider.issuer}/token"
    assert sso.jwks_uri == f"{oidc_provider.issuer}/jwks"
    page = client.get(PAGE.format(slug="fjordby")).content.decode()
    assert "the-secret-from-the-provider" not in page
    assert 'autocomplete="new-password"' in page
    entry = AuditEntry.objects.get(event="organisation.sso_set")
    assert entry.actor_id == administrator.pk
    assert entry.fields == {
        "new": True,
        "issuer": oidc_provider.issuer,
        "client_id": "omstil-fjordby",
        "claim": "employee_id",
        "secret_changed": True,
    }
    # Changing the claim keeps the secret when the field is left empty.
    response = client.post(
        PAGE.format(slug="fjordby"),
        {"issuer": oidc_provider.issuer, "client_id": "omstil-fjordby", "claim": "email"},
    )
    assert response.status_code == 302
    sso.refresh_from_db()
    assert (sso.claim, client_secret(sso)) == ("email", "the-secret-from-the-provider")
    # Another client id needs its own secret.
    response = client.post(
        PAGE.format(slug="fjordby"),
        {"issuer": oidc_provider.issuer, "client_id": "another", "claim": "email"},
    )
    assert response.status_code == 200
    assert "Skriv klienthemmeligheden fra udbyderen." in response.content.decode()
    sso.refresh_from_db()
    assert sso.client_id == "omstil-fjordby"

    response = client.post(PAGE.format(slug="fjordby"), {"action": "off"})
    assert response.status_code == 302
    assert not SingleSignOn.objects.exists()
    assert AuditEntry.objects.filter(event="organisation.sso_off").count() == 1
    assert "the-secret-from-the-provider" not in repr(list(AuditEntry.objects.values()))


def test_a_bad_issuer_on_the_page_is_explained_and_nothing_is_saved(fjordby, client, system_admin):
    client.force_login(system_admin)
    response = client.post(
        PAGE.format(slug="fjordby"),
        {
            "issuer": "http://login.fjordby.example",
            "client_id": "omstil",
            "client_secret": "s",
            "claim": "email",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Intet er gemt" in text
    assert "skal være en fuld https-adresse" in text
    assert not SingleSignOn.objects.exists()
    assert not AuditEntry.objects.filter(event__startswith="organisation.sso").exists()


def test_only_the_organisations_administrators_reach_its_login_page(
    fjordby, client, hr, other_organisation, system_admin, outsider
):
    page = PAGE.format(slug="fjordby")
    client.force_login(outsider)
    assert client.get(page).status_code == 404
    client.force_login(hr(other_organisation))
    assert client.get(page).status_code == 404
    assert client.post(page, {"action": "off"}).status_code == 404
    client.force_login(system_admin)
    assert client.get(page).status_code == 200
    client.logout()
    assert client.get(page).status_code == 302
