"""The report's charts in Chromium: axe finds no violation in Danish or English, and on a phone
(360 px) and a desktop (1280 px) every chart is drawn, visible and inside the page's width."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from omstil.accounts.services import set_up_user
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def two_rounds(transactional_db, request):
    """Cecilie's first round (her own and her superior's answers) and a later one (the change)."""
    return request.getfixturevalue("closed"), request.getfixturevalue("later")


def charts_fit(page: Page, width: int) -> list[dict[str, object]]:
    """Every chart on the page with its box; fails when one is missing, hidden or too wide."""
    boxes: list[dict[str, object]] = page.evaluate(
        """() => [...document.querySelectorAll('svg[role=img]')].map(svg => {
            const box = svg.getBoundingClientRect();
            const title = svg.querySelector('title');
            return {left: box.left, right: box.right, width: box.width, height: box.height,
                    title: title ? title.textContent : '',
                    labelled: svg.getAttribute('aria-labelledby') === (title && title.id)};
        })"""
    )
    assert boxes, "no chart on the page"
    for box in boxes:
        assert box["labelled"], box
        assert box["title"], box
        left, right = float(str(box["left"])), float(str(box["right"]))
        assert float(str(box["width"])) > 100, box  # drawn, not collapsed
        assert float(str(box["height"])) > 10, box
        assert left >= 0, box
        assert right <= width, box
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    return boxes


def test_the_leader_reads_her_charts_in_both_languages(page: Page, live_server, two_rounds):
    first, later = two_rounds
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    log_in(page, live_server.url, cecilie)
    page.goto(f"{live_server.url}/rapporter/{first.pk}/leder/3/")
    overview = page.get_by_role("img", name="Forskellen mellem din egen vurdering")
    expect(overview).to_be_visible()
    expect(
        page.get_by_role("img", name="Fordelingen af medarbejdernes 5 svar").first
    ).to_be_visible()
    expect(page.get_by_role("img", name="Gennemsnit på skalaen").first).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/rapporter/{later.pk}/leder/3/")
    expect(page.get_by_role("img", name="runde for runde")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report for Cecilie Ærø")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_accessible(page)


def test_a_unit_report_with_its_charts_and_coloured_heat_map(
    page: Page, live_server, two_rounds, tmp_path: Path
):
    _first, later = two_rounds
    bo = set_up_user("bo@fjordby.example", PASSWORD)
    log_in(page, live_server.url, bo)
    page.goto(f"{live_server.url}/rapporter/{later.pk}/enhed/?enhed=Fjordby%20Kommune%20/%20Social")
    expect(
        page.get_by_role("img", name="Hvor mange af de inviterede der har svaret")
    ).to_be_visible()
    heat = page.get_by_role("table", name="Udsagn × enheder")
    cell = heat.locator("td[class^=omstil-heat-step-]").first
    expect(cell).to_be_visible()
    colours = cell.evaluate(
        "td => [getComputedStyle(td).backgroundColor, getComputedStyle(td).color]"
    )
    assert colours[0] != "rgba(0, 0, 0, 0)"  # coloured by the scale, not left transparent
    charts_fit(page, page.viewport_size["width"] if page.viewport_size else 1280)
    page.screenshot(path=str(tmp_path / "enhed.png"), full_page=True)
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report for Fjordby Kommune / Social")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_leaders_charts_fit_a_phone_and_a_desktop(
    browser: Browser, live_server, two_rounds, width, tmp_path: Path
):
    first, later = two_rounds
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    context = browser.new_context(locale="da-DK", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, live_server.url, cecilie)
        for round_ in (first, later):
            page.goto(f"{live_server.url}/rapporter/{round_.pk}/leder/3/")
            boxes = charts_fit(page, width)
            # The summary, and a distribution and a dot plot for each shown statement.
            kinds = {str(box["title"]).split(" ")[0] for box in boxes}
            assert {"Forskellen", "Fordelingen", "Gennemsnit"} <= kinds, kinds
            shot = tmp_path / f"leder-{round_.pk}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
    finally:
        context.close()
