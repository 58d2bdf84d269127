"""Every figure of a round, computed once and passed through disclosure control together.

The figures of all leaders and all units of a round are suppressed as one hierarchy, so no
combination of the leader and unit reports anyone can see gives away a small group
(`omstil/lib/disclosure.py`). The self and superior groups have one respondent each and are shown
as individual answers, as respondents are told before they answer.
"""

import functools
import math
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from omstil.lib.disclosure import Counts, Figure, Table, suppress
from omstil.organisations.models import PATH_SEPARATOR
from omstil.responses.models import Answer
from omstil.rounds.models import EvaluatedLeader, Round

THRESHOLD_GROUPS = ("employee", "peer")
INDIVIDUAL_GROUPS = ("self", "superior")


def unit_key(path: str) -> tuple[str, str]:
    return ("unit", path)


def leader_key(employee_id: str) -> tuple[str, str]:
    return ("leader", employee_id)


@dataclass
class RoundFigures:
    """Figures by (cell, rater group, item); a cell is a leader or a unit with everything below."""

    round: Round
    items: list[str]
    figures: dict[tuple[Hashable, str, str], Figure]

    def group(self, cell: Hashable, rater_group: str, item: str) -> Figure:
        return self.figures.get((cell, rater_group, item), EMPTY)


EMPTY = Figure(0, None, None, None, None, False, None)


def _counts_by_leader(round_: Round) -> dict[tuple[int, str, str], list[int | str]]:
    """The answers per leader, rater group and statement, counted by the database."""
    answers: dict[tuple[int, str, str], list[int | str]] = defaultdict(list)
    rows = (
        Answer.objects.filter(response__round=round_, response__submitted=True)
        .values_list("response__leader_id", "response__rater_group", "item_key", "value")
        .annotate(count=Count("id"))
        .order_by()
    )
    for leader_id, group, item, value, count in rows:
        answers[(leader_id, group, item)].extend([int(value) if value.isdigit() else value] * count)
    return answers


def _individual(values: list[int | str]) -> Figure:
    counts = Counts.of(values)
    mean = (
        sum(v * c for v, c in zip((1, 2, 3, 4, 5), counts.distribution, strict=True)) / counts.n
        if counts.n
        else None
    )
    return Figure(
        n=counts.n,
        mean=mean,
        distribution=counts.distribution if counts.n else None,
        dont_know=counts.dont_know,
        prefer_not=counts.prefer_not,
        suppressed=False,
        reason=None,
    )


def compute(round_: Round) -> RoundFigures:
    """All figures of a round, suppressed together.

    A closed round never changes, so its figures are computed once per process.
    """
    if round_.status == Round.Status.CLOSED and round_.closed_at is not None:
        return _cached(round_.pk, round_.closed_at.isoformat())
    return _compute(round_)


@functools.lru_cache(maxsize=16)
def _cached(round_id: int, closed_at: str) -> RoundFigures:
    return _compute(Round.objects.get(pk=round_id))


def _compute(round_: Round) -> RoundFigures:
    leaders = list(EvaluatedLeader.objects.filter(round=round_))
    answers = _counts_by_leader(round_)
    items = sorted({item for (_leader, _group, item) in answers})
    units: set[str] = set()
    for leader in leaders:
        parts = leader.unit_path.split(PATH_SEPARATOR)
        units.update(PATH_SEPARATOR.join(parts[: i + 1]) for i in range(len(parts)))

    figures: dict[tuple[Hashable, str, str], Figure] = {}
    for group in THRESHOLD_GROUPS:
        for item in items:
            table = Table()
            unit_totals: dict[str, Counts] = defaultdict(Counts)
            for leader in leaders:
                counts = Counts.of(answers.get((leader.pk, group, item), []))
                table.add(leader_key(leader.employee_id), counts, unit_key(leader.unit_path))
                parts = leader.unit_path.split(PATH_SEPARATOR)
                for i in range(len(parts)):
                    path = PATH_SEPARATOR.join(parts[: i + 1])
                    unit_totals[path] = unit_totals[path] + counts
            for path in units:
                parent = PATH_SEPARATOR.join(path.split(PATH_SEPARATOR)[:-1]) or None
                table.add(unit_key(path), unit_totals[path], unit_key(parent) if parent else None)
            for cell, figure in suppress(table, round_.min_group_size).items():
                figures[(cell, group, item)] = figure
    for group in INDIVIDUAL_GROUPS:
        for item in items:
            # Each leader's own (or superior's) answer is shown as it is; units pool them, and
            # those pools are held to the threshold like any other group.
            table = Table()
            unit_totals = defaultdict(Counts)
            for leader in leaders:
                values = answers.get((leader.pk, group, item), [])
                if values:
                    figures[(leader_key(leader.employee_id), group, item)] = _individual(values)
                parts = leader.unit_path.split(PATH_SEPARATOR)
                for i in range(len(parts)):
                    path = PATH_SEPARATOR.join(parts[: i + 1])
                    unit_totals[path] = unit_totals[path] + Counts.of(values)
            for path in units:
                parent = PATH_SEPARATOR.join(path.split(PATH_SEPARATOR)[:-1]) or None
                table.add(unit_key(path), unit_totals[path], unit_key(parent) if parent else None)
            for cell, figure in suppress(table, round_.min_group_size).items():
                figures[(cell, group, item)] = figure
    return RoundFigures(round_, items, figures)


def figure_json(figure: Figure) -> dict[str, Any]:
    """A group's figure as CONTRACT.md describes it."""
    return {
        "n": figure.n,
        "mean": None if figure.mean is None else round(figure.mean, 2),
        "distribution": (
            None
            if figure.distribution is None
            else {
                str(value): count
                for value, count in zip((1, 2, 3, 4, 5), figure.distribution, strict=True)
            }
        ),
        "dont_know": figure.dont_know,
        "prefer_not": figure.prefer_not,
        "suppressed": figure.suppressed,
        "reason": figure.reason,
        "margin": margin_of_error(figure),
    }


def margin_of_error(figure: Figure) -> float | None:
    """Half the width of a 95 % confidence interval for the mean (t distribution), or None.

    Computed from the shown distribution alone, so it reveals nothing the distribution does not.
    """
    if figure.distribution is None or figure.n is None or figure.n < 2 or figure.mean is None:
        return None
    mean = figure.mean
    squares = sum(
        count * (value - mean) ** 2
        for value, count in zip((1, 2, 3, 4, 5), figure.distribution, strict=True)
    )
    deviation = math.sqrt(squares / (figure.n - 1))
    return round(_t95(figure.n - 1) * deviation / math.sqrt(figure.n), 2)


def _t95(freedom: int) -> float:
    """The two-sided 95 % quantile of Student's t distribution (60+ degrees of freedom: 2.00)."""
    table = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26,
             10: 2.23, 12: 2.18, 15: 2.13, 20: 2.09, 30: 2.04, 60: 2.00}  # fmt: skip
    # Between the tabulated degrees of freedom take the smaller one: a slightly wider interval.
    known = [limit for limit in table if limit <= freedom]
    return table[max(known)] if known else table[1]
