"""The follow-up after a round: the leader and the superior record the talk and the meeting,
the superior's page shows it, and HR's follow-up list shows status only, with a reminder."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from omstil.core.models import AuditEntry
from omstil.development import services
from omstil.development.access import Role
from omstil.development.follow_up import FollowUpInvalid, record_follow_up, statuses
from omstil.development.models import FollowUp
from omstil.rounds.models import Round
from tests.rounds_helpers import KEYS
from tests.test_development import cecilie, log_in, url

TODAY = timezone.localdate()


@pytest.fixture
def reported(closed):
    """The closed round, its reports ready ten days ago, so that a talk can have been held."""
    Round.objects.filter(pk=closed.pk).update(closed_at=timezone.now() - timedelta(days=10))
    closed.refresh_from_db()
    return closed


def follow_up_list(round_):
    return reverse("development:follow_up_list", args=[round_.organisation.slug, round_.pk])


def test_the_leader_records_the_talk_and_the_meeting_on_the_dialogue_page(client, reported):
    log_in(client, "cecilie@fjordby.example")
    page = client.get(url("dialogue", reported)).content.decode()
    assert "Hvornår blev det holdt?" in page
    assert "HR ser kun, om samtalen og mødet er holdt" in page
    talk, meeting = TODAY - timedelta(days=8), TODAY - timedelta(days=2)
    response = client.post(
        url("follow_up", reported),
        {"superior_talk_on": talk.isoformat(), "dialogue_meeting_on": meeting.isoformat()},
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(leader=cecilie(reported))
    assert (follow_up.superior_talk_on, follow_up.dialogue_meeting_on) == (talk, meeting)
    entry = AuditEntry.objects.filter(event="follow_up.record").get()
    assert entry.fields["leader"] == "3"
    assert entry.fields["superior_talk"] is True
    # Cleared again by an empty field.
    client.post(url("follow_up", reported), {"superior_talk_on": talk.isoformat()})
    follow_up.refresh_from_db()
    assert follow_up.dialogue_meeting_on is None


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (1, "kan ikke ligge ude i fremtiden"),
        (-11, "kan ikke ligge før rapporten var klar"),
    ],
)
def test_a_day_in_the_future_or_before_the_report_is_refused_and_nothing_stored(
    client, reported, days, message
):
    log_in(client, "cecilie@fjordby.example")
    day = (TODAY + timedelta(days=days)).isoformat()
    response = client.post(
        url("follow_up", reported),
        {"superior_talk_on": (TODAY - timedelta(days=1)).isoformat(), "dialogue_meeting_on": day},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Datoerne blev ikke gemt" in html
    assert not FollowUp.objects.exists()


def test_the_superior_records_the_talk_but_not_the_meeting(client, reported):
    record_follow_up(
        cecilie(reported),
        Role.OWNER,
        superior_talk_on=None,
        dialogue_meeting_on=TODAY - timedelta(days=3),
        actor=None,
    )
    log_in(client, "bo@fjordby.example")
    page = client.get(url("dialogue", reported)).content.decode()
    assert "Samtalen med lederen blev holdt den" in page
    assert "dialogue_meeting_on" not in page
    client.post(
        url("follow_up", reported),
        {
            "superior_talk_on": (TODAY - timedelta(days=4)).isoformat(),
            "dialogue_meeting_on": "",  # ignored: the superior does not record the meeting
        },
    )
    follow_up = FollowUp.objects.get()
    assert follow_up.superior_talk_on == TODAY - timedelta(days=4)
    assert follow_up.dialogue_meeting_on == TODAY - timedelta(days=3)
    superior_page = client.get(reverse("development:superior")).content.decode()
    row = superior_page.split("Cecilie")[1].split("</tr>")[0]
    assert row.count("Holdt") == 2


@pytest.mark.parametrize("email", ["gustav@fjordby.example", "dorte@fjordby.example"])
def test_others_cannot_record_a_follow_up(client, reported, email):
    log_in(client, email)
    response = client.post(url("follow_up", reported), {"superior_talk_on": TODAY.isoformat()})
    assert response.status_code == 404
    assert not FollowUp.objects.exists()


def test_hr_sees_each_leaders_status_but_never_the_contents(client, reported):
    services.set_focus(cecilie(reported), [KEYS[0]], ["Hemmelig kompetence"], actor=None)
    record_follow_up(
        cecilie(reported), Role.OWNER, superior_talk_on=TODAY, dialogue_meeting_on=None, actor=None
    )
    log_in(client, "hr@fjordby.example", admin_of=reported.organisation)
    round_page = client.get(
        reverse("rounds:detail", args=[reported.organisation.slug, reported.pk])
    ).content.decode()
    assert follow_up_list(reported) in round_page
    response = client.get(follow_up_list(reported))
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 af 4 ledere har holdt samtalen med deres overordnede." in html
    assert "0 af 4 ledere har holdt dialogmødet." in html
    assert "1 af 4 ledere har lavet en udviklingsplan." in html
    row = html.split("Cecilie Ærø")[1].split("</tr>")[0]
    assert "Holdt" in row
    assert "Lavet" in row
    assert "Ikke registreret" in row
    assert "Hemmelig kompetence" not in html
    assert AuditEntry.objects.filter(event="follow_up.view").exists()


def test_the_follow_up_list_sorts_by_each_column(reported):
    record_follow_up(
        cecilie(reported), Role.OWNER, superior_talk_on=TODAY, dialogue_meeting_on=None, actor=None
    )
    names = [row.leader.name for row in statuses(reported, "leder")]
    assert names == sorted(names, key=str.casefold)
    assert [row.leader.name for row in statuses(reported, "-leder")] == names[::-1]
    # Done first when descending, not done first when ascending.
    assert statuses(reported, "-samtale")[0].leader.employee_id == "3"
    assert statuses(reported, "samtale")[-1].leader.employee_id == "3"
    paths = [row.leader.unit_path for row in statuses(reported, "enhed")]
    assert paths == sorted(paths, key=str.casefold)


def test_the_page_sorts_through_the_query_and_marks_the_sorted_column(client, reported):
    log_in(client, "hr@fjordby.example", admin_of=reported.organisation)
    html = client.get(follow_up_list(reported), {"sort": "-leder"}).content.decode()
    assert 'aria-sort="descending"><a href="?sort=leder"' in html
    names = [row.leader.name for row in statuses(reported, "-leder")]
    positions = [html.index(name) for name in names]
    assert positions == sorted(positions)
    # An unknown column falls back to the unit order rather than failing.
    assert client.get(follow_up_list(reported), {"sort": "x"}).status_code == 200


def test_a_round_made_before_the_follow_up_key_follows_what_hr_may_see_of_reports(client, reported):
    visibility = {key: value for key, value in reported.visibility.items() if key != "follow_up"}
    Round.objects.filter(pk=reported.pk).update(visibility={**visibility, "org_admins": False})
    log_in(client, "hr@fjordby.example", admin_of=reported.organisation)
    html = client.get(follow_up_list(reported)).content.decode()
    assert "giver ikke HR adgang til ledernes opfølgning" in html
    assert "Cecilie" not in html
    Round.objects.filter(pk=reported.pk).update(visibility={**visibility, "org_admins": True})
    assert "Cecilie" in client.get(follow_up_list(reported)).content.decode()


def test_with_the_follow_up_policy_off_hr_sees_no_status_and_cannot_remind(client, reported):
    Round.objects.filter(pk=reported.pk).update(
        visibility={**reported.visibility, "follow_up": False}
    )
    log_in(client, "hr@fjordby.example", admin_of=reported.organisation)
    assert "Cecilie" not in client.get(follow_up_list(reported)).content.decode()
    remind = reverse("development:follow_up_remind", args=[reported.organisation.slug, reported.pk])
    response = client.post(remind, follow=True)
    assert "giver ikke HR adgang til opfølgningen" in response.content.decode()
    assert not AuditEntry.objects.filter(event="follow_up.remind").exists()
    # The leader is not told that HR sees the status.
    log_in(client, "cecilie@fjordby.example")
    assert "HR ser kun, om samtalen" not in client.get(url("dialogue", reported)).content.decode()


@pytest.mark.parametrize(
    ("email", "admin"),
    [("hr@anden.example", "anden"), ("cecilie@fjordby.example", None)],
)
def test_only_the_organisations_hr_reaches_the_follow_up_list(client, reported, email, admin):
    other = None
    if admin:
        from omstil.organisations.models import Organisation

        other = Organisation.objects.create(slug="anden", name="Anden Kommune")
    log_in(client, email, admin_of=other)
    assert client.get(follow_up_list(reported)).status_code == 404
    remind = reverse("development:follow_up_remind", args=[reported.organisation.slug, reported.pk])
    assert client.post(remind).status_code == 404


def test_record_refuses_both_wrong_days_at_once(reported):
    with pytest.raises(FollowUpInvalid) as refused:
        record_follow_up(
            cecilie(reported),
            Role.OWNER,
            superior_talk_on=TODAY + timedelta(days=2),
            dialogue_meeting_on=TODAY - timedelta(days=30),
            actor=None,
        )
    assert set(refused.value.by_field) == {"superior_talk_on", "dialogue_meeting_on"}
    assert len(refused.value.errors) == 2


def test_the_reminder_goes_to_the_leaders_who_lack_a_step_naming_what_is_missing(
    transactional_db, smtp_server, client, request
):
    reported = request.getfixturevalue("reported")
    smtp_server.messages.clear()
    done = cecilie(reported)
    services.set_focus(done, [KEYS[0]], [], actor=None)
    record_follow_up(
        done,
        Role.OWNER,
        superior_talk_on=TODAY,
        dialogue_meeting_on=TODAY,
        actor=None,
    )
    log_in(client, "hr@fjordby.example", admin_of=reported.organisation)
    remind = reverse("development:follow_up_remind", args=[reported.organisation.slug, reported.pk])
    response = client.post(remind, follow=True)
    assert "Påmindelsen er sendt til 3 ledere." in response.content.decode()
    call_command("worker", "--burst", verbosity=0)
    messages = [m for m in smtp_server.messages if "Opfølgning på din rapport" in m["Subject"]]
    recipients = sorted(message["To"] for message in messages)
    assert "cecilie@fjordby.example" not in recipients
    assert len(recipients) == 3
    body = messages[0].get_body(("plain",)).get_content()
    assert "samtalen med den overordnede" in body
    assert "udviklingsplanen" in body
    [link] = [line for line in body.splitlines() if "next=" in line]
    leader = "1" if "Anne" in body else "2" if "Bo " in body else "7"
    assert parse_qs(urlsplit(link).query)["next"] == [url("dialogue", reported, leader)]
    entry = AuditEntry.objects.filter(event="follow_up.remind").get()
    assert entry.fields["sent"] == 3
    assert FollowUp.objects.exclude(reminded_at=None).count() == 3


def test_the_list_narrows_to_the_leaders_who_lack_a_step_and_keeps_it_when_sorting(
    client, reported
):
    done = cecilie(reported)
    services.set_focus(done, [KEYS[0]], [], actor=None)
    record_follow_up(
        done, Role.OWNER, superior_talk_on=TODAY, dialogue_meeting_on=TODAY, actor=None
    )
    log_in(client, "hr@fjordby.example", admin_of=reported.organisation)
    html = client.get(follow_up_list(reported), {"vis": "mangler"}).content.decode()
    table = html.split("<tbody>")[1]
    assert "Cecilie Ærø" not in table
    assert table.count("<tr>") == 3
    assert 'href="?sort=leder&amp;vis=mangler"' in html
    assert "Vis alle ledere" in html
    assert "Cecilie Ærø" in client.get(follow_up_list(reported)).content.decode()
