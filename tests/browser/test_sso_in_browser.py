"""Signing in with the organisation's own login in Chromium, against the real test provider.

Danish and English; axe-core checks Omstil's login page, where the person lands, and the
refusal page. Texts are read from the catalogue under each language, so the test holds
whether or not the English catalogue has them yet.
"""

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from omstil.organisations.models import Organisation, Person
from omstil.organisations.sso import REASONS
from tests.browser.conftest import assert_accessible, log_in
from tests.test_sso import make_people, turn_on

pytestmark = pytest.mark.browser


def texts(language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "button": translation.gettext("Log ind med %(name)s") % {"name": "Fjordby Kommune"},
            "refused": translation.gettext("Du blev ikke logget ind"),
            "log_out": translation.gettext("Log af"),
            "unknown": str(REASONS["unknown"]),
            "left": str(REASONS["left"]),
        }


def start(page: Page, base_url: str, language: str) -> dict[str, str]:
    said = texts(language)
    page.goto(f"{base_url}/konto/log-ind/")
    if language == "en":
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)
    page.locator("main").get_by_role("link", name=said["button"]).click()
    return said


def sign_in_at_provider(page: Page, username: str, password: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Test identity provider")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in to the provider").click()


@pytest.fixture
def fjordby(transactional_db, live_server, settings, oidc_provider) -> Organisation:
    settings.BASE_URL = live_server.url
    organisation = Organisation.objects.create(slug="fjordby", name="Fjordby Kommune")
    make_people(organisation)
    turn_on(organisation, oidc_provider, claim="employee_id")
    return organisation


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_leader_signs_in_with_the_organisations_login(page: Page, live_server, fjordby, language):
    said = start(page, live_server.url, language)
    sign_in_at_provider(page, "anna", "anna-pw-1")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("header")).to_contain_text("Anna Andersen")
    expect(page.get_by_role("button", name=said["log_out"])).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)
    assert Person.objects.get(employee_id="1001").user is not None


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [("stranger", "stranger-pw-1", "unknown"), ("carl", "carl-pw-1", "left")],
)
def test_someone_the_hr_file_does_not_name_sees_why_they_are_refused(
    page: Page, live_server, fjordby, language, username, password, reason
):
    said = start(page, live_server.url, language)
    sign_in_at_provider(page, username, password)
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(said["refused"])
    expect(main).to_contain_text(said[reason])
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("header")).not_to_contain_text(said["log_out"])
    assert_accessible(page)
    assert not Person.objects.filter(user__isnull=False).exists()


def test_the_system_admin_turns_the_organisations_login_on_in_the_browser(
    page: Page, live_server, transactional_db, settings, oidc_provider, system_admin
):
    settings.BASE_URL = live_server.url
    Organisation.objects.create(slug="naboby", name="Naboby Kommune")
    log_in(page, live_server.url, system_admin)
    page.goto(f"{live_server.url}/organisationer/naboby/organisationens-login/")
    expect(page.locator("#redirect-uri")).to_have_text(f"{live_server.url}/konto/log-ind/tilbage/")
    assert_accessible(page)
    page.get_by_label("Udstederens adresse (issuer)").fill("https://")
    page.get_by_label("Klient-id").fill("omstil-naboby")
    page.get_by_label("Klienthemmelighed").fill("the-secret")
    page.get_by_role("button", name="Gem og slå til").click()
    expect(page.get_by_role("alert")).to_contain_text("Intet er gemt")
    assert_accessible(page)
    page.get_by_label("Udstederens adresse (issuer)").fill(oidc_provider.issuer)
    page.get_by_label("Klienthemmelighed").fill("the-secret")
    page.get_by_label("Personer genkendes på").select_option("employee_id")
    page.get_by_role("button", name="Gem og slå til").click()
    expect(page.get_by_role("status")).to_have_text("Organisationens login er gemt og slået til.")
    expect(page.get_by_label("Klienthemmelighed")).to_have_value("")
    assert "the-secret" not in page.content()
    assert_accessible(page)
