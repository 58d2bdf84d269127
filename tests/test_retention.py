"""The retention rules, carried out on a generated organisation with the clock set forward:
what each rule removes, what stays, and that every report still kept renders the same."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from omstil.core.audit import audit
from omstil.core.models import AuditEntry
from omstil.core.tasks import send_email
from omstil.organisations.models import Organisation, Person
from omstil.organisations.services import import_people
from omstil.privacy.expiry import carry_out, carry_out_everywhere, due, months_before
from omstil.privacy.retention import rules_for, set_rules
from omstil.responses.models import Answer
from omstil.rounds.models import Invitation, Participation, Round
from tests.hrfiles import PEOPLE, csv_file
from tests.privacy_helpers import every_report, rows_holding, run
from tests.report_fixtures import MORE, next_round


def closed_on(round_: Round, moment) -> Round:
    Round.objects.filter(pk=round_.pk).update(closed_at=moment)
    round_.refresh_from_db()
    return round_


def test_months_before_keeps_the_day_or_takes_the_months_last():
    moment = timezone.now().replace(year=2027, month=3, day=31)
    assert months_before(moment, 1).date().isoformat() == "2027-02-28"
    assert months_before(moment, 14).date().isoformat() == "2026-01-31"
    assert months_before(moment, 0) == moment


def test_the_defaults_and_the_command_line(closed):
    code, out, _err = run("org", "retention", "--org", "fjordby", "--json")
    assert code == 0
    assert json.loads(out) == {
        "leavers_months": 6,
        "invitation_days": 30,
        "answers_years": 5,
        "audit_years": 5,
    }
    code, out, _err = run("org", "retention", "--org", "fjordby", "--leavers-months", "0", "--json")
    assert json.loads(out)["leavers_months"] == 0
    assert json.loads(out)["audit_years"] == 5
    code, out, _err = run("org", "retention", "--org", "fjordby")
    assert "slettes ved næste daglige kørsel" in out
    code, _out, err = run("org", "retention", "--org", "fjordby", "--audit-years", "-1")
    assert code == 1
    assert "--audit-years" in err
    code, _out, err = run("org", "retention", "--org", "fjordby", "--audit-years", "99")
    assert code == 1
    assert rules_for(closed.organisation).audit_years == 5
    code, _out, err = run("org", "retention", "--org", "ingen")
    assert code == 1


def test_people_who_left_go_after_the_months_and_not_before(closed):
    import_people(
        "fjordby",
        csv_file([row for row in [*PEOPLE, *MORE] if row[0] not in ("21", "3")]),
        name="Fjordby Kommune",
    )
    left = {p.employee_id: p for p in Person.objects.filter(active=False)}
    assert set(left) == {"21", "3"}
    names = [value for p in left.values() for value in (p.name, p.email)]
    moment = left["21"].deactivated_at
    assert moment is not None
    organisation = closed.organisation
    closed.refresh_from_db()
    reports = every_report(organisation)

    assert carry_out(organisation, moment + timedelta(days=180))["people"] == 0
    assert carry_out(organisation, months_before(moment, -6) + timedelta(minutes=1)) == {
        "people": 2,
        "invitations": 0,
        "rounds": 0,
        "audit_entries": 0,
    }

    assert rows_holding(*names) == []
    assert not Person.objects.filter(employee_id__in=left).exists()
    # Cecilie (3) was evaluated: her report and her named column in the unit reports went with
    # her; every other leader's report is unchanged, and so are the units' pooled figures.
    after = every_report(organisation)
    assert set(after) == {key for key in reports if key[1:3] != ("leader", "3")}
    for key, text in after.items():
        if key[1] == "leader":
            assert text == reports[key]
        elif key[3] == "json":
            expected = json.loads(reports[key])
            expected["sub_units"] = [
                column for column in expected["sub_units"] if column.get("employee_id") != "3"
            ]
            assert json.loads(text) == expected
        else:
            assert "Cecilie" not in text
    events = AuditEntry.objects.filter(event="person.delete").values_list("fields", flat=True)
    assert sorted(f["employee_id"] for f in events) == ["21", "3"]
    assert {f["reason"] for f in events} == {"retention"}
    assert all(
        entry.actor_label == "system" for entry in AuditEntry.objects.filter(event="person.delete")
    )


def test_invitations_go_after_the_days_and_the_counts_and_reports_stay(closed):
    closed = closed_on(closed, timezone.now())
    organisation = closed.organisation
    reports = every_report(organisation)
    participation = list(Participation.objects.values_list("leader", "rater_group", "invited"))
    invited = Invitation.objects.filter(round=closed).count()

    assert carry_out(organisation, closed.closed_at + timedelta(days=29))["invitations"] == 0
    assert due(organisation, closed.closed_at + timedelta(days=31))["invitations"] == invited
    assert carry_out(organisation, closed.closed_at + timedelta(days=31))["invitations"] == invited

    assert not Invitation.objects.filter(round=closed).exists()
    assert list(Participation.objects.values_list("leader", "rater_group", "invited")) == (
        participation
    )
    assert every_report(organisation) == reports
    entry = AuditEntry.objects.get(event="retention.run")
    assert entry.fields["invitations"] == invited


def test_an_open_rounds_invitations_are_never_touched(db):
    from omstil.rounds.services import open_round
    from tests.rounds_helpers import draft_round, kommune

    round_ = draft_round(kommune())
    open_round(round_)
    set_rules(round_.organisation, {"invitation_days": 0, "answers_years": 0}, actor=None)
    invited = Invitation.objects.filter(round=round_).count()
    carry_out(round_.organisation, timezone.now() + timedelta(days=3650))
    assert Invitation.objects.filter(round=round_).count() == invited


@pytest.fixture
def three_rounds(closed):
    """Three closed rounds, two years apart: the last two draw on the earlier ones' figures."""
    start = timezone.now()
    first = closed_on(closed, start)
    second = closed_on(next_round(first, ["5", "5", "4", "4", "4"]), start + timedelta(days=730))
    third = closed_on(next_round(second, ["4", "4", "4", "4", "4"]), start + timedelta(days=1460))
    return first, second, third


