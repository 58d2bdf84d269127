"""A user logs in and browses the instrument library in Chromium; axe-core finds no violation."""

import pytest
from playwright.sync_api import Page, expect

from omstil.accounts.services import set_up_user
from omstil.instruments.services import latest_versions, sync_library
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def user(transactional_db):
    sync_library()
    return set_up_user("hr@test.example", PASSWORD, name="Hanne HR")


def test_the_login_page_and_the_accessibility_statement_are_accessible(page: Page, live_server):
    page.goto(f"{live_server.url}/konto/log-ind/")
    assert_accessible(page)
    page.get_by_role("link", name="Tilgængelighedserklæring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilgængelighedserklæring")
    assert_accessible(page)


def test_a_failed_login_says_why_and_stays_accessible(page: Page, live_server, user):
    page.goto(f"{live_server.url}/konto/log-ind/")
    page.get_by_label("E-mailadresse").fill(user.email)
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "E-mailadressen eller adgangskoden er forkert"
    )
    assert_accessible(page)


def test_every_instrument_page_and_guide_is_accessible(page: Page, live_server, user):
    log_in(page, live_server.url, user)
    assert_accessible(page)
    page.get_by_role("link", name="Gå til instrumenterne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Instrumenter")
    assert_accessible(page)
    for version in latest_versions():
        key = version.instrument.key
        page.goto(f"{live_server.url}/instrumenter/{key}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(version.title["da"])
        assert_accessible(page)
        for audience, guide in [("leder", "leader"), ("organisation", "organisation")]:
            page.goto(f"{live_server.url}/instrumenter/{key}/vejledning/{audience}/")
            expect(page.get_by_role("heading", level=1)).to_have_text(
                version.document["guides"][guide]["title"]["da"]
            )
            assert_accessible(page)


def test_the_language_switch_shows_the_library_in_english(page: Page, live_server, user):
    log_in(page, live_server.url, user)
    page.goto(f"{live_server.url}/instrumenter/digital-omstilling/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leading digital transformation")
    expect(page.get_by_text("Strongly disagree")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Dansk").click()
    expect(page.locator("html")).to_have_attribute("lang", "da")


def test_the_library_works_with_the_keyboard_alone(page: Page, live_server, user):
    log_in(page, live_server.url, user)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Gå til sidens indhold")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Gå til instrumenterne":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Instrumenter")


def test_it_fits_a_360_pixel_wide_phone(page: Page, live_server, user):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, user)
    page.goto(f"{live_server.url}/instrumenter/digital-omstilling/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360
    assert_accessible(page)


def test_the_page_not_found_page_is_helpful_and_accessible(page: Page, live_server, user):
    log_in(page, live_server.url, user)
    response = page.goto(f"{live_server.url}/instrumenter/findes-ikke/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Siden findes ikke")
    assert_accessible(page)
