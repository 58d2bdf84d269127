"""A generated organisation with a round before and a round after a programme, for its tests.

The participants' simulated level moves `EXTRA_SHIFT` further between the rounds than the other
leaders' does, so the effect report has an effect to find.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from omstil.instruments.services import sync_library
from omstil.organisations.models import Organisation
from omstil.organisations.services import import_people
from omstil.responses.closing import close_round
from omstil.rounds.models import EvaluatedLeader, Round
from omstil.rounds.services import RoundSetup, create_round, open_round
from omstil.site.demo.answers import simulate_answers
from omstil.site.demo.organisation import generate, to_csv

EMPLOYEES = 320
EXTRA_SHIFT = 0.6


@dataclass
class Measured:
    organisation: Organisation
    baseline: Round
    follow_up: Round
    participants: list[str]


def _round(organisation: Organisation, year: int) -> Round:
    round_ = create_round(
        organisation,
        RoundSetup(
            name=f"Ledelsesevaluering {year}",
            instruments=["digital-omstilling"],
            opens_on=date(year, 3, 1),
            closes_on=date(year, 3, 21),
        ),
    ).round
    open_round(round_)
    round_.refresh_from_db()
    return round_


def measured_kommune(slug: str = "maalby", employees: int = EMPLOYEES) -> Measured:
    """Two closed rounds a year apart; every other leader (by employee id) is a participant."""
    sync_library()
    import_people(
        slug,
        to_csv(generate(employees, name="Målby Kommune", domain=f"{slug}.example", seed=4)),
        name="Målby Kommune",
    )
    organisation = Organisation.objects.get(slug=slug)
    baseline = _round(organisation, 2024)
    simulate_answers(baseline, response_rate=0.8, seed=1)
    close_round(baseline)
    leaders = sorted(
        EvaluatedLeader.objects.filter(round=baseline).values_list("employee_id", flat=True)
    )
    participants = leaders[::2]
    follow_up = _round(organisation, 2025)
    simulate_answers(
        follow_up,
        response_rate=0.8,
        seed=2,
        shift=0.1,
        leader_shift=dict.fromkeys(participants, EXTRA_SHIFT),
    )
    close_round(follow_up)
    baseline.refresh_from_db()
    follow_up.refresh_from_db()
    return Measured(organisation, baseline, follow_up, participants)


@pytest.fixture
def measured(db: None) -> Measured:
    return measured_kommune()
