"""HR corrects a draft in Chromium, sees who would be invited and previews the e-mails; axe-clean
in Danish and English."""

import re

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from omstil.rounds.models import Invitation, Round
from tests.browser.conftest import assert_accessible, log_in
from tests.rounds_helpers import draft_round, kommune

pytestmark = pytest.mark.browser


@pytest.fixture
def draft_in_browser(transactional_db, hr):
    organisation = kommune()
    round_ = draft_round(
        organisation, local_statements=[{"da": "Min leder lytter", "en": "My leader listens"}]
    )
    return hr(organisation), round_


def test_hr_edits_a_draft_and_previews_its_emails(page: Page, live_server, draft_in_browser):
    admin, round_ = draft_in_browser
    heading = page.get_by_role("heading", level=1)
    log_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/organisationer/fjordby/runder/{round_.pk}/")
    page.get_by_role("link", name="Ret kladden").click()
    expect(heading).to_have_text("Ret kladden")
    expect(page.get_by_label("Navn", exact=True)).to_have_value("Ledelsesevaluering 2026")
    assert_accessible(page)

    page.get_by_label("Navn", exact=True).fill("Topledelsen 2026")
    page.get_by_label("Toplederens digitale kompetencer", exact=True).check()
    page.get_by_role("button", name="Gem ændringerne").click()
    # The top leaders' instrument for every leader: refused, said beside the form, nothing saved.
    expect(page.get_by_text("Ændringerne blev ikke gemt")).to_be_visible()
    expect(page.get_by_text(re.compile("handler om en topleder"))).to_be_visible()
    assert Round.objects.get(pk=round_.pk).name == "Ledelsesevaluering 2026"
    assert_accessible(page)

    page.get_by_label("Hvem evalueres").select_option("top")
    page.get_by_role("button", name="Gem ændringerne").click()
    expect(page.get_by_text("Ændringerne i kladden er gemt.")).to_be_visible()
    expect(heading).to_have_text("Topledelsen 2026")
    expect(
        page.get_by_text("Topledere: lederne af den øverste enhed og niveauet under den")
    ).to_be_visible()
    assert_accessible(page)

    # Who would be invited: the top leaders only, Cecilie's team not asked about a top leader.
    page.get_by_role("link", name="Se, hvor mange der inviteres pr. leder").click()
    expect(heading).to_have_text("Invitationer pr. leder")
    expect(page.get_by_role("row", name=re.compile("Anne Direktør"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Cecilie Ærø"))).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Topledelsen 2026").click()
    page.get_by_role("link", name="Se invitationen og påmindelsen på dansk og engelsk").click()
    expect(heading).to_have_text("Rundens e-mails")
    expect(
        page.get_by_text("Evaluering af Leder Eksempel: Topledelsen 2026", exact=True)
    ).to_be_visible()
    expect(
        page.get_by_text("Påmindelse: Evaluering af Leder Eksempel: Topledelsen 2026", exact=True)
    ).to_be_visible()
    expect(
        page.get_by_text("Evaluation of Sample Leader: Topledelsen 2026", exact=True)
    ).to_be_visible()
    page.get_by_text("HTML-udgaven (kildetekst)").first.click()
    expect(page.get_by_text(re.compile("&lt;|<!DOCTYPE html>")).first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumbs.get_by_role("link", name="Organisations")).to_be_visible()
    expect(
        page.get_by_text("Reminder: Evaluation of Sample Leader: Topledelsen 2026", exact=True)
    ).to_be_visible()
    assert_accessible(page)
    assert not Invitation.objects.exists()


def test_the_draft_pages_keep_the_content_security_policy(
    browser: Browser, live_server, draft_in_browser
):
    admin, round_ = draft_in_browser
    context = browser.new_context(locale="da-DK")  # the policy in force, unlike `page`
    page = context.new_page()
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", note)
    log_in(page, live_server.url, admin)
    base = f"{live_server.url}/organisationer/fjordby/runder/{round_.pk}"
    for path in ["/", "/rediger/", "/slet/", "/invitationer/", "/e-mails/"]:
        response = page.goto(base + path)
        assert response is not None
        assert response.status == 200
        assert "default-src 'self'" in (response.header_value("content-security-policy") or "")
    page.get_by_text("HTML-udgaven (kildetekst)").first.click()
    context.close()
    assert refused == []
