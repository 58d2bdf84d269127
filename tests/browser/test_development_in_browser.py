"""From report to action in Chromium: dialogue, development plan; axe-core finds no violation."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from omstil.accounts.services import set_up_user
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def closed_in_browser(transactional_db, request):
    return request.getfixturevalue("closed")


def test_a_leader_goes_from_report_to_dialogue_and_plan(page: Page, live_server, closed_in_browser):
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    log_in(page, live_server.url, cecilie)
    page.goto(f"{live_server.url}/rapporter/{closed_in_browser.pk}/leder/3/")
    page.get_by_role("link", name="Dagsorden og mødeguide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dialog om rapporten for Cecilie Ærø")
    assert_accessible(page)
    page.get_by_role("link", name="Din udviklingsplan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Udviklingsplan for Cecilie Ærø")
    assert_accessible(page)
    page.get_by_label("Eller en kompetence med dine egne ord").fill("Data i hverdagen")
    page.get_by_role("button", name="Gem fokuspunkter").press("Enter")
    expect(page.get_by_text("Dine fokuspunkter er gemt.")).to_be_visible()
    page.get_by_label("Handling").fill("Fælles gennemgang af nye it-systemer")
    page.get_by_label("Ansvarlig").fill("Cecilie")
    page.get_by_label("Frist").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Tilføj handlingen").press("Enter")
    expect(page.get_by_role("table", name="Handlinger")).to_contain_text("Fælles gennemgang")
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Development plan for Cecilie Ærø")
    assert_accessible(page)


def test_the_superior_comments_on_the_plan(page: Page, live_server, closed_in_browser):
    from omstil.development import services
    from omstil.rounds.models import EvaluatedLeader

    leader = EvaluatedLeader.objects.get(round=closed_in_browser, employee_id="3")
    services.set_focus(leader, [], ["Data i hverdagen"], actor=None)
    bo = set_up_user("bo@fjordby.example", PASSWORD, name="Bo Socialchef")
    log_in(page, live_server.url, bo)
    page.goto(f"{live_server.url}/udvikling/{closed_in_browser.pk}/3/plan/")
    page.get_by_label("Din kommentar").fill("Godt valg. Lad os tale om det.")
    page.get_by_role("button", name="Gem kommentaren").click()
    expect(page.get_by_text("Godt valg. Lad os tale om det.")).to_be_visible()
    expect(page.get_by_role("button", name="Gem fokuspunkter")).to_have_count(0)
    assert_accessible(page)


def test_the_superior_finds_their_leaders_from_the_front_page(
    page: Page, live_server, closed_in_browser
):
    bo = set_up_user("bo@fjordby.example", PASSWORD, name="Bo Socialchef")
    log_in(page, live_server.url, bo)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Se dine ledere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledere, du er overordnet for")
    table = page.get_by_role("table", name=f"Ledere under dig i {closed_in_browser.name}")
    expect(table).to_contain_text("Cecilie Ærø")
    assert_accessible(page)
    table.get_by_role("link", name="Ikke lavet endnu").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Udviklingsplan for Cecilie Ærø")
    page.go_back()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leaders you are the superior of")
    assert_accessible(page)


def test_the_leader_records_the_talk_and_hr_sees_it_on_the_follow_up_list(
    page: Page, live_server, closed_in_browser
):
    from omstil.organisations.services import add_admin

    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    log_in(page, live_server.url, cecilie)
    page.goto(f"{live_server.url}/udvikling/{closed_in_browser.pk}/3/dialog/")
    expect(page.get_by_role("heading", name="Hvornår blev det holdt?")).to_be_visible()
    page.get_by_label("Samtalen med din overordnede blev holdt den").fill(date.today().isoformat())
    page.get_by_role("button", name="Gem datoerne").click()
    expect(page.get_by_text("Opfølgningen er gemt.")).to_be_visible()
    assert_accessible(page)
    page.context.clear_cookies()

    hr = set_up_user("hr@fjordby.example", PASSWORD, name="Hanne HR")
    add_admin(closed_in_browser.organisation, hr, actor=None)
    log_in(page, live_server.url, hr)
    page.goto(f"{live_server.url}/organisationer/fjordby/runder/{closed_in_browser.pk}/")
    page.get_by_role("link", name="Se opfølgningen pr. leder").click()
    table = page.get_by_role("table", name="Ledernes opfølgning")
    row = table.get_by_role("row", name="Cecilie Ærø")
    expect(row).to_contain_text("Holdt")
    expect(row).to_contain_text("Ikke lavet endnu")
    assert_accessible(page)
    table.get_by_role("link", name="Leder", exact=True).click()
    expect(table.locator("th[aria-sort=ascending]")).to_have_text("Leder")
    page.get_by_role("button", name="Send påmindelse til 4 ledere").click()
    expect(page.get_by_text("Påmindelsen er sendt til 4 ledere.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Follow-up")
    assert_accessible(page)
