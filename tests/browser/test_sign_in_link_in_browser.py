"""Signing in with a link by e-mail, in Danish and English; axe-core finds no violation."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("da", ("Log ind med et link", "Send mig et link", "Se din e-mail", "Log ind på Omstil")),
        ("en", ("Sign in with a link", "Send me a link", "Check your e-mail", "Log in to Omstil")),
    ],
)
def test_a_leader_signs_in_with_a_link_from_their_email(
    page: Page, live_server, transactional_db, smtp_server, settings, language, texts
):
    from django.core.cache import cache

    from tests.rounds_helpers import kommune

    cache.clear()
    settings.BASE_URL = live_server.url
    kommune()
    heading, button, sent, sign_in = texts
    page.goto(f"{live_server.url}/konto/log-ind/")
    if language == "en":
        page.get_by_role("button", name="English").click()
    page.locator("main a[href='/konto/log-ind/link/']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    page.locator("main input[type=email]").fill("cecilie@fjordby.example")
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sent)
    assert_accessible(page)
    call_command("worker", "--burst", verbosity=0)
    (message,) = smtp_server.messages
    (link,) = re.findall(r"http://\S+/konto/link/\S+/", message.get_content())
    page.goto(link)
    assert_accessible(page)
    page.get_by_role("button", name=sign_in).click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).not_to_have_text(sign_in)
    assert_accessible(page)
