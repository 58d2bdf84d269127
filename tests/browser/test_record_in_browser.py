"""HR reads the record of processing and the draft data processing annex from the personal-data
page, in Danish and in English, prints them without the page's header and menus, and gets them
as PDF; axe-core finds no violation."""

import pytest
from playwright.sync_api import Page, expect

from omstil.privacy.retention import set_rules
from tests.browser.conftest import assert_accessible, log_in
from tests.report_fixtures import build_closed_round

pytestmark = pytest.mark.browser


@pytest.fixture
def kommune_in_browser(transactional_db, hr):
    round_ = build_closed_round()
    set_rules(round_.organisation, {"leavers_months": 4}, actor=None)
    return hr(round_.organisation)


def test_hr_reads_prints_and_downloads_the_record_and_the_annex(
    page: Page, live_server, kommune_in_browser
):
    heading = page.get_by_role("heading", level=1)
    log_in(page, live_server.url, kommune_in_browser)
    page.goto(f"{live_server.url}/organisationer/fjordby/persondata/")
    page.get_by_role("link", name="Fortegnelse over behandlingen").click()
    expect(heading).to_have_text("Fortegnelse over behandlingen")
    expect(page.get_by_role("heading", name="Ledelsesevaluering 2026")).to_be_visible()
    expect(page.get_by_text("slettes 4 måneder efter")).to_be_visible()
    expect(page.get_by_role("row", name="Ledere 4")).to_be_visible()
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(heading).to_be_visible()
    expect(page.get_by_text("slettes 4 måneder efter")).to_be_visible()
    for hidden in ("header.header", "footer", ".breadcrumbs", ".omstil-record-actions"):
        expect(page.locator(hidden).first).to_be_hidden()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.emulate_media(media="screen")
    expect(page.locator("header.header")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Hent som PDF").click()
    assert download.value.suggested_filename == "fortegnelse-fjordby.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.goto(f"{live_server.url}/organisationer/fjordby/persondata/")
    page.get_by_role("link", name="Udkast til bilag til databehandleraftalen").click()
    expect(heading).to_have_text("Udkast til bilag til databehandleraftalen")
    expect(page.get_by_text("Det er et udkast")).to_be_visible()
    expect(page.get_by_role("heading", name="1. Instruks")).to_be_visible()
    expect(page.get_by_text("omstil org delete --org fjordby")).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator(".omstil-record-actions").first).to_be_hidden()
    expect(page.get_by_role("heading", name="5. Når aftalen ophører")).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("rowheader", name="HR readers")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/organisationer/fjordby/persondata/fortegnelse/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("The leader (self)").first).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator("header.header")).to_be_hidden()
