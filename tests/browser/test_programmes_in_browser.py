"""HR runs a competence programme in Chromium; axe-core finds no violation on any page."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, log_in
from tests.programme_helpers import measured_kommune

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
    expect(page.get_by_text(f"15. september 2024 · {total - 1} af {total}")).to_be_visible()
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
