"""Omstil's pages with their Content Security Policy in force: Chromium refuses nothing on them,
so the policy costs no feature, and HR's roles page and a leader's front page pass axe."""

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from omstil.accounts.services import set_up_user
from omstil.organisations.models import Person
from omstil.rounds.models import Round
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def closed_in_browser(transactional_db, request):
    return request.getfixturevalue("closed")


def test_no_page_breaks_the_policy(browser: Browser, live_server, closed_in_browser, hr):
    Round.objects.filter(pk=closed_in_browser.pk).update(
        visibility={**closed_in_browser.visibility, "org_admins": True}
    )
    context = browser.new_context(locale="da-DK")  # the policy in force, unlike `page`
    page = context.new_page()
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", note)
    admin = hr(closed_in_browser.organisation)
    log_in(page, live_server.url, admin)
    round_ = closed_in_browser.pk
    for path in [
        "/",
        "/instrumenter/",
        "/organisationer/fjordby/",
        "/organisationer/fjordby/roller/",
        f"/organisationer/fjordby/runder/{round_}/",
        f"/rapporter/{round_}/leder/3/",
        f"/rapporter/{round_}/enhed/?enhed=Fjordby+Kommune",
        f"/udvikling/{round_}/3/dialog/",
        "/tilgaengelighed/",
    ]:
        response = page.goto(live_server.url + path)
        assert response is not None
        assert "default-src 'self'" in (response.header_value("content-security-policy") or "")
    context.close()
    assert refused == []


def test_hr_gives_a_reader_role_on_the_roles_page(page: Page, live_server, closed_in_browser, hr):
    log_in(page, live_server.url, hr(closed_in_browser.organisation))
    page.goto(f"{live_server.url}/organisationer/fjordby/")
    page.get_by_role("link", name="Hvem kan logge ind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvem kan logge ind")
    assert_accessible(page)
    page.get_by_label("E-mailadresse").fill("ulla@fjordby.example")
    page.get_by_label("Rolle").select_option("reader")
    page.get_by_role("button", name="Gem rollen").click()
    expect(page.get_by_text("Rollen for ulla@fjordby.example er gemt.")).to_be_visible()
    expect(page.get_by_role("row", name="ulla@fjordby.example")).to_contain_text("HR-læser")
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can sign in")
    assert_accessible(page)


def test_a_leader_sees_what_is_new_on_the_front_page(page: Page, live_server, closed_in_browser):
    account = Person.objects.get(employee_id="3").user
    assert account is not None
    cecilie = set_up_user(account.email, PASSWORD)
    log_in(page, live_server.url, cecilie)
    expect(page.get_by_role("heading", name="Nyt til dig")).to_be_visible()
    page.get_by_role("link", name="Læs rapporten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport for Cecilie Ærø")
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="New for you")).to_be_visible()
    assert_accessible(page)