def test_a_round_goes_after_the_years_unless_a_kept_round_shows_it(three_rounds):
    first, _second, third = three_rounds
    organisation = first.organisation
    reports = every_report(organisation)
    answers = Answer.objects.count()

    # Five years after the first closed, the second and third still show it in their trends.
    five = months_before(first.closed_at, -60) + timedelta(days=1)
    assert due(organisation, five)["rounds"] == []
    assert carry_out(organisation, five)["rounds"] == 0
    assert every_report(organisation) == reports
    assert Answer.objects.count() == answers

    # Five years after the third closed, nothing kept shows any of them: all three go.
    last = months_before(third.closed_at, -60) + timedelta(days=1)
    assert carry_out(organisation, last)["rounds"] == 3
    assert not Round.objects.filter(organisation=organisation).exists()
    assert Answer.objects.count() == 0
    reasons = AuditEntry.objects.filter(event="round.delete").values_list("fields", flat=True)
    assert [f["reason"] for f in reasons] == ["retention"] * 3


def test_a_round_no_later_round_shows_goes_after_the_years_and_not_before(closed):
    closed = closed_on(closed, timezone.now())
    organisation = closed.organisation
    set_rules(organisation, {"answers_years": 2}, actor=None)
    assert carry_out(organisation, months_before(closed.closed_at, -24))["rounds"] == 0
    assert Round.objects.filter(pk=closed.pk).exists()
    assert carry_out(organisation, months_before(closed.closed_at, -24) + timedelta(minutes=1)) == {
        "people": 0,
        "invitations": 0,
        "rounds": 1,
        "audit_entries": 0,
    }
    assert not Round.objects.filter(pk=closed.pk).exists()
    assert every_report(organisation) == {}


def test_audit_entries_go_after_the_years(closed):
    organisation = closed.organisation
    audit("report.leader", actor=None, organisation="fjordby", round=closed.pk)
    old = AuditEntry.objects.get(event="report.leader")
    now = timezone.now()
    AuditEntry.objects.filter(pk=old.pk).update(at=months_before(now, 60) - timedelta(minutes=1))
    kept = AuditEntry.objects.exclude(pk=old.pk).count()
    assert carry_out(organisation, now)["audit_entries"] == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.exclude(event="retention.run").count() == kept
    assert AuditEntry.objects.get(event="retention.run").fields["audit_entries"] == 1


def test_finished_e_mail_tasks_go_after_a_week(closed):
    from django_tasks_db.models import DBTaskResult

    send_email.enqueue(["someone@fjordby.example"], "Emne", "Tekst")
    DBTaskResult.objects.update(finished_at=timezone.now(), status="SUCCESSFUL")
    assert carry_out_everywhere(timezone.now() + timedelta(days=6))["finished_tasks"] == 0
    assert carry_out_everywhere(timezone.now() + timedelta(days=8))["finished_tasks"] == 1


def test_the_daily_tick_carries_the_rules_out(closed):
    set_rules(closed.organisation, {"invitation_days": 0}, actor=None)
    _code, out, _err = run("tick", "--json")
    assert json.loads(out)["retention"]["organisations"]["fjordby"]["invitations"] > 0
    assert not Invitation.objects.exists()
    assert Organisation.objects.filter(slug="fjordby").exists()
