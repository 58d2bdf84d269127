"""HR's audit log in Chromium: who saw which report, found by name and by kind, a wrong date range
explained beside the field, the found entries downloaded; axe-core finds no violation, in Danish
or in English."""

import csv
import io
from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from omstil.accounts.services import set_up_user
from omstil.core.audit import audit
from omstil.core.models import AuditEntry
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import PASSWORD
from tests.rounds_helpers import draft_round, kommune

pytestmark = pytest.mark.browser


def logged(event: str, at: datetime, **kwargs: object) -> None:
    entry = audit(event, organisation="fjordby", **kwargs)  # type: ignore[arg-type]
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.make_aware(at))


def test_hr_finds_who_saw_a_leaders_report_and_downloads_it(
    page: Page, live_server, transactional_db, hr
):
    organisation = kommune()
    round_ = draft_round(organisation)
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    bo = set_up_user("bo@fjordby.example", PASSWORD, name="Bo Socialchef")
    for event, at, actor, subject, kind in [
        ("report.leader", datetime(2025, 4, 1, 9), cecilie, "3", "html"),
        ("report.leader", datetime(2025, 4, 2, 10), bo, "3", "pdf"),
        ("report.unit", datetime(2025, 4, 3, 11), bo, "Fjordby Kommune / Social", "html"),
    ]:
        logged(event, at, actor=actor, round=round_.pk, subject=subject, format=kind)
    admin = hr(organisation)
    log_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/organisationer/fjordby/revisionsspor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisionsspor for Fjordby Kommune")
    table = page.get_by_role("table", name="Revisionsspor, nyeste først")
    expect(table).to_contain_text("Hentede lederrapporten som PDF")
    assert_accessible(page)

    # Who saw Cecilie's report: the entries hold her employee number, the search her name.
    page.get_by_label("Søg").fill("Cecilie")
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(page.get_by_role("heading", name="2 poster fundet")).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("2. april 2025 10:00")
    expect(rows.nth(0)).to_contain_text("bo@fjordby.example")
    expect(rows.nth(0)).to_contain_text("Hentede lederrapporten som PDF")
    expect(rows.nth(0)).to_contain_text("Leder: Cecilie Ærø (3)")
    expect(rows.nth(1)).to_contain_text("Så lederrapporten")
    expect(rows.nth(1)).to_contain_text("cecilie@fjordby.example")

    # Narrowed to one kind of event, and to dates that come in the wrong order.
    page.get_by_label("Søg").fill("")
    page.get_by_label("Hændelse").select_option(label="Så eller hentede enhedsrapporten")
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(page.get_by_role("heading", name="1 post fundet")).to_be_visible()
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("Enhed: Fjordby Kommune / Social")
    page.get_by_label("Fra og med").fill("2025-04-03")
    page.get_by_label("Til og med").fill("2025-04-01")
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(page.get_by_text("Slutdatoen ligger før startdatoen.")).to_be_visible()
    expect(page.get_by_label("Til og med")).to_have_attribute("aria-invalid", "true")
    expect(table).to_have_count(0)
    assert_accessible(page)

    # The found entries as CSV; the download itself is in the log.
    page.get_by_label("Hændelse").select_option(label="Alle visninger og downloads af rapporter")
    page.get_by_label("Fra og med").fill("2025-04-02")
    page.get_by_label("Til og med").fill("2025-04-03")
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(rows).to_have_count(2)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV-fil").click()
    assert download.value.suggested_filename == "revisionsspor-fjordby.csv"
    with open(download.value.path(), encoding="utf-8-sig") as file:
        exported = list(csv.reader(io.StringIO(file.read()), delimiter=";"))
    assert [row[2] for row in exported[1:]] == [
        "Så enhedsrapporten",
        "Hentede lederrapporten som PDF",
    ]
    page.get_by_role("link", name="Vis hele sporet").click()
    expect(rows.nth(0)).to_contain_text("Hentede revisionssporet som CSV-fil")
    expect(rows.nth(0)).to_contain_text(admin.email)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumbs.get_by_role("link", name="Organisations")).to_be_visible()
    expect(page.get_by_role("table")).to_be_visible()
    assert_accessible(page)
