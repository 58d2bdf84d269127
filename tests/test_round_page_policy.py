"""The round page says who may see what and which units are in scope; reminders are proposed,
confirmed before they are sent, and listed once sent (docs/rounds.md)."""

import io
import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from omstil.accounts.services import set_up_user
from omstil.core.models import AuditEntry
from omstil.responses.closing import close_round
from omstil.rounds.models import Invitation, Reminder, Round
from omstil.rounds.policy import units_in_scope, who_sees_what
from omstil.rounds.reminders import proposed_reminder_dates
from omstil.rounds.services import DEFAULT_VISIBILITY, open_round, request_reminder
from tests.conftest import PASSWORD
from tests.hrfiles import PEOPLE
from tests.rounds_helpers import draft_round, kommune

SOCIAL_ADMIN = "Fjordby Kommune / Social / Administration"
TEKNIK_ADMIN = "Fjordby Kommune / Teknik / Administration"
HJEMMEPLEJEN = "Fjordby Kommune / Social / Hjemmeplejen"
# Two units called "Administration", each with a leader.
ROWS = [
    *PEOPLE,
    ["20", "Jonas Juul", "jonas@fjordby.example", SOCIAL_ADMIN, "ja", "", "Leder", "da"],
    ["21", "Karin Kjær", "karin@fjordby.example", TEKNIK_ADMIN, "ja", "", "Leder", "da"],
]


@pytest.fixture
def fjordby(db):
    return kommune()


@pytest.fixture
def hr_client(client, fjordby, hr):
    client.login(username=hr(fjordby).email, password=PASSWORD)
    return client


