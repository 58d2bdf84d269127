"""HR sets the retention rules, sees what the next run removes, and deletes a person and a closed
round after being told what goes; axe-core finds no violation, in Danish or in English."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from omstil.organisations.models import Person
from omstil.privacy.retention import rules_for
from omstil.rounds.models import Round
from tests.browser.conftest import assert_accessible, log_in
from tests.report_fixtures import build_closed_round

pytestmark = pytest.mark.browser


@pytest.fixture
def kommune_in_browser(transactional_db, hr):
    round_ = build_closed_round()
    Person.objects.filter(employee_id="24").update(
        active=False, deactivated_at=timezone.now() - timedelta(days=400)
    )
    return hr(round_.organisation), round_


def test_hr_sets_the_rules_and_deletes_a_leaver_and_a_round(
    page: Page, live_server, kommune_in_browser
):
    admin, round_ = kommune_in_browser
    heading = page.get_by_role("heading", level=1)
    log_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/organisationer/fjordby/")
    page.get_by_role("link", name="Persondata").click()
    expect(heading).to_have_text("Persondata i Fjordby Kommune")
    expect(page.get_by_text("slettes 6 måneder efter")).to_be_visible()
    expect(page.get_by_role("row", name="Ansat 24")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("fratrådte slettes efter (måneder)").fill("-3")
    page.get_by_role("button", name="Gem reglerne").click()
    expect(page.locator(".form-error-message")).to_be_visible()
    assert rules_for(round_.organisation).leavers_months == 6
    assert_accessible(page)
    page.get_by_label("fratrådte slettes efter (måneder)").fill("12")
    page.get_by_role("button", name="Gem reglerne").click()
    expect(page.get_by_text("Opbevaringsreglerne er gemt.")).to_be_visible()
    expect(page.get_by_text("slettes 12 måneder efter")).to_be_visible()

    page.get_by_role("link", name="Slet Ansat 24 nu").click()
    expect(heading).to_have_text("Slet Ansat 24")
    expect(page.get_by_text("1 invitation", exact=False)).to_be_visible()
    expect(page.get_by_text("Anonyme svar bliver")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Skriv medarbejdernummeret").fill("23")
    page.get_by_role("button", name="Slet personen permanent").click()
    expect(page.get_by_text("præcis, som det står")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Skriv medarbejdernummeret").fill("24")
    page.get_by_role("button", name="Slet personen permanent").click()
    expect(page.get_by_text("Personen med medarbejdernummer 24 er slettet.")).to_be_visible()
    assert not Person.objects.filter(employee_id="24").exists()

    page.goto(f"{live_server.url}/organisationer/fjordby/runder/{round_.pk}/")
    page.get_by_role("link", name="Slet runden med alt under den").click()
    expect(page.get_by_text("40 anonyme svar")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(heading).to_contain_text("Delete the round")
    assert_accessible(page)
    page.get_by_label("Type the round's number").fill(str(round_.pk))
    page.get_by_role("button", name="Delete the round permanently").click()
    assert not Round.objects.filter(pk=round_.pk).exists()
    page.goto(f"{live_server.url}/organisationer/fjordby/persondata/")
    expect(heading).to_have_text("Personal data in Fjordby Kommune")
    assert_accessible(page)
