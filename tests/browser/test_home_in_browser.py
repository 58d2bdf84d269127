"""The front page leads each user to their part of Omstil; axe-core finds no violation."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, log_in

pytestmark = pytest.mark.browser


def test_the_front_page_leads_hr_and_leaders_on(page: Page, live_server, transactional_db, hr):
    from tests.rounds_helpers import kommune

    fjordby = kommune()
    hr = hr(fjordby)
    log_in(page, live_server.url, hr)
    expect(page.get_by_role("heading", level=1)).to_have_text("Velkommen, Hanne HR")
    assert_accessible(page)
    page.get_by_role("link", name="Fjordby Kommune").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fjordby Kommune")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Gå til din selvvurdering").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selvvurdering")
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text("New for you")
    expect(page.get_by_role("heading", name="Your own leadership")).to_be_visible()
    assert_accessible(page)
