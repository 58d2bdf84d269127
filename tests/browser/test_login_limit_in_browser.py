"""The page a locked-out login gets, in Danish and English; axe-core finds no violation."""

import pytest
from playwright.sync_api import Page, expect

from omstil.accounts.services import set_up_user
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD
from tests.test_login_limit import PRODUCTION_BACKENDS

pytestmark = pytest.mark.browser


def test_too_many_wrong_passwords_lead_to_a_page_that_says_why(
    page: Page, live_server, transactional_db, settings
):
    settings.AUTHENTICATION_BACKENDS = PRODUCTION_BACKENDS
    settings.AXES_FAILURE_LIMIT = 2
    user = set_up_user("hanne@fjordby.example", PASSWORD)
    for _ in range(2):
        page.goto(f"{live_server.url}/konto/log-ind/")
        page.get_by_label("E-mailadresse").fill(user.email)
        page.get_by_label("Adgangskode").fill("forkert")
        page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("For mange forsøg på at logge ind")
    expect(page.get_by_text("Prøv igen om 15 minutter.")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/konto/log-ind/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to log in")
    assert_accessible(page)
