"""HR's round page in Chromium: who may see what, the units, and a reminder confirmed before it is
sent and then listed; axe-core finds no violation, in Danish or in English."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from omstil.rounds.models import Invitation, Reminder
from omstil.rounds.services import open_round
from tests.browser.conftest import assert_accessible, log_in
from tests.rounds_helpers import draft_round, kommune

pytestmark = pytest.mark.browser

HJEMMEPLEJEN = "Fjordby Kommune / Social / Hjemmeplejen"


@pytest.fixture
def fjordby(transactional_db):
    return kommune()


def test_hr_reads_the_rules_and_confirms_a_reminder(
    page: Page, live_server, fjordby, hr, smtp_server
):
    round_ = draft_round(fjordby, leader_units=[HJEMMEPLEJEN, "Fjordby Kommune / Teknik"])
    open_round(round_)
    call_command("worker", "--burst", verbosity=0)
    assert len(smtp_server.messages) == Invitation.objects.filter(round=round_).count()
    smtp_server.messages.clear()
    Invitation.objects.filter(round=round_, person__employee_id="4").update(completed=True)
    waiting = Invitation.objects.filter(round=round_, completed=False).count()

    log_in(page, live_server.url, hr(fjordby))
    round_page = f"{live_server.url}/organisationer/fjordby/runder/{round_.pk}/"
    page.goto(round_page)
    expect(page.get_by_role("heading", name="Hvem kan se hvad")).to_be_visible()
    expect(page.get_by_text("Lederen ser sin egen rapport", exact=False)).to_be_visible()
    expect(page.get_by_text("HR ser ingen enkelt leders rapport", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="Enheder i runden")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Hjemmeplejen")).to_have_count(1)
    expect(page.get_by_role("listitem").filter(has_text="Teknik")).to_have_count(1)
    expect(page.get_by_text("Der er ikke sendt nogen påmindelser endnu.")).to_be_visible()
    assert_accessible(page)

    # The button asks first; going back sends nothing.
    page.get_by_role("link", name="Send påmindelse til dem, der ikke har svaret").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send påmindelse")
    expect(
        page.get_by_text(f"Påmindelsen sendes til {waiting}, som ikke har svaret endnu.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Fortryd").click()
    page.wait_for_url(round_page)
    assert not Reminder.objects.exists()

    # Confirmed, it is sent, recorded and listed.
    page.get_by_role("link", name="Send påmindelse til dem, der ikke har svaret").click()
    page.get_by_role("button", name="Send påmindelsen").click()
    page.wait_for_url(round_page)
    expect(
        page.get_by_text("Påmindelser bliver sendt til alle, der ikke har svaret endnu.")
    ).to_be_visible()
    sent = page.get_by_role("table").filter(has_text="Tidspunkt")
    expect(sent).to_contain_text("Sendt af Hanne HR")
    expect(sent).to_contain_text(f"{waiting}, som ikke havde svaret")
    assert_accessible(page)
    call_command("worker", "--burst", verbosity=0)
    assert len(smtp_server.messages) == waiting
    assert Reminder.objects.get().recipients == waiting

    # The same pages in English.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(
        page.locator("dt", has_text="The organisation's administrators (HR)").first
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Send a reminder to those who have not responded").click()
    expect(page.get_by_role("link", name="Cancel")).to_be_visible()
    assert_accessible(page)
