"""The demo organisation's competence mappings: two closed mappings a year apart.

Simulated employees answer through the real service. Their level depends on their job family,
their team and the competence area, so the heat maps show patterns (IT staff ahead on systems
and data, most groups behind on technology understanding), and the second mapping is a little
better than the first, so the change shows.
"""

import random
from datetime import date

from omstil.mapping.figures import areas_of
from omstil.organisations.models import Organisation
from omstil.responses.closing import close_round
from omstil.responses.services import save_page
from omstil.rounds import tokens
from omstil.rounds.models import Invitation, Round
from omstil.rounds.services import RoundSetup, create_round, open_round

INSTRUMENT = "medarbejder-digitale-kompetencer"
# How the areas compare in general: sure of the systems, unsure of data and technology.
AREA_LEVEL = {
    "brug-af-systemer": 0.45,
    "data": -0.4,
    "informationssikkerhed": 0.05,
    "teknologiforstaaelse": -0.55,
    "kommunikation-og-samarbejde": 0.35,
    "nye-digitale-arbejdsgange": -0.1,
}
# Job families that work with data and systems all day rate themselves higher.
FAMILY_LEVEL = {
    "IT-medarbejder": 0.7,
    "Økonom": 0.4,
    "HR-konsulent": 0.25,
    "Jurist": 0.2,
    "Ingeniør": 0.35,
    "Sagsbehandler": 0.2,
    "SOSU-hjælper": -0.35,
    "Pædagogmedhjælper": -0.3,
    "Vejarbejder": -0.45,
    "Gartner": -0.35,
}
# How much the second mapping improves, on average and more on the areas trained in between.
IMPROVEMENT = 0.12
TRAINED = {"data": 0.2, "informationssikkerhed": 0.15}


def _value(rng: random.Random, level: float) -> str:
    roll = rng.random()
    if roll < 0.04:
        return "dont_know"
    if roll < 0.05:
        return "prefer_not"
    return str(min(5, max(1, round(rng.gauss(level, 0.75)))))


def simulate_mapping(
    round_: Round, *, seed: int, improvement: float = 0.0, response_rate: float = 0.78
) -> int:
    """Let a share of the mapping's invitations answer every statement; how many did."""
    rng = random.Random(seed)  # noqa: S311 (fictive answers, not secrets)
    _key, areas = areas_of(round_)
    area_of = {item: area.key for area in areas for item in area.items}
    answered = 0
    invitations = Invitation.objects.filter(round=round_, completed=False).select_related(
        "round", "leader", "person"
    )
    for invitation in invitations:
        if rng.random() > response_rate:
            continue
        family = invitation.person.job_family
        team = random.Random(f"team:{invitation.leader.employee_id}").gauss(0, 0.2)  # noqa: S311
        level = 3.45 + FAMILY_LEVEL.get(family, 0.0) + team + rng.gauss(0, 0.35)
        answers = {}
        for item, area in area_of.items():
            offset = random.Random(f"item:{item}").gauss(0, 0.12)  # noqa: S311
            trained = TRAINED.get(area, 0.0) if improvement else 0.0
            answers[item] = _value(
                rng, level + AREA_LEVEL.get(area, 0.0) + offset + improvement + trained
            )
        token = tokens.token_for(
            round_.token_salt,
            invitation.person_id,
            invitation.leader.employee_id,
            invitation.rater_group,
        )
        save_page(invitation, token, answers, set(answers), submit=True)
        answered += 1
    return answered


def demo_mappings(organisation: Organisation, today: date) -> list[Round]:
    """Two closed mappings of the organisation, three and two years before `today`.

    They lie before the demo's evaluation rounds, so "the previous round" of an evaluation is
    an evaluation. Nothing is made if the organisation has mappings already.
    """
    if organisation.rounds.filter(kind=Round.Kind.MAPPING).exists():
        return []
    made = []
    for years_ago, improvement in ((3, 0.0), (2, IMPROVEMENT)):
        year = today.year - years_ago
        round_ = create_round(
            organisation,
            RoundSetup(
                name=f"Kortlægning af digitale kompetencer {year}",
                instruments=[INSTRUMENT],
                opens_on=date(year, 2, 1),
                closes_on=date(year, 2, 21),
            ),
        ).round
        open_round(round_)
        round_.refresh_from_db()
        simulate_mapping(round_, seed=year, improvement=improvement)
        close_round(round_)
        round_.refresh_from_db()
        made.append(round_)
    return made
