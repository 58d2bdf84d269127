"""A linkage attack on a closed round, as an operator, a backup or an auditor could make it.

For every table that names people and every table that holds or anchors answers, the attacker
joins on every column they share, and on what can be derived (a response implies a completed
invitation; a response dated before the first reminder cannot be from someone reminded). Within
each leader and rater group of at least two invitees, no response may match exactly one person.
"""

import importlib
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from omstil.instruments.services import sync_library
from omstil.organisations.models import Organisation, Person
from omstil.organisations.services import import_people
from omstil.reports.services import leader_report
from omstil.responses.closing import close_round
from omstil.responses.models import Answer, Comment, Response
from omstil.responses.questionnaire import build_pages
from omstil.responses.services import save_page
from omstil.rounds import tokens
from omstil.rounds.models import EvaluatedLeader, Invitation, Participation, Round
from omstil.rounds.participation import round_status
from omstil.rounds.services import (
    RoundSetup,
    create_round,
    open_round,
    send_due_reminders,
)
from omstil.rounds.tasks import deliver_round_emails
from omstil.site.demo.answers import simulate_answers
from omstil.site.demo.mappings import simulate_mapping
from omstil.site.demo.organisation import generate, to_csv

ANSWER_TABLES = (Response, Answer, Comment)
PEOPLE_TABLES = (Invitation, Person, EvaluatedLeader)
NOT_KEPT = (None, "")


def _columns(model: type[models.Model]) -> set[str]:
    return {field.attname for field in model._meta.concrete_fields if not field.primary_key}


def shared_columns() -> dict[tuple[str, str], set[str]]:
    """Every column an answer table shares by name with a table that names people."""
    return {
        (answers.__name__, people.__name__): _columns(answers) & _columns(people)
        for answers in ANSWER_TABLES
        for people in PEOPLE_TABLES
    }


def _people_rows(round_: Round) -> list[dict]:
    """Each invitation with what its person row and its leader row add to it."""
    persons = {
        person.pk: person for person in Person.objects.filter(organisation=round_.organisation)
    }
    rows = []
    for invitation in Invitation.objects.filter(round=round_).values():
        person = persons[invitation["person_id"]]
        row = {key: {value} for key, value in invitation.items()}
        for column in _columns(Person):
            row.setdefault(column, set()).add(getattr(person, column))
        rows.append(row)
    return rows


def candidates(
    round_: Round, row: Mapping[str, Any], people: list[dict], first_reminder: date | None
) -> list:
    """The people whose rows agree with the answer-table `row` on everything shared or derived."""
    found = []
    for person in people:
        if any(
            row[column] not in NOT_KEPT and row[column] not in person.get(column, {row[column]})
            for column in row
            if column not in ("id", "lookup", "text", "day", "submitted")
        ):
            continue
        # A submitted response or comment implies that the invitation was completed.
        if person["completed"] & {True, False} == {False}:
            continue
        # Dated before the first reminder: not from someone who needed one.
        day = row.get("day")
        if first_reminder and day and day < first_reminder and 0 not in person["reminders_sent"]:
            continue
        found.append(person)
    return found


def attack(round_: Round) -> list[str]:
    """Every response or comment that matches exactly one person, in groups of two or more."""
    people = _people_rows(round_)
    invitees: dict[tuple, int] = defaultdict(int)
    for person in people:
        invitees[(next(iter(person["leader_id"])), next(iter(person["rater_group"])))] += 1
    first_reminder = min((date.fromisoformat(day) for day in round_.reminder_dates), default=None)
    singled_out = []
    for model in (Response, Comment):
        for row in model.objects.filter(round=round_, submitted=True).values():
            if invitees[(row["leader_id"], row["rater_group"])] < 2:
                continue
            if len(candidates(round_, row, people, first_reminder)) == 1:
                singled_out.append(f"{model.__name__} {row['id']}")
    return singled_out


def _answer_with_comment(round_: Round, language: str, count: int) -> None:
    """Employees who speak `language` answer and leave a comment in it."""
    for invitation in Invitation.objects.filter(
        round=round_, rater_group="employee", completed=False, language=language
    ).select_related("leader")[:count]:
        token = tokens.token_for(
            round_.token_salt, invitation.person_id, invitation.leader.employee_id, "employee"
        )
        pages = build_pages(round_, "employee", language)
        for number, page in enumerate(pages, start=1):
            answers = {statement.key: "4" for statement in page.statements}
            last = number == len(pages)
            save_page(
                invitation,
                token,
                answers,
                set(answers),
                comment="Good at explaining the new systems" if last else None,
                submit=last,
            )


