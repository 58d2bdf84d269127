"""Simulated respondents for the demo and the benchmarks, answering through the real service.

Each leader gets a level, each statement a difficulty and each respondent a temperament, so the
answers spread as real ones do: most between 3 and 5, leaders who rate themselves a little higher
than their employees do, a few "Ved ikke" and fewer "Ønsker ikke at oplyse".
"""

import random
from collections.abc import Mapping

from omstil.responses.questionnaire import build_pages
from omstil.responses.services import save_page
from omstil.rounds import tokens
from omstil.rounds.models import Invitation, Round

SELF_OPTIMISM = 0.4


def _value(rng: random.Random, level: float) -> str:
    roll = rng.random()
    if roll < 0.06:
        return "dont_know"
    if roll < 0.08:
        return "prefer_not"
    return str(min(5, max(1, round(rng.gauss(level, 0.8)))))


def _leader_level(employee_id: str) -> float:
    """A leader's level, the same in every round, so that change over time means something."""
    return random.Random(f"leader:{employee_id}").gauss(3.7, 0.45)  # noqa: S311


def simulate_answers(
    round_: Round,
    *,
    response_rate: float = 0.75,
    seed: int = 1,
    shift: float = 0.0,
    leader_shift: Mapping[str, float] | None = None,
) -> int:
    """Let a share of the round's invitations answer every page and submit; how many did.

    `shift` moves every leader's level, as development between two rounds would;
    `leader_shift` moves some leaders' levels further, by employee id (a programme's participants).
    """
    rng = random.Random(seed)  # noqa: S311 (fictive answers, not secrets)
    leader_level: dict[int, float] = {}
    item_offset: dict[str, float] = {}
    answered = 0
    invitations = Invitation.objects.filter(round=round_, completed=False).select_related(
        "round", "leader"
    )
    for invitation in invitations:
        if invitation.rater_group != "self" and rng.random() > response_rate:
            continue
        token = tokens.token_for(
            round_.token_salt,
            invitation.person_id,
            invitation.leader.employee_id,
            invitation.rater_group,
        )
        level = leader_level.setdefault(
            invitation.leader_id,
            _leader_level(invitation.leader.employee_id)
            + shift
            + (leader_shift or {}).get(invitation.leader.employee_id, 0.0)
            + rng.gauss(0, 0.15),
        )
        if invitation.rater_group == "self":
            level += SELF_OPTIMISM
        temperament = rng.gauss(0, 0.35)
        pages = build_pages(round_, invitation.rater_group, invitation.language)
        for number, page in enumerate(pages, start=1):
            answers = {
                statement.key: _value(
                    rng,
                    level + temperament + item_offset.setdefault(statement.key, rng.gauss(0, 0.3)),
                )
                for statement in page.statements
            }
            save_page(
                invitation,
                token,
                answers,
                set(answers),
                comment=None,
                submit=number == len(pages),
            )
        answered += 1
    return answered
