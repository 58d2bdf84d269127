"""Fixtures for report tests: a small kommune with one closed round and realistic answers."""

import pytest

from omstil.responses.closing import close_round
from omstil.responses.services import save_page
from omstil.rounds import tokens
from omstil.rounds.models import Invitation
from omstil.rounds.services import open_round
from tests.hrfiles import PEOPLE
from tests.rounds_helpers import KEYS, draft_round, kommune

# Hjemmeplejen gets five more employees, so Cecilie's group can reach the threshold of 5.
MORE = [
    [
        str(n),
        f"Ansat {n}",
        f"ansat{n}@fjordby.example",
        "Fjordby Kommune / Social / Hjemmeplejen",
        "nej",
        "",
        "SOSU",
        "da",
    ]
    for n in range(20, 25)
]


def answer(round_, employee_id, leader, group, values):
    invitation = Invitation.objects.get(
        round=round_, person__employee_id=employee_id, leader__employee_id=leader, rater_group=group
    )
    token = tokens.token_for(round_.token_salt, invitation.person_id, leader, group)
    save_page(invitation, token, dict(zip(KEYS, values, strict=True)), set(KEYS), submit=True)


def build_closed_round(close=True):
    """The fixture's round with its answers, closed unless `close` is False."""
    round_ = draft_round(kommune([*PEOPLE, *MORE]))
    open_round(round_)
    round_.refresh_from_db()
    for employee_id, values in [
        ("4", ["4", "4", "3", "dont_know", "5"]),
        ("5", ["5", "4", "4", "4", "5"]),
        ("6", ["3", "4", "2", "4", "4"]),
        ("20", ["4", "5", "4", "4", "prefer_not"]),
        ("21", ["2", "3", "4", "5", "4"]),
    ]:
        answer(round_, employee_id, "3", "employee", values)
    answer(round_, "3", "3", "self", ["5", "5", "5", "5", "5"])
    answer(round_, "2", "3", "superior", ["4", "4", "4", "4", "4"])
    answer(round_, "8", "7", "employee", ["1", "1", "1", "1", "1"])
    if close:
        close_round(round_)
    return round_


@pytest.fixture
def closed(db):
    return build_closed_round()


def next_round(before, values):
    """A closed round a day after `before`, Cecilie's five employees answering `values`."""
    from datetime import timedelta

    round_ = draft_round(before.organisation, opens_on=before.opens_on + timedelta(days=1))
    open_round(round_)
    round_.refresh_from_db()
    for employee_id in ("4", "5", "6", "20", "21"):
        answer(round_, employee_id, "3", "employee", values)
    close_round(round_)
    round_.refresh_from_db()
    return round_


@pytest.fixture
def later(closed):
    """A second closed round a day after `closed`, so reports show change over time."""
    return next_round(closed, ["5", "5", "4", "4", "4"])
