"""HR runs a round: set-up rules, who is invited on opening, e-mails, reminders, status, closing."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from omstil.organisations.models import Person
from omstil.responses.closing import close_round
from omstil.rounds import tokens
from omstil.rounds.models import EvaluatedLeader, Invitation, Round
from omstil.rounds.participation import round_status
from omstil.rounds.services import (
    RoundInvalid,
    RoundSetup,
    create_round,
    open_round,
    request_reminder,
)
from omstil.rounds.tasks import deliver_round_emails
from tests.rounds_helpers import draft_round, kommune, links_in


@pytest.fixture
def fjordby(db):
    return kommune()


def invited(round_) -> set[tuple[str, str, str]]:
    return set(
        Invitation.objects.filter(round=round_).values_list(
            "person__employee_id", "leader__employee_id", "rater_group"
        )
    )


def test_opening_invites_employees_self_and_superior_as_the_brief_says(fjordby):
    round_ = draft_round(fjordby)
    open_round(round_)
    assert invited(round_) == {
        # Cecilie (3) leads Hjemmeplejen: Dorte, Emil, Frida; herself; Bo above her.
        ("4", "3", "employee"), ("5", "3", "employee"), ("6", "3", "employee"),
        ("3", "3", "self"), ("2", "3", "superior"),
        # Bo (2): Cecilie (a leader below him) and Ib (refererer_til); himself; Anne above him.
        ("3", "2", "employee"), ("9", "2", "employee"), ("2", "2", "self"), ("1", "2", "superior"),
        # Gustav (7): Hanne; himself; Anne.
        ("8", "7", "employee"), ("7", "7", "self"), ("1", "7", "superior"),
        # Anne (1) at the top: Bo and Gustav; herself; nobody above her.
        ("2", "1", "employee"), ("7", "1", "employee"), ("1", "1", "self"),
    }  # fmt: skip
    assert Round.objects.get().status == Round.Status.OPEN


def test_a_person_can_hold_several_invitations(fjordby):
    round_ = draft_round(fjordby)
    open_round(round_)
    assert Invitation.objects.filter(round=round_, person__employee_id="2").count() == 3


def test_peers_are_the_other_leaders_with_the_same_superior(fjordby):
    round_ = draft_round(fjordby, rater_groups=["peer"])
    open_round(round_)
    assert invited(round_) == {("7", "2", "peer"), ("2", "7", "peer")}


def test_only_leaders_in_the_chosen_units_are_evaluated(fjordby):
    round_ = draft_round(fjordby, leader_units=["Fjordby Kommune / Social"])
    open_round(round_)
    assert set(EvaluatedLeader.objects.values_list("employee_id", flat=True)) == {"2", "3"}


def test_leaders_appointed_after_a_date_can_be_left_out(fjordby):
    Person.objects.filter(employee_id="7").update(leader_since=timezone.localdate())
    Person.objects.exclude(employee_id="7").update(leader_since=date(2020, 1, 1))
    round_ = draft_round(fjordby, exclude_leaders_since=date(2024, 1, 1))
    open_round(round_)
    assert "7" not in set(EvaluatedLeader.objects.values_list("employee_id", flat=True))


def test_the_organisation_is_frozen_when_the_round_opens(fjordby):
    round_ = draft_round(fjordby)
    open_round(round_)
    Person.objects.filter(employee_id="3").update(name="Cecilie Ny")
    assert EvaluatedLeader.objects.get(round=round_, employee_id="3").name == "Cecilie Ærø"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"min_group_size": 2}, "Mindste gruppestørrelse kan ikke være under 3."),
        ({"rater_groups": ["boss"]}, "Ukendte svargrupper: boss"),
        ({"instruments": ["findes-ikke"]}, "Instrumentet “findes-ikke” findes ikke."),
        ({"instruments": ["ti-bud"]}, "“ti-bud” er en selvevaluering"),
        ({"closes_on": date(2000, 1, 1)}, "Runden kan ikke lukke, før den åbner."),
        ({"reminder_dates": [date(2000, 1, 1)]}, "En påmindelse skal ligge, mens runden er åben."),
    ],
)
def test_a_round_that_breaks_a_rule_is_refused_with_the_reason(fjordby, changes, message):
    today = timezone.localdate()
    setup = RoundSetup(
        name="R",
        instruments=["digital-omstilling"],
        opens_on=today,
        closes_on=today + timedelta(days=20),
    )
    for key, value in changes.items():
        setattr(setup, key, value)
    with pytest.raises(RoundInvalid) as info:
        create_round(fjordby, setup)
    assert any(error.startswith(message) for error in info.value.errors), info.value.errors
    assert not Round.objects.exists()


def test_more_than_four_themes_gives_a_warning(fjordby):
    today = timezone.localdate()
    setup = RoundSetup(
        name="R",
        instruments=["digital-omstilling", "topleder-kompetencer", "digital-ledelse-fem-elementer"],
        opens_on=today,
        closes_on=today + timedelta(days=20),
        themes={},
        leader_level="top",  # the top leaders' instrument is not for every leader
    )
    # Three one-theme instruments: no warning; a fifth theme would warn.
    assert create_round(fjordby, setup).warnings == []


def test_every_invitation_gets_one_email_with_one_personal_link(fjordby, smtp_server):
    round_ = draft_round(fjordby)
    open_round(round_)
    deliver_round_emails.call(round_.pk)
    assert len(smtp_server.messages) == Invitation.objects.count() == 15
    seen = set()
    for message in smtp_server.messages:
        [token] = set(links_in(message))
        assert len(links_in(message)) == 2  # the same link in the text and the HTML part
        invitation = Invitation.objects.get(token_hash=tokens.invitation_hash(token))
        assert invitation.email == message["To"]
        seen.add(invitation.pk)
    assert len(seen) == 15
    emil = next(m for m in smtp_server.messages if m["To"] == "emil@fjordby.example")
    assert "Evaluation of" in emil["Subject"]  # Emil's language is English
    dorte = next(m for m in smtp_server.messages if m["To"] == "dorte@fjordby.example")
    assert dorte["Subject"].startswith("Evaluering af Cecilie Ærø")
    assert "Runden lukker" in dorte.get_body(preferencelist=("plain",)).get_content()


def test_delivering_again_sends_nothing_twice(fjordby, smtp_server):
    round_ = draft_round(fjordby)
    open_round(round_)
    deliver_round_emails.call(round_.pk)
    deliver_round_emails.call(round_.pk)
    assert len(smtp_server.messages) == 15


def test_reminders_go_only_to_those_who_have_not_completed(fjordby, smtp_server):
    round_ = draft_round(fjordby)
    open_round(round_)
    deliver_round_emails.call(round_.pk)
    first_links = {m["To"] + ":" + links_in(m)[0] for m in smtp_server.messages}
    Invitation.objects.filter(person__employee_id__in=["4", "5"]).update(completed=True)
    smtp_server.messages.clear()
    assert request_reminder(round_) == 13
    deliver_round_emails.call(round_.pk)
    assert len(smtp_server.messages) == 13
    assert {m["To"] for m in smtp_server.messages}.isdisjoint(
        {"dorte@fjordby.example", "emil@fjordby.example"}
    )
    assert all(m["Subject"].startswith(("Påmindelse", "Reminder")) for m in smtp_server.messages)
    # The reminder carries the same personal link as the invitation.
    assert {m["To"] + ":" + links_in(m)[0] for m in smtp_server.messages} <= first_links


def test_status_is_counts_per_leader_and_unit(fjordby):
    round_ = draft_round(fjordby)
    open_round(round_)
    Invitation.objects.filter(leader__employee_id="3", rater_group="employee").exclude(
        person__employee_id="6"
    ).update(completed=True)
    status = round_status(round_)
    assert (status["invited"], status["completed"]) == (15, 2)
    by_leader = {row["leader"]: row for row in status["by_leader"]}
    assert by_leader["3"] == {"leader": "3", "invited": 5, "completed": 2}


def test_closing_wipes_the_round_keys(fjordby):
    round_ = draft_round(fjordby)
    open_round(round_)
    close_round(round_)
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED
    assert round_.token_salt == ""
    assert round_.lookup_key == ""


def test_the_round_command_follows_the_contract(fjordby, capsys):
    import json

    today = timezone.localdate()
    call_command(
        "round", "create", "--org", "fjordby", "--instrument", "digital-omstilling",
        "--opens", today.isoformat(), "--closes", (today + timedelta(days=14)).isoformat(),
        "--min-group-size", "3", "--raters", "employee,self,superior", "--json",
    )  # fmt: skip
    round_id = json.loads(capsys.readouterr().out)["round"]
    assert Round.objects.get(pk=round_id).min_group_size == 3
    call_command("round", "open", str(round_id), "--json")
    capsys.readouterr()
    call_command("round", "status", str(round_id), "--json")
    status = json.loads(capsys.readouterr().out)
    assert set(status) >= {"invited", "completed", "by_leader"}
    assert status["invited"] == 15
    with pytest.raises(SystemExit) as exit_info:
        call_command("round", "open", str(round_id))
    assert exit_info.value.code == 1


def test_themes_can_be_chosen_and_must_belong_to_the_instruments(fjordby):
    today = timezone.localdate()
    setup = RoundSetup(
        name="R",
        instruments=["digital-omstilling"],
        themes={"digital-omstilling": ["findes-ikke"], "ti-bud": ["relevans-og-omverden"]},
        opens_on=today,
        closes_on=today + timedelta(days=20),
    )
    with pytest.raises(RoundInvalid) as info:
        create_round(fjordby, setup)
    assert any("intet tema “findes-ikke”" in error for error in info.value.errors)
    assert any(
        "“ti-bud”, som ikke er et af rundens instrumenter" in error for error in info.value.errors
    )
    setup.themes = {"digital-omstilling": ["ledelse-af-digital-omstilling"]}
    round_ = create_round(fjordby, setup).round
    assert round_.instruments.get().themes == ["ledelse-af-digital-omstilling"]


def test_the_round_command_takes_themes(fjordby, capsys):
    import json

    today = timezone.localdate()
    call_command(
        "round", "create", "--org", "fjordby", "--instrument", "digital-omstilling",
        "--theme", "digital-omstilling:ledelse-af-digital-omstilling",
        "--opens", today.isoformat(), "--closes", (today + timedelta(days=14)).isoformat(),
        "--json",
    )  # fmt: skip
    round_id = json.loads(capsys.readouterr().out)["round"]
    assert Round.objects.get(pk=round_id).instruments.get().themes == [
        "ledelse-af-digital-omstilling"
    ]


def test_an_undeliverable_message_does_not_hold_up_the_others(fjordby, smtp_server):
    from omstil.organisations.models import Person

    Person.objects.filter(employee_id="3").update(name="Cecilie\nÆrø")  # as if from an old import
    round_ = draft_round(fjordby)
    open_round(round_)
    deliver_round_emails.call(round_.pk)
    # Cecilie's name is in the subject of the invitations about her (not of her own): those
    # four cannot be sent; the other eleven go.
    failed = Invitation.objects.filter(round=round_, delivery_failed=True)
    assert failed.count() == 4
    assert len(smtp_server.messages) == 11
    assert not Invitation.objects.filter(round=round_, emailed_at__isnull=True).exists()


def test_min_group_size_zero_is_refused_not_replaced_by_the_default(fjordby):
    today = timezone.localdate()
    setup = RoundSetup(
        name="R",
        instruments=["digital-omstilling"],
        opens_on=today,
        closes_on=today + timedelta(days=20),
        min_group_size=0,
    )
    with pytest.raises(RoundInvalid):
        create_round(fjordby, setup)


def test_a_manual_reminder_does_not_cancel_a_planned_one(fjordby, smtp_server):
    from omstil.rounds.services import send_due_reminders

    today = timezone.localdate()
    round_ = draft_round(fjordby, reminder_dates=[today + timedelta(days=3)])
    open_round(round_)
    request_reminder(round_)
    assert send_due_reminders(today) == []
    assert send_due_reminders(today + timedelta(days=3)) == [round_.pk]
    round_.refresh_from_db()
    assert round_.reminders_requested == 2
    assert send_due_reminders(today + timedelta(days=4)) == []