def detail(client, round_: Round) -> str:
    response = client.get(reverse("rounds:detail", args=["fjordby", round_.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading: str) -> str:
    """The page from the heading `heading` to the next h2."""
    start = html.index(f"<h2>{heading}</h2>")
    end = html.find("<h2>", start + 1)
    return html[start : end if end != -1 else None]


def text(page: str) -> str:
    """What the page says, without its tags."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# --- Who may see what ---------------------------------------------------------------------


def test_the_default_policy_in_plain_danish_on_the_round_page(hr_client, fjordby):
    round_ = draft_round(fjordby)
    assert round_.visibility == DEFAULT_VISIBILITY
    with translation.override("da"):
        seeing = {row.role: row.text for row in who_sees_what(round_)}
    assert list(seeing) == [
        "Lederen selv",
        "Lederens overordnede ledere",
        "Organisationens administratorer (HR)",
        "HR-læsere",
        "Medarbejderne",
    ]
    assert seeing["Lederen selv"].startswith("Lederen ser sin egen rapport")
    assert "ser lederens rapport, dialog og udviklingsplan" in seeing["Lederens overordnede ledere"]
    hr = seeing["Organisationens administratorer (HR)"]
    assert hr.startswith("HR ser ingen enkelt leders rapport, kun enhedsrapporterne")
    assert "I HR's opfølgning ser HR for hver leder" in hr
    assert "aldrig en enkelt leders rapport" in seeing["HR-læsere"]
    assert "lederen kan hente en version kun med medarbejdernes svar" in seeing["Medarbejderne"]

    page = text(section(detail(hr_client, round_), "Hvem kan se hvad"))
    for role, line in seeing.items():
        assert f"{role} {line}" in page
    assert "Rapporterne kan ses, når runden er lukket." in page


def test_a_policy_that_lets_hr_see_every_leader_report(hr_client, fjordby):
    round_ = draft_round(
        fjordby,
        visibility={
            "leader": True,
            "superior": False,
            "org_admins": True,
            "employee_version": False,
            "follow_up": False,
        },
    )
    with translation.override("da"):
        seeing = {row.role: row.text for row in who_sees_what(round_)}
    hr = seeing["Organisationens administratorer (HR)"]
    assert hr.startswith("HR ser alle lederrapporterne, kan hente dem samlet som zip-fil")
    assert "ingen enkelt leders rapport" not in hr
    assert "HR's opfølgning viser ikke" in hr
    assert seeing["Lederens overordnede ledere"].startswith("De overordnede ledere ser hverken")
    # HR readers see pooled unit reports only, whatever the policy.
    assert "uanset rundens regler" in seeing["HR-læsere"]
    assert seeing["Medarbejderne"].startswith("Medarbejderne ser ikke rapporterne, og der er ingen")
    page = text(section(detail(hr_client, round_), "Hvem kan se hvad"))
    assert hr in page
    assert "ser lederens rapport, dialog og udviklingsplan" not in page


def test_a_round_from_before_the_follow_up_shows_it_to_hr_only_with_the_reports(fjordby):
    round_ = draft_round(fjordby)
    for org_admins, shown in [(False, False), (True, True)]:
        round_.visibility = {"leader": True, "superior": True, "org_admins": org_admins}
        with translation.override("da"):
            hr = who_sees_what(round_)[2].text
        assert ("I HR's opfølgning ser HR" in hr) == shown


def test_superiors_who_may_see_and_a_leader_who_may_not(fjordby):
    round_ = draft_round(
        fjordby,
        visibility={
            "leader": False,
            "superior": True,
            "org_admins": False,
            "employee_version": True,
        },
    )
    with translation.override("da"):
        seeing = {row.role: row.text for row in who_sees_what(round_)}
    assert seeing["Lederen selv"] == "Lederen ser ikke sin egen rapport."
    assert seeing["Lederens overordnede ledere"].startswith(
        "Lederens nærmeste overordnede leder og alle ledere længere oppe i linjen"
    )
    assert "de, der må se lederens rapport, kan hente en version" in seeing["Medarbejderne"]


def test_the_page_says_who_sees_what_while_open_and_once_closed(hr_client, fjordby):
    round_ = draft_round(fjordby)
    open_round(round_)
    assert "Lederen ser sin egen rapport" in section(detail(hr_client, round_), "Hvem kan se hvad")
    close_round(round_)
    closed = text(section(detail(hr_client, round_), "Hvem kan se hvad"))
    assert "Lederen ser sin egen rapport" in closed
    assert "De blev fastlagt, før runden åbnede." in closed


def test_a_mapping_says_who_sees_its_pooled_figures(hr_client, fjordby):
    round_ = draft_round(fjordby, instruments=["medarbejder-digitale-kompetencer"])
    assert round_.is_mapping
    page = text(section(detail(hr_client, round_), "Hvem kan se hvad"))
    assert "Hver leder ser kortlægningen for sin egen enhed og enhederne under sig" in page
    assert "HR-læsere ser ikke kortlægningen." in page
    assert "lederrapporterne" not in page


def test_english_who_sees_what_comes_from_the_same_function(fjordby):
    round_ = draft_round(fjordby)
    with translation.override("en"):
        english = who_sees_what(round_)
    with translation.override("da"):
        danish = who_sees_what(round_)
    assert len(english) == len(danish) == 5


# --- Units in scope -----------------------------------------------------------------------


def test_no_units_chosen_is_the_whole_organisation(hr_client, fjordby):
    round_ = draft_round(fjordby)
    scope = units_in_scope(round_)
    assert scope.whole
    assert scope.names == []
    page = text(section(detail(hr_client, round_), "Enheder i runden"))
    assert "Hele Fjordby Kommune: lederne i alle enheder evalueres." in page


def test_chosen_units_are_shown_by_name_not_path(client, hr, db):
    fjordby = kommune(ROWS)
    client.login(username=hr(fjordby).email, password=PASSWORD)
    round_ = draft_round(fjordby, leader_units=[HJEMMEPLEJEN, SOCIAL_ADMIN, TEKNIK_ADMIN])
    scope = units_in_scope(round_)
    assert not scope.whole
    # Two units of the same name are told apart by the unit above them.
    assert scope.names == ["Administration (Social)", "Administration (Teknik)", "Hjemmeplejen"]
    part = section(detail(client, round_), "Enheder i runden")
    assert "Lederne i disse enheder og enhederne under dem evalueres:" in text(part)
    assert "<li>Hjemmeplejen</li>" in part
    assert "<li>Administration (Social)</li>" in part
    assert " / " not in part  # names, not paths
    # Opened, the same units: the round evaluates Cecilie, Jonas and Karin only.
    open_round(round_)
    assert set(round_.leaders.values_list("employee_id", flat=True)) == {"3", "20", "21"}
    assert "<li>Hjemmeplejen</li>" in section(detail(client, round_), "Enheder i runden")


# --- Reminders proposed by default --------------------------------------------------------


def test_the_set_up_form_proposes_reminders_after_7_and_12_days(hr_client):
    html = hr_client.get(reverse("rounds:create", args=["fjordby"])).content.decode()
    today = timezone.localdate()

    def value(name: str) -> str:
        found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
        assert found, name
        return found.group(1)

    assert value("reminder_1") == (today + timedelta(days=7)).isoformat()
    assert value("reminder_2") == (today + timedelta(days=12)).isoformat()
    assert value("closes_on") == (today + timedelta(days=21)).isoformat()
    assert "Foreslået 7 og 12 dage efter, at runden åbner." in html


def test_proposed_reminders_after_the_closing_day_are_dropped():
    opens = timezone.localdate()
    assert proposed_reminder_dates(opens, opens + timedelta(days=21)) == [
        opens + timedelta(days=7),
        opens + timedelta(days=12),
    ]
    assert proposed_reminder_dates(opens, opens + timedelta(days=10)) == [opens + timedelta(7)]
    # Only days before the closing day: a round that closes on day 12 keeps the first.
    assert proposed_reminder_dates(opens, opens + timedelta(days=12)) == [opens + timedelta(7)]
    assert proposed_reminder_dates(opens, opens + timedelta(days=7)) == []


def test_hr_may_change_or_remove_the_proposed_reminders(hr_client, fjordby):
    today = timezone.localdate()
    data = {
        "name": "Ledelsesevaluering",
        "instruments": ["digital-omstilling"],
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=21)).isoformat(),
        "reminder_1": (today + timedelta(days=9)).isoformat(),
        "reminder_2": "",
        "min_group_size": "5",
        "rater_groups": ["employee", "self", "superior"],
        "leader_level": "all",
        "visibility": ["leader", "superior"],
    }
    response = hr_client.post(reverse("rounds:create", args=["fjordby"]), data)
    assert response.status_code == 302, response.content.decode()
    assert Round.objects.get().reminder_dates == [(today + timedelta(days=9)).isoformat()]


def test_the_command_line_plans_the_same_reminders_only_when_asked(fjordby):
    opens = timezone.localdate()
    closes = opens + timedelta(days=10)

    def create(*extra: str) -> Round:
        out = io.StringIO()
        call_command(
            "round",
            "create",
            "--org",
            "fjordby",
            "--instrument",
            "digital-omstilling",
            "--opens",
            opens.isoformat(),
            "--closes",
            closes.isoformat(),
            *extra,
            "--json",
            stdout=out,
        )
        return Round.objects.get(pk=json.loads(out.getvalue())["round"])

    assert create().reminder_dates == []  # the contract's defaults are unchanged
    assert create("--default-reminders").reminder_dates == [(opens + timedelta(7)).isoformat()]


# --- A manual reminder is confirmed -------------------------------------------------------


# The worker closes the database connection when it is done, as it does in production: the tests
# that run it keep their data in committed transactions.
WORKER = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_round_emailed(fjordby, smtp_server, django_capture_on_commit_callbacks):
    """An open round whose 15 invitations went out; Dorte and Emil have answered."""
    round_ = draft_round(fjordby)
    with django_capture_on_commit_callbacks(execute=True):
        open_round(round_)
    call_command("worker", "--burst", verbosity=0)
    assert len(smtp_server.messages) == 15
    smtp_server.messages.clear()
    Invitation.objects.filter(round=round_, person__employee_id__in=["4", "5"]).update(
        completed=True
    )
    return round_


def remind_url(round_: Round, slug: str = "fjordby") -> str:
    return reverse("rounds:remind", args=[slug, round_.pk])


@WORKER
def test_the_confirmation_says_how_many_and_sends_nothing(
    hr_client, open_round_emailed, smtp_server, django_capture_on_commit_callbacks
):
    round_ = open_round_emailed
    # The round page's button leads to the confirmation page.
    assert f'href="{remind_url(round_)}"' in detail(hr_client, round_)
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.get(remind_url(round_))
    call_command("worker", "--burst", verbosity=0)
    assert response.status_code == 200
    html = text(response.content.decode())
    waiting = Invitation.objects.filter(round=round_, completed=False).count()
    assert waiting == 13
    assert f"Påmindelsen sendes til {waiting}, som ikke har svaret endnu." in html
    assert "Send påmindelsen" in html
    assert "Fortryd" in html
    assert smtp_server.messages == []
    assert not Reminder.objects.exists()
    round_.refresh_from_db()
    assert round_.reminders_requested == 0


@WORKER
def test_sending_records_the_reminder_and_the_emails_arrive(
    hr_client, fjordby, open_round_emailed, smtp_server, django_capture_on_commit_callbacks
):
    round_ = open_round_emailed
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(remind_url(round_))
    assert response["Location"] == reverse("rounds:detail", args=["fjordby", round_.pk])
    call_command("worker", "--burst", verbosity=0)
    assert len(smtp_server.messages) == 13
    assert {m["To"] for m in smtp_server.messages}.isdisjoint(
        {"dorte@fjordby.example", "emil@fjordby.example"}
    )
    assert all(m["Subject"].startswith(("Påmindelse", "Reminder")) for m in smtp_server.messages)
    reminder = Reminder.objects.get()
    assert (reminder.round, reminder.planned, reminder.recipients) == (round_, False, 13)
    assert reminder.requested_by is not None
    assert reminder.requested_by.email == "hr@fjordby.example"
    entry = AuditEntry.objects.get(event="round.remind")
    assert entry.fields == {"round": round_.pk, "planned": False, "recipients": 13}

    page = section(detail(hr_client, round_), "Påmindelser sendt")
    with translation.override("da"):
        when = date_format(timezone.localtime(reminder.requested_at), "DATETIME_FORMAT")
    assert re.search(r"[a-zæøå]+", when)  # a Danish month name
    assert when in page
    assert "Sendt af Hanne HR" in page
    assert "13, som ikke havde svaret" in page


@WORKER
def test_the_old_remind_action_still_sends_and_records(hr_client, open_round_emailed):
    round_ = open_round_emailed
    hr_client.post(reverse("rounds:action", args=["fjordby", round_.pk, "remind"]))
    assert Reminder.objects.get().recipients == 13


@WORKER
def test_a_planned_reminder_from_the_daily_tick_is_recorded_as_planned(
    hr_client, fjordby, smtp_server, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    round_ = draft_round(fjordby, reminder_dates=[today])
    with django_capture_on_commit_callbacks(execute=True):
        open_round(round_)
    call_command("worker", "--burst", verbosity=0)
    smtp_server.messages.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("round", "tick", "--json", stdout=out)
    assert json.loads(out.getvalue())["reminded"] == [round_.pk]
    call_command("worker", "--burst", verbosity=0)
    assert len(smtp_server.messages) == 15
    reminder = Reminder.objects.get()
    assert (reminder.planned, reminder.recipients, reminder.requested_by) == (True, 15, None)
    page = text(section(detail(hr_client, round_), "Påmindelser sendt"))
    assert "Planlagt" in page
    assert "15, som ikke havde svaret" in page
    # A second tick the same day sends nothing more and records nothing more.
    call_command("round", "tick", "--json", stdout=io.StringIO())
    assert Reminder.objects.count() == 1


def test_a_count_the_round_page_hides_is_not_told_by_a_reminder(hr_client, fjordby):
    # Fewer invited in all than the minimum group size: the round page shows no total.
    round_ = draft_round(fjordby, min_group_size=20)
    open_round(round_)
    assert "Færre end 20 inviterede." in detail(hr_client, round_)
    html = text(hr_client.get(remind_url(round_)).content.decode())
    assert "Påmindelsen sendes til alle, som ikke har svaret endnu." in html
    assert "sendes til 15" not in html
    request_reminder(round_)
    assert Reminder.objects.get().recipients == 15  # kept, for the record
    page = text(section(detail(hr_client, round_), "Påmindelser sendt"))
    assert "vises ikke" in page
    assert "15, som" not in page


def test_no_reminder_once_the_round_is_closed(hr_client, fjordby):
    round_ = draft_round(fjordby)
    open_round(round_)
    close_round(round_)
    html = text(hr_client.get(remind_url(round_)).content.decode())
    assert "Der kan kun sendes påmindelser, mens runden er åben." in html
    assert "Send påmindelsen" not in html
    response = hr_client.post(remind_url(round_), follow=True)
    assert "Der kan kun sendes påmindelser, mens runden er åben." in response.content.decode()
    assert not Reminder.objects.exists()


def test_a_draft_has_no_list_of_reminders_sent(hr_client, fjordby):
    html = detail(hr_client, draft_round(fjordby))
    assert "Påmindelser sendt" not in html


# --- Access -------------------------------------------------------------------------------


def test_only_the_organisations_hr_reaches_the_confirmation(
    client, fjordby, hr, other_organisation
):
    round_ = draft_round(fjordby)
    open_round(round_)
    client.login(username=hr(fjordby).email, password=PASSWORD)
    assert client.get(remind_url(round_)).status_code == 200
    client.logout()

    stranger = hr(other_organisation)
    client.login(username=stranger.email, password=PASSWORD)
    assert client.get(remind_url(round_)).status_code == 404
    assert client.post(remind_url(round_)).status_code == 404
    assert client.get(remind_url(round_, slug="anden")).status_code == 404
    assert client.post(remind_url(round_, slug="anden")).status_code == 404
    assert client.get(reverse("rounds:detail", args=["fjordby", round_.pk])).status_code == 404
    client.logout()

    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    client.login(username=cecilie.email, password=PASSWORD)
    assert client.get(remind_url(round_)).status_code == 404
    assert client.post(remind_url(round_)).status_code == 404
    assert client.get(reverse("rounds:detail", args=["fjordby", round_.pk])).status_code == 404
    client.logout()

    response = client.get(remind_url(round_))
    assert response.status_code == 302
    assert "/konto/log-ind/" in response["Location"]
    assert not Reminder.objects.exists()
    round_.refresh_from_db()
    assert round_.reminders_requested == 0
