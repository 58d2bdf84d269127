"""HR gives a leader insight in Chromium: finds her by e-mail address from the personal-data page,
reads everything Omstil holds about her, downloads the PDF, and is told plainly when nobody has
the address; axe-core finds no violation, in Danish or in English."""

import pytest
from playwright.sync_api import Page, expect

from omstil.core.models import AuditEntry
from omstil.development.services import add_comment, set_focus
from omstil.organisations.models import Person
from omstil.rounds.models import EvaluatedLeader
from tests.browser.conftest import assert_accessible, log_in
from tests.report_fixtures import build_closed_round
from tests.rounds_helpers import KEYS

pytestmark = pytest.mark.browser


@pytest.fixture
def kommune_in_browser(transactional_db, hr):
    round_ = build_closed_round()
    accounts = {person.employee_id: person.user for person in Person.objects.select_related("user")}
    cecilie, anne = accounts["3"], accounts["1"]
    assert cecilie is not None
    assert anne is not None
    leader = EvaluatedLeader.objects.get(round=round_, employee_id="3")
    set_focus(leader, [KEYS[0]], [], actor=cecilie)
    add_comment(leader, cecilie, "Jeg starter efter sommerferien")
    add_comment(leader, anne, "Husk budgettet")
    return hr(round_.organisation)


def test_hr_finds_a_leader_by_e_mail_and_reads_everything_held_about_her(
    page: Page, live_server, kommune_in_browser
):
    heading = page.get_by_role("heading", level=1)
    log_in(page, live_server.url, kommune_in_browser)
    page.goto(f"{live_server.url}/organisationer/fjordby/persondata/")
    page.get_by_role("link", name="Indsigt: alt, hvad Omstil har om én person").click()
    expect(heading).to_have_text("Indsigt: alt, hvad Omstil har om én person")
    assert_accessible(page)

    field = page.get_by_label("Medarbejdernummer eller e-mailadresse")
    field.fill("ingen@fjordby.example")
    page.get_by_role("button", name="Find personen").click()
    expect(page.locator(".form-error-message")).to_contain_text(
        "Der er ingen person med medarbejdernummeret eller e-mailadressen "
        "“ingen@fjordby.example” i Fjordby Kommune."
    )
    expect(field).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    field.fill("Cecilie@Fjordby.example")
    page.get_by_role("button", name="Find personen").click()
    expect(heading).to_have_text("Indsigt: Cecilie Ærø")
    expect(page).to_have_url(f"{live_server.url}/organisationer/fjordby/personer/3/indsigt/")
    hr_data = page.get_by_role("table", name="Oplysninger fra HR-filen")
    expect(hr_data.get_by_role("row", name="Nærmeste leder")).to_contain_text("Bo Socialchef")
    invitations = page.get_by_role("table", name="Invitationer til at svare")
    expect(invitations.get_by_role("row").filter(has_text="Selvevaluering")).to_contain_text(
        "Ikke gemt: runden er lukket"
    )
    expect(
        page.get_by_text("intet i Omstil forbinder et svar med den, der gav det")
    ).to_be_visible()
    expect(page.get_by_text("en anden leder i organisationen, ")).to_be_visible()
    expect(page.get_by_text("Anne Direktør")).to_have_count(0)
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF på dansk").click()
    assert download.value.suggested_filename == "indsigt-fjordby-3.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert list(
        AuditEntry.objects.filter(event="person.insight")
        .order_by("pk")
        .values_list("fields", flat=True)
    ) == [{"employee_id": "3", "format": "html"}, {"employee_id": "3", "format": "pdf"}]

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(heading).to_contain_text("Cecilie Ærø")
    assert_accessible(page)
