"""A competence mapping in Chromium: HR sets it up, an employee answers by keyboard, a leader and
HR read the maps; axe-core finds no violation on any page, in Danish or in English."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from omstil.accounts.services import set_up_user
from omstil.responses.models import Response
from omstil.rounds.models import Round
from omstil.rounds.services import open_round
from tests.browser.conftest import assert_accessible, log_in
from tests.browser.test_round_end_to_end import answer_by_keyboard
from tests.conftest import PASSWORD
from tests.mapping_helpers import (
    EVERYONE,
    HJEMMEPLEJEN,
    closed_mapping,
    mapping_kommune,
    mapping_round,
    token_of,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def fjordby(transactional_db):
    return mapping_kommune()


@pytest.fixture
def two_mappings(fjordby):
    """Two closed mappings a year apart, the second a little better."""
    closed_mapping(fjordby, EVERYONE, opens_on=date(2024, 2, 5))
    better = {person: "4" if value == "3" else value for person, value in EVERYONE.items()}
    return closed_mapping(fjordby, better, opens_on=date(2025, 2, 3))


def test_hr_sets_up_a_mapping_and_an_employee_answers_by_keyboard(
    page: Page, live_server, fjordby, hr
):
    hr = hr(fjordby)
    log_in(page, live_server.url, hr)
    page.goto(f"{live_server.url}/organisationer/fjordby/runder/")
    assert_accessible(page)
    page.get_by_role("link", name="Kortlæg medarbejdernes digitale kompetencer").click()
    expect(
        page.get_by_label("Medarbejdernes digitale kompetencer (kortlægning)", exact=True)
    ).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Mindste gruppestørrelse").fill("3")
    page.get_by_role("button", name="Opret runden som kladde").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kortlægning af digitale")
    expect(page.get_by_text("Din faggruppe gemmes sammen med dine svar")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Åbn runden og send invitationer").click()
    expect(page.get_by_text("0 af 35 har svaret.")).to_be_visible()
    expect(page.get_by_role("table", name="Pr. team (nærmeste leder)")).to_be_visible()
    assert_accessible(page)

    # Dorte answers with the keyboard only, on a phone.
    round_ = Round.objects.get()
    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/svar/{token_of(round_, '4')}/")
    expect(page.get_by_text("Du vurderer dine egne digitale kompetencer.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start").focus()
    page.keyboard.press("Enter")
    for number in range(1, 7):
        expect(page.get_by_text(f"Side {number} af 6")).to_be_visible()
        if number == 1:
            expect(page.get_by_role("heading", level=1)).to_have_text("Brug af digitale systemer")
            expect(page.get_by_text("Jeg kan selv bruge de digitale systemer")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            assert_accessible(page)
        answer_by_keyboard(page, ["3", "4", "2"])
        button = "Send dine svar" if number == 6 else "Gem og gå videre"
        page.get_by_role("button", name=button).focus()
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tak for dine svar")
    assert_accessible(page)
    [response] = Response.objects.filter(round=round_, submitted=True)
    assert response.job_family == "SOSU-assistent"

    # Another employee reads the questionnaire in English.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/svar/{token_of(round_, '300')}/side/1/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Using digital systems")
    expect(page.get_by_text("I can use the digital systems that my work requires")).to_be_visible()
    assert_accessible(page)


def test_a_leader_reads_the_map_of_their_unit(page: Page, live_server, two_mappings):
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    log_in(page, live_server.url, cecilie)
    page.get_by_role("link", name="Mine evalueringer").click()
    expect(page.get_by_role("link", name="Se din rapport")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Se kortlægningen for din enhed").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kortlægning for {HJEMMEPLEJEN}")
    heat = page.get_by_role("table", name="Kompetenceområder og faggrupper")
    expect(heat).to_contain_text("SOSU-assistent")
    expect(heat).to_contain_text("(+")
    expect(page.get_by_role("heading", name="Forslag til kompetenceudvikling")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("columnheader", name="Using digital systems")).to_be_visible()
    assert_accessible(page)


def test_hr_reads_the_organisation_map_and_its_change(page: Page, live_server, two_mappings, hr):
    hr = hr(two_mappings.organisation)
    log_in(page, live_server.url, hr)
    page.goto(f"{live_server.url}/organisationer/fjordby/runder/{two_mappings.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Kortlægning for Fjordby Kommune").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kortlægning for Fjordby Kommune")
    expect(page.get_by_text("35 af 35 medarbejdere har svaret.")).to_be_visible()
    expect(page.get_by_role("table", name="Kompetenceområder og faggrupper")).to_contain_text("(+")
    expect(page.get_by_role("table", name="Data", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Social", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kortlægning for Fjordby Kommune / Social"
    )
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("columnheader", name="Using digital systems")).to_be_visible()
    assert_accessible(page)


def test_an_open_mapping_shows_a_leader_the_count_of_their_team(page: Page, live_server, fjordby):
    round_ = mapping_round(fjordby)
    open_round(round_)
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    log_in(page, live_server.url, cecilie)
    page.get_by_role("link", name="Mine evalueringer").click()
    expect(page.get_by_role("row", name="Dit team")).to_contain_text("0 af 11")
    expect(page.get_by_role("link", name="Se kortlægningen for din enhed")).to_have_count(0)
    assert_accessible(page)
