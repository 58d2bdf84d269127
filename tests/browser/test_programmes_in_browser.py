"""HR runs a competence programme in Chromium; axe-core finds no violation on any page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from omstil.accounts.services import set_up_user
from omstil.organisations.models import Person
from omstil.programmes.models import Programme
from omstil.programmes.services import (
    MaterialLinkSetup,
    ModuleSetup,
    ProgrammeSetup,
    add_module,
    create_programme,
    set_attendance,
)
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import PASSWORD
from tests.programme_helpers import measured_kommune
from tests.rounds_helpers import kommune

pytestmark = pytest.mark.browser


def test_hr_creates_a_programme_registers_attendance_and_reads_its_effect(
    page: Page, live_server, transactional_db, hr
):
    measured = measured_kommune()
    hr = hr(measured.organisation)
    log_in(page, live_server.url, hr)
    page.goto(f"{live_server.url}/organisationer/maalby/")
    page.get_by_role("link", name="Kompetenceforløb").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kompetenceforløb")
    assert_accessible(page)

    page.get_by_role("link", name="Opret et forløb").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opret et forløb")
    assert_accessible(page)
    page.get_by_label("Navn").fill("Digital ledelse – hold 1")
    page.get_by_label("Begynder").fill("2024-09-01")
    page.get_by_label("Slutter").fill("2024-08-01")
    page.get_by_role("button", name="Opret forløbet").click()
    expect(page.get_by_role("alert")).to_contain_text("Forløbet kan ikke slutte, før det begynder.")
    assert_accessible(page)

    page.get_by_label("Slutter").fill("2025-01-31")
    page.get_by_label("Beskrivelse (valgfri)").fill("Digital ledelse for en første gruppe ledere.")
    page.get_by_label("Førmåling: evalueringsrunden før forløbet (valgfri)").select_option(
        str(measured.baseline.pk)
    )
    page.get_by_label("Eftermåling: evalueringsrunden efter forløbet (valgfri)").select_option(
        str(measured.follow_up.pk)
    )
    page.get_by_label("Udvalgte ledere: sæt kryds ved dem nedenfor").check()
    for employee_id in measured.participants:
        page.locator(f'input[name="participants"][value="{employee_id}"]').check()
    page.get_by_role("button", name="Opret forløbet").click()
    expect(page.get_by_role("status")).to_contain_text("Forløbet er oprettet.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital ledelse – hold 1")
    assert_accessible(page)

    page.get_by_role("link", name="Tilføj et modul").click()
    page.get_by_label("Titel").fill("Hvad er digital ledelse?")
    page.get_by_label("Dato").fill("2024-09-15")
    page.get_by_label("Indhold (valgfrit)").fill("Ledelse, IT, mennesker, processer og opgaver.")
    page.get_by_label("Ledelse", exact=True).check()
    page.get_by_label("IT", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Tilføj modulet").click()
    expect(page.get_by_role("status")).to_contain_text("Modulet er tilføjet.")

    page.get_by_role("link", name="Registrér fremmøde – Hvad er digital ledelse?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fremmøde til Hvad er digital ledelse?"
    )
    checkboxes = page.locator('input[name="present"]')
    for index in range(checkboxes.count() - 1):
        checkboxes.nth(index).check()
    assert_accessible(page)
    page.get_by_role("button", name="Gem fremmødet").click()
    total = len(measured.participants)
    expect(page.get_by_role("status")).to_contain_text(
        f"Fremmødet er gemt: {total - 1} af {total} deltagere mødte."
    )
    expect(page.get_by_text(f"15. sept. 2024 · {total - 1} af {total}")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Se effekten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Effekten af Digital ledelse – hold 1"
    )
    table = page.get_by_role(
        "table", name="Ændring i medarbejdernes gennemsnit fra førmåling til eftermåling"
    )
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(6)
    expect(page.get_by_text("Rapporten beviser ikke, at forløbet virker.")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent rapporten som PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)


def test_hr_chooses_the_participants_by_a_rule(page: Page, live_server, transactional_db, hr):
    organisation = kommune()
    log_in(page, live_server.url, hr(organisation))
    page.goto(f"{live_server.url}/organisationer/fjordby/forloeb/nyt/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Opret et forløb")
    expect(page.get_by_label("Alle ledere")).to_be_checked()
    page.get_by_label("Navn").fill("Digital ledelse for socialområdet")
    page.get_by_label("Begynder").fill("2026-09-01")
    page.get_by_label("Slutter").fill("2027-01-31")
    page.get_by_label("Ledere i enheder: vælg enhederne nedenfor").check()
    page.get_by_role("button", name="Opret forløbet").click()
    expect(page.get_by_role("alert")).to_contain_text("Vælg mindst én enhed.")
    assert_accessible(page)
    page.get_by_label("Fjordby Kommune / Social", exact=True).check()
    page.get_by_role("button", name="Opret forløbet").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Reglen “Ledere i enhederne Fjordby Kommune / Social og enhederne under dem” valgte "
        "2 ledere."
    )
    participants = page.get_by_role("table", name="Deltagere og fremmøde")
    expect(participants.get_by_role("row")).to_have_count(3)
    expect(participants).to_contain_text("Bo Socialchef")
    expect(participants).to_contain_text("Cecilie Ærø")
    assert_accessible(page)

    page.get_by_role("link", name="Redigér forløbet").click()
    page.get_by_label("Ledere på niveau: vælg niveauet nedenfor").check()
    page.get_by_label("Ledere uden ledere under sig").check()
    assert_accessible(page)
    page.get_by_role("button", name="Gem forløbet").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Reglen “Ledere uden ledere under sig” valgte 2 ledere."
    )
    expect(participants).to_contain_text("Gustav Berg")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)
    assert Programme.objects.get().participant_rule["kind"] == "level"


def test_a_participant_follows_their_programme_from_the_front_page(
    page: Page, live_server, transactional_db
):
    organisation = kommune()
    today = timezone.localdate()
    programme = create_programme(
        organisation,
        ProgrammeSetup(
            "Digital ledelse – hold 1",
            today - timedelta(days=60),
            today + timedelta(days=60),
            participants=["3", "7"],
        ),
    )
    first = add_module(
        programme,
        ModuleSetup(
            "Hvad er digital ledelse?",
            today - timedelta(days=30),
            "Samspillet mellem ledelse, IT, mennesker, processer og opgaver.",
            ["ledelse", "it", "mennesker", "processer", "opgaver"],
            material="Læs beskrivelsen af forløbet før modulet.",
            links=[MaterialLinkSetup("https://www.albertslund.dk/", "Albertslund Kommune")],
        ),
    )
    add_module(programme, ModuleSetup("Eget fagområde", today - timedelta(days=7), "", ["opgaver"]))
    add_module(programme, ModuleSetup("På tværs", today + timedelta(days=21), "", ["processer"]))
    set_attendance(first, ["3"])
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD)
    assert Person.objects.get(organisation=organisation, employee_id="3").user == cecilie

    log_in(page, live_server.url, cecilie)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Dit kompetenceforløb", level=2)).to_be_visible()
    table = page.get_by_role("table", name="Modulerne i Digital ledelse – hold 1 og dit fremmøde")
    expect(table.get_by_role("row", name="Hvad er digital ledelse?")).to_contain_text("Mødt")
    expect(table.get_by_role("row", name="Eget fagområde")).to_contain_text("Ikke registreret")
    expect(table.get_by_role("row", name="På tværs")).not_to_contain_text("Mødt")
    assert_accessible(page)

    page.get_by_role("link", name="Se forløbet med indhold og materiale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital ledelse – hold 1")
    expect(page.get_by_role("link", name="Albertslund Kommune")).to_have_attribute(
        "href", "https://www.albertslund.dk/"
    )
    expect(
        page.get_by_text("Du er registreret som mødt til 1 af 2 holdte moduler.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)
    page.goto(f"{live_server.url}/")
    assert_accessible(page)

    # Another leader of the organisation sees nothing of it.
    page.context.clear_cookies()
    log_in(page, live_server.url, set_up_user("bo@fjordby.example", PASSWORD))
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Dit kompetenceforløb")).to_have_count(0)