def _answered_round(kind: str) -> Round:
    """A round of a fictive kommune with English speakers, job families (a mapping), some
    respondents before and some only after a reminder, and comments in English."""
    sync_library()
    people = generate(300, name="Angreb Kommune", domain="angreb.example", seed=21)
    import_people("angreb", to_csv(people), name="Angreb Kommune")
    organisation = Organisation.objects.get(slug="angreb")
    today = timezone.localdate()
    mapping = kind == "mapping"
    round_ = create_round(
        organisation,
        RoundSetup(
            name="Angrebet",
            instruments=["medarbejder-digitale-kompetencer" if mapping else "digital-omstilling"],
            opens_on=today,
            closes_on=today + timedelta(days=21),
            comment_field=not mapping,
            min_group_size=3,
            rater_groups=[] if mapping else ["employee", "self", "superior"],
            reminder_dates=[today + timedelta(days=7)],
        ),
    ).round
    open_round(round_)
    round_.refresh_from_db()
    deliver_round_emails.call(round_.pk)

    def answer(seed: int, rate: float) -> None:
        if mapping:
            simulate_mapping(round_, seed=seed, response_rate=rate)
        else:
            simulate_answers(round_, response_rate=rate, seed=seed)

    answer(1, 0.45)
    if not mapping:
        _answer_with_comment(round_, "en", 4)
    send_due_reminders(today + timedelta(days=7))
    deliver_round_emails.call(round_.pk)
    answer(2, 0.5)  # only after the reminder
    return round_


@pytest.fixture(params=["evaluation", "mapping"])
def answered(request, db) -> Round:
    round_ = _answered_round(request.param)
    assert Invitation.objects.filter(round=round_, language="en", completed=True).exists()
    assert Invitation.objects.filter(round=round_, reminders_sent=1, completed=True).exists()
    if request.param == "mapping":
        assert Invitation.objects.filter(round=round_).exclude(job_family="").exists()
    return round_


def test_the_attack_singles_out_respondents_while_the_round_is_open(answered):
    # The test can fail: while a round is open, who completed is known, and a team with one
    # respondent gives them away. Closing is what must take that away.
    assert attack(answered)


def test_no_response_or_comment_matches_exactly_one_person_after_closing(answered):
    close_round(answered)
    assert attack(answered) == []


def test_the_answer_tables_share_only_the_group_with_the_tables_that_name_people():
    allowed = {"round_id", "leader_id", "rater_group", "job_family"}
    for (answers, people), columns in shared_columns().items():
        assert columns <= allowed, (answers, people, columns - allowed)


def test_closing_keeps_the_counts_and_forgets_who_took_part(answered):
    before = round_status(answered)
    close_round(answered)
    answered.refresh_from_db()
    assert round_status(answered) == {**before, "status": "closed"}
    assert set(
        Invitation.objects.filter(round=answered).values_list(
            "completed", "reminders_sent", "emailed_at", "delivery_failed"
        )
    ) == {(None, 0, None, False)}
    counts = Participation.objects.filter(round=answered).values_list("invited", "completed")
    assert [sum(column) for column in zip(*counts, strict=True)] == [
        before["invited"],
        before["completed"],
    ]


def _unseal(round_: Round, completed: dict[int, bool | None], reminded: dict[int, int]) -> None:
    """Put a closed round back as closing left it before the rule: invitations that remember."""
    Participation.objects.filter(round=round_).delete()
    for pk, done in completed.items():
        Invitation.objects.filter(pk=pk).update(completed=done, reminders_sent=reminded[pk])


def test_a_round_closed_before_the_rule_is_sealed_by_the_migration_and_reads_the_same(answered):
    completed = dict(Invitation.objects.filter(round=answered).values_list("pk", "completed"))
    reminded = dict(Invitation.objects.filter(round=answered).values_list("pk", "reminders_sent"))
    close_round(answered)
    answered.refresh_from_db()
    leaders = list(
        EvaluatedLeader.objects.filter(round=answered).values_list("employee_id", flat=True)
    )
    status = round_status(answered)
    reports = (
        [leader_report(answered, leader) for leader in leaders[:8]]
        if answered.kind == Round.Kind.EVALUATION
        else []
    )
    _unseal(answered, completed, reminded)
    assert attack(answered)  # as the demo's closed rounds were
    migration = importlib.import_module("omstil.rounds.migrations.0005_seal_closed_rounds")
    migration.seal_closed_rounds(apps, None)
    assert attack(answered) == []
    assert round_status(answered) == status
    if reports:
        assert [leader_report(answered, leader) for leader in leaders[:8]] == reports
