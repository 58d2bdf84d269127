"""The whole round in Chromium: HR imports and opens; e-mails arrive over SMTP; people answer."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from omstil.accounts.services import set_up_user
from omstil.instruments.services import sync_library
from omstil.organisations.models import Organisation
from omstil.responses.models import Response
from omstil.rounds.models import Invitation, Participation, Round
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import PASSWORD
from tests.hrfiles import csv_file
from tests.rounds_helpers import links_in

pytestmark = pytest.mark.browser


@pytest.fixture
def fjordby_hr(hr, transactional_db):
    sync_library()
    organisation = Organisation.objects.create(slug="fjordby", name="Fjordby Kommune")
    return hr(organisation)


def message_to(smtp_server, address: str):
    return next(m for m in reversed(smtp_server.messages) if m["To"] == address)


def answer_by_keyboard(page: Page, choices: list[str]) -> None:
    """Tab to each statement's radio group and pick an answer with the arrow keys only."""
    for index, steps in enumerate(choices):
        radios = page.locator("fieldset").nth(index).get_by_role("radio")
        radios.first.focus()
        page.keyboard.press("Space")
        for _ in range(int(steps)):
            page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")


def test_a_round_from_import_to_closing(page: Page, live_server, fjordby_hr, smtp_server, tmp_path):
    # HR imports the organisation and sets up a round in the browser.
    log_in(page, live_server.url, fjordby_hr)
    page.goto(f"{live_server.url}/organisationer/fjordby/import/")
    (tmp_path / "fjordby_hr.csv").write_bytes(csv_file())
    page.get_by_label("Fil fra HR-systemet").set_input_files(str(tmp_path / "fjordby_hr.csv"))
    page.get_by_role("button", name="Vis ændringerne").click()
    page.get_by_role("button", name="Importér", exact=True).click()
    page.get_by_role("link", name="Evalueringsrunder").click()
    assert_accessible(page)
    page.get_by_role("link", name="Opret en runde").click()
    assert_accessible(page)
    page.get_by_role("button", name="Opret runden som kladde").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ledelsesevaluering")
    assert_accessible(page)
    page.get_by_role("button", name="Åbn runden og send invitationer").click()
    expect(page.get_by_text("0 af 15 har svaret.")).to_be_visible()
    assert_accessible(page)

    # The worker sends the invitations over SMTP.
    call_command("worker", "--burst", verbosity=0)
    assert len(smtp_server.messages) == 15

    # Dorte answers in Danish, with the keyboard only, on a 360-pixel phone.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 740})
    [dorte_token] = set(links_in(message_to(smtp_server, "dorte@fjordby.example")))
    page.goto(f"{live_server.url}/svar/{dorte_token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ledelsesevaluering")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_text("Du svarer på udsagn om din leder, Cecilie Ærø.")).to_be_visible()
    # A questionnaire of one page is answered below the introduction: one page, one submit.
    expect(page.locator("fieldset")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    answer_by_keyboard(page, ["3", "4", "2", "5", "6"])
    expect(
        page.locator("fieldset").nth(0).get_by_role("radio", name="Enig", exact=True)
    ).to_be_checked()
    page.get_by_role("button", name="Send dine svar").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tak for dine svar")
    assert page.locator("main form").count() == 0
    assert_accessible(page)

    # Emil reads in English, stops half-way and comes back.
    page.set_viewport_size({"width": 1280, "height": 900})
    [emil_token] = set(links_in(message_to(smtp_server, "emil@fjordby.example")))
    page.goto(f"{live_server.url}/svar/{emil_token}/side/1/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Strongly disagree").first).to_be_visible()
    assert_accessible(page)
    page.locator("fieldset").nth(0).get_by_role("radio", name="Agree", exact=True).check()
    page.get_by_role("button", name="Submit your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your answers")
    assert_accessible(page)

    # A reminder goes only to those who have not answered.
    round_ = Round.objects.get()
    smtp_server.messages.clear()
    log_in(page, live_server.url, fjordby_hr)
    page.goto(f"{live_server.url}/organisationer/fjordby/runder/{round_.pk}/")
    expect(page.get_by_text("2 af 15 har svaret.")).to_be_visible()
    page.get_by_role("link", name="Send påmindelse til dem, der ikke har svaret").click()
    expect(
        page.get_by_text("Påmindelsen sendes til 13, som ikke har svaret endnu.")
    ).to_be_visible()
    page.get_by_role("button", name="Send påmindelsen").click()
    call_command("worker", "--burst", verbosity=0)
    assert len(smtp_server.messages) == 13
    assert {m["To"] for m in smtp_server.messages}.isdisjoint(
        {"dorte@fjordby.example", "emil@fjordby.example"}
    )

    # Closing: late links show a friendly page.
    page.get_by_role("button", name="Luk runden").click()
    expect(page.get_by_text("Runden er lukket.")).to_be_visible()
    page.context.clear_cookies()
    late = page.goto(f"{live_server.url}/svar/{dorte_token}/")
    assert late is not None
    assert late.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("Evalueringen er lukket")
    assert_accessible(page)
    assert Response.objects.filter(submitted=True).count() == 2
    # Closed, the invitations keep only the counts: who took part is forgotten.
    assert not Invitation.objects.filter(completed__isnull=False).exists()
    assert sum(Participation.objects.values_list("completed", flat=True)) == 2


def test_a_leader_sees_their_own_response_rate(page: Page, live_server, fjordby_hr):
    from omstil.organisations.services import import_people
    from omstil.rounds.services import open_round
    from tests.rounds_helpers import draft_round

    import_people("fjordby", csv_file())
    # A minimum of 3, so that Cecilie's three employees are a group whose count is shown.
    open_round(draft_round(Organisation.objects.get(slug="fjordby"), min_group_size=3))
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    log_in(page, live_server.url, cecilie)
    page.get_by_role("link", name="Mine evalueringer").click()
    expect(page.get_by_role("row", name="Medarbejdere")).to_contain_text("0 af 3")
    assert_accessible(page)
