"""The leaders' list check in Chromium: HR starts it, a leader reports an error, HR sees it;
axe-clean in Danish and English."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from omstil.accounts.services import set_up_user
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import PASSWORD
from tests.rounds_helpers import draft_round, kommune

pytestmark = pytest.mark.browser


def test_a_leader_checks_the_list_and_hr_sees_the_correction(
    page: Page, live_server, transactional_db, hr
):
    organisation = kommune()
    round_ = draft_round(organisation, opens_on=timezone.localdate() + timedelta(days=10))
    admin = hr(organisation)
    log_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/organisationer/fjordby/runder/{round_.pk}/")
    page.get_by_role("button", name="Bed lederne tjekke deres lister").click()
    expect(page.get_by_text("Lederne kan nu tjekke deres lister.")).to_be_visible()
    assert_accessible(page)
    page.context.clear_cookies()

    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    log_in(page, live_server.url, cecilie)
    page.goto(f"{live_server.url}/mine-evalueringer/")
    page.get_by_role("link", name="Se listen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvem bliver spurgt om dig?")
    expect(page.get_by_role("listitem").filter(has_text="Frida Holm")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Hvad er forkert?").fill("Ib Krogh er flyttet til Hjemmeplejen")
    page.get_by_role("button", name="Send til HR").click()
    expect(page.get_by_text("HR har fået din besked")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who will be asked about you?")
    assert_accessible(page)
    page.context.clear_cookies()

    log_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/organisationer/fjordby/runder/{round_.pk}/")
    table = page.get_by_role("table", name="Ledernes rettelser til listerne")
    expect(table).to_contain_text("Ib Krogh er flyttet til Hjemmeplejen")
    table.get_by_role("button").click()
    expect(page.get_by_text("Rettelsen er markeret som løst.")).to_be_visible()
    assert_accessible(page)
