"""A leader opens their report in Chromium; axe-core finds no violation."""

import pytest
from playwright.sync_api import Page, expect

from omstil.accounts.services import set_up_user
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def closed_in_browser(transactional_db, request):
    return request.getfixturevalue("closed")


def test_a_leader_reads_their_report(page: Page, live_server, closed_in_browser):
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    log_in(page, live_server.url, cecilie)
    page.get_by_role("link", name="Mine evalueringer").click()
    page.get_by_role("link", name="Se din rapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport for Cecilie Ærø")
    expect(page.get_by_text("skjult for at beskytte en mindre gruppe").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report for Cecilie Ærø")
    assert_accessible(page)


def test_hr_reads_a_unit_report_with_its_heat_map(page: Page, live_server, closed_in_browser, hr):
    from omstil.rounds.models import Round

    Round.objects.filter(pk=closed_in_browser.pk).update(
        visibility={**closed_in_browser.visibility, "org_admins": True}
    )
    hr = hr(closed_in_browser.organisation)
    log_in(page, live_server.url, hr)
    page.goto(f"{live_server.url}/organisationer/fjordby/runder/{closed_in_browser.pk}/")
    page.get_by_role("link", name="Rapport for Fjordby Kommune").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport for Fjordby Kommune")
    expect(page.get_by_role("table", name="Udsagn × enheder")).to_be_visible()
    assert_accessible(page)


def test_hr_asks_for_the_zip_of_all_leader_reports(page: Page, live_server, closed_in_browser, hr):
    from omstil.rounds.models import Round

    Round.objects.filter(pk=closed_in_browser.pk).update(
        visibility={**closed_in_browser.visibility, "org_admins": True}
    )
    hr = hr(closed_in_browser.organisation)
    log_in(page, live_server.url, hr)
    page.goto(f"{live_server.url}/organisationer/fjordby/runder/{closed_in_browser.pk}/")
    page.get_by_role("button", name="Lav en zip-fil med alle lederrapporter som PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alle lederrapporter")
    expect(page.get_by_role("status")).to_contain_text("rapporter er lavet")
    assert_accessible(page)
    # A week later the zip is gone; its page says why and offers a new one.
    from omstil.reports.models import ReportArchive

    ReportArchive.objects.update(status="deleted")
    page.reload()
    expect(page.get_by_role("status")).to_contain_text("Zip-filen er slettet")
    assert_accessible(page)
    page.get_by_role("button", name="Lav en ny zip-fil").click()
    expect(page.get_by_role("status")).to_contain_text("rapporter er lavet")
    assert ReportArchive.objects.count() == 2


def test_a_superior_follows_the_heat_map_from_unit_to_unit_over_two_rounds(
    page: Page, live_server, transactional_db, request
):
    later = request.getfixturevalue("later")
    bo = set_up_user("bo@fjordby.example", PASSWORD)
    log_in(page, live_server.url, bo)
    page.goto(f"{live_server.url}/rapporter/{later.pk}/enhed/?enhed=Fjordby%20Kommune%20/%20Social")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rapport for Fjordby Kommune / Social"
    )
    expect(page.get_by_role("columnheader", name="Ændring siden sidst")).to_be_visible()
    expect(page.get_by_role("table", name="Udsagn × enheder")).to_contain_text("(+1,4)")
    assert_accessible(page)
    page.get_by_role("link", name="Hjemmeplejen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rapport for Fjordby Kommune / Social / Hjemmeplejen"
    )
    assert_accessible(page)


def test_hr_without_leader_reports_sees_the_organisation_pooled(
    page: Page, live_server, closed_in_browser, hr
):
    hr = hr(closed_in_browser.organisation)
    log_in(page, live_server.url, hr)
    page.goto(f"{live_server.url}/organisationer/fjordby/runder/{closed_in_browser.pk}/")
    page.get_by_role("link", name="Rapport for Fjordby Kommune").click()
    expect(page.get_by_text("kan du ikke se de enkelte lederes rapporter")).to_be_visible()
    expect(page.get_by_role("table", name="Udsagn × enheder")).to_contain_text(
        "skjult: lille gruppe"
    )
    assert_accessible(page)


def test_hr_reads_the_organisation_across_levels_and_job_families(
    page: Page, live_server, transactional_db, hr
):
    """Under the default policy (no single leaders' reports for HR): the organisation report's
    views by level and by job family, and a unit's within its details, pass axe in both
    languages."""
    from tests.programme_helpers import measured_kommune

    measured = measured_kommune()
    hr = hr(measured.organisation)
    log_in(page, live_server.url, hr)
    page.goto(f"{live_server.url}/rapporter/{measured.baseline.pk}/enhed/?enhed=M%C3%A5lby+Kommune")
    expect(page.get_by_role("heading", name="På tværs af enhederne")).to_be_visible()
    expect(page.get_by_role("table", name="Efter ledelsesniveau")).to_contain_text("Niveau 2")
    expect(page.get_by_role("table", name="Efter faggruppe")).to_be_visible()
    page.locator("details summary").first.click()
    expect(page.locator("details[open] table")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("table", name="By job family")).to_be_visible()
    assert_accessible(page)
