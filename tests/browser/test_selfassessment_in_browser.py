"""A leader takes a private self-assessment in Chromium by keyboard, resumes it, reads the change.

axe-core checks every page on the way, in Danish and in English.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from omstil.accounts.models import User
from omstil.accounts.services import set_up_user
from omstil.instruments.services import sync_library
from omstil.selfassessment import services
from omstil.selfassessment.models import SelfAssessment
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

TI_BUD = "10 bud: Hvad digital transformation kræver af toplederen"
TI_BUD_EN = "10 pointers: What digital transformation demands of the top leader"


@pytest.fixture
def leader(transactional_db) -> User:
    sync_library()
    return set_up_user("lene@test.example", PASSWORD, name="Lene Leder")


def answer_by_keyboard(page: Page, choices: list[int]) -> None:
    """Focus each statement's first radio, choose it with Space, move with the arrow keys."""
    for index, steps in enumerate(choices):
        page.locator("fieldset").nth(index).get_by_role("radio").first.focus()
        page.keyboard.press("Space")
        for _ in range(steps):
            page.keyboard.press("ArrowDown")


def write_note_and_go_on(page: Page, note: str) -> None:
    """From the last statement: Tab to the note, type it, Tab to the first button, press Enter."""
    page.keyboard.press("Tab")
    expect(page.get_by_role("textbox")).to_be_focused()
    page.keyboard.type(note)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")


def take(user: User, values: str, days_ago: int) -> SelfAssessment:
    assessment = services.start_self_assessment(user, "ti-bud")
    answers = iter(values.split())
    all_pages = services.pages(assessment.version, "da")
    for page in all_pages:
        services.save_page(
            assessment,
            page,
            {statement.key: next(answers) for statement in page.statements},
            f"Note fra for {days_ago} dage siden",
            complete=page is all_pages[-1],
        )
    when = timezone.now() - timedelta(days=days_ago)
    SelfAssessment.objects.filter(pk=assessment.pk).update(completed_at=when)
    return assessment


def test_a_leader_takes_ti_bud_by_keyboard_resumes_it_and_reads_the_result(
    page: Page, live_server, leader
):
    log_in(page, live_server.url, leader)
    page.get_by_role("link", name="Selvvurdering", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Selvvurdering")
    assert_accessible(page)
    page.get_by_role("region", name=TI_BUD).get_by_role("button").click()

    # Page 1 of 3, entirely by keyboard.
    expect(page.get_by_text("Side 1 af 3")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Organisationens relevans og omverden"
    )
    assert_accessible(page)
    answer_by_keyboard(page, [2, 3, 5])
    write_note_and_go_on(page, "Vi skal tale mere om 2035.")

    # Page 2: save and continue later.
    expect(page.get_by_text("Side 2 af 3")).to_be_visible()
    assert_accessible(page)
    answer_by_keyboard(page, [1, 1, 2, 3])
    page.get_by_role("button", name="Gem og fortsæt senere").click()
    expect(page.get_by_role("status")).to_contain_text("Din selvvurdering er gemt")
    assert_accessible(page)

    # Resume where it was left; go back once to check that page 1 kept its answers.
    page.get_by_role("region", name=TI_BUD).get_by_role(
        "link", name="Fortsæt din selvvurdering"
    ).click()
    expect(page.get_by_text("Side 3 af 3")).to_be_visible()
    page.get_by_role("button", name="Gem og gå tilbage").click()
    expect(page.get_by_text("Side 2 af 3")).to_be_visible()
    page.get_by_role("button", name="Gem og gå tilbage").click()
    expect(
        page.locator("fieldset").first.get_by_role("radio", name="Hverken enig eller uenig")
    ).to_be_checked()
    expect(page.get_by_role("textbox")).to_have_value("Vi skal tale mere om 2035.")
    page.get_by_role("button", name="Gem og gå videre").click()
    page.get_by_role("button", name="Gem og gå videre").click()

    expect(page.get_by_text("Side 3 af 3")).to_be_visible()
    assert_accessible(page)
    answer_by_keyboard(page, [3, 4, 5])
    write_note_and_go_on(page, "Mere tid til data og AI.")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Din selvvurdering: {TI_BUD}")
    expect(page.get_by_role("status")).to_contain_text("Din selvvurdering er afsluttet")
    expect(page.get_by_text("Det er første gang")).to_be_visible()
    expect(page.get_by_text("Mere tid til data og AI.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TI_BUD_EN)
    expect(page.get_by_role("cell", name="4 – Agree").first).to_be_visible()
    assert_accessible(page)


def test_the_change_since_last_time_and_deleting_in_danish_and_english(
    page: Page, live_server, leader
):
    take(leader, "2 3 3 2 2 dont_know 3 2 3 2", days_ago=400)
    latest = take(leader, "3 3 4 2 3 3 3 2 4 3", days_ago=20)
    services.start_self_assessment(leader, "topleder-kompetencer")
    log_in(page, live_server.url, leader)
    page.goto(f"{live_server.url}/selvvurdering/")
    expect(page.get_by_role("link", name="Fortsæt din selvvurdering")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("link", name="Se resultat").first.click()
    expect(page).to_have_url(f"{live_server.url}/selvvurdering/{latest.pk}/")
    expect(page.get_by_role("columnheader", name="Ændring").first).to_be_visible()
    expect(page.get_by_role("cell", name="+1").first).to_be_visible()
    page.get_by_text("Din note fra sidst").first.click()
    expect(page.get_by_text("Note fra for 400 dage siden").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TI_BUD_EN)
    assert_accessible(page)
    page.goto(f"{live_server.url}/selvvurdering/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/selvvurdering/{latest.pk}/slet/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/selvvurdering/00000000-0000-0000-0000-000000000000/")
    assert_accessible(page)

    page.get_by_role("button", name="Dansk").click()
    page.goto(f"{live_server.url}/selvvurdering/{latest.pk}/")
    page.get_by_role("link", name="Slet denne selvvurdering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Slet selvvurderingen")
    assert_accessible(page)
    page.get_by_role("button", name="Ja, slet den").click()
    expect(page.get_by_role("status")).to_contain_text("Selvvurderingen er slettet")
    assert not SelfAssessment.objects.filter(pk=latest.pk).exists()
    page.goto(f"{live_server.url}/selvvurdering/{latest.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Det kunne ikke lade sig gøre")
    assert_accessible(page)
