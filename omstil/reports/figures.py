"""Every figure of a round, computed once and passed through disclosure control together.

The figures of all leaders and all units of a round are suppressed as one hierarchy, so no
combination of the leader and unit reports anyone can see gives away a small group
(`omstil/lib/disclosure.py`). The self and superior groups have one respondent each and are shown
as individual answers, as respondents are told before they answer.
"""

import contextlib
import gc
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Count, Q

from omstil.lib.disclosure import Counts, Figure, Hierarchy
from omstil.organisations.models import PATH_SEPARATOR
from omstil.responses.models import Answer
from omstil.rounds.caching import per_closed_round
from omstil.rounds.models import EvaluatedLeader, Round

THRESHOLD_GROUPS = ("employee", "peer")
INDIVIDUAL_GROUPS = ("self", "superior")
ANSWERS = ("1", "2", "3", "4", "5", "dont_know", "prefer_not")


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


def _counts_by_leader(round_: Round) -> dict[tuple[str, str], dict[int, Counts]]:
    """Each leader's answers by rater group and statement, counted by the database."""
    query = (
        Answer.objects.filter(response__round=round_, response__submitted=True)
        .values_list("response__leader_id", "response__rater_group", "item_key")
        .annotate(
            total=Count("pk"),
            **{
                f"answer_{index}": Count("pk", filter=Q(value=v)) for index, v in enumerate(ANSWERS)
            },
        )
        .order_by()
    )
    # Read straight from the cursor: converting every count to int again, as the queryset
    # does, would take as long as the database takes to count them.
    sql, params = query.query.get_compiler(using=query.db).as_sql()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts: dict[tuple[str, str], dict[int, Counts]] = defaultdict(dict)
    for leader_id, group, item, total, one, two, three, four, five, dont_know, prefer_not in rows:
        if total != one + two + three + four + five + dont_know + prefer_not:
            raise ValueError(f"not an answer among the {group} answers to {item}")
        counts[(group, item)][leader_id] = Counts(
            (one, two, three, four, five), dont_know, prefer_not
        )
    return counts


def _individual(counts: Counts) -> Figure:
    one, two, three, four, five = counts.distribution
    n = one + two + three + four + five
    return Figure(
        n=n,
        mean=(one + 2 * two + 3 * three + 4 * four + 5 * five) / n if n else None,
        distribution=counts.distribution if n else None,
        dont_know=counts.dont_know,
        prefer_not=counts.prefer_not,
        suppressed=False,
        reason=None,
    )


@per_closed_round
def compute(round_: Round) -> RoundFigures:
    """All figures of a round, suppressed together; a closed round's once per process."""
    return _compute(round_)


def _compute(round_: Round) -> RoundFigures:
    with _collector_paused():
        return _compute_all(round_)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a round's figures are made: they are
    hundreds of thousands of small objects without cycles, and scanning them again and again as
    they are made takes a third of the time and grows faster than the round."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _compute_all(round_: Round) -> RoundFigures:
    leaders = list(
        EvaluatedLeader.objects.filter(round=round_).values_list("pk", "employee_id", "unit_path")
    )
    answers = _counts_by_leader(round_)
    items = sorted({item for (_group, item) in answers})
    units = _units(unit_path for _pk, _employee_id, unit_path in leaders)
    leader_units = {pk: unit_path for pk, _employee_id, unit_path in leaders}
    leader_keys = {pk: leader_key(employee_id) for pk, employee_id, _unit_path in leaders}
    unit_parents: dict[Hashable, Hashable | None] = {
        unit_key(path): unit_key(up) if up else None for path, up in units.items()
    }
    # The same groups for every statement: how they nest is worked out once.
    leader_parents: dict[Hashable, Hashable | None] = {
        leader_keys[pk]: unit_key(unit_path) for pk, _employee_id, unit_path in leaders
    }
    with_leaders = Hierarchy(leader_parents | unit_parents)
    units_only = Hierarchy(unit_parents)
    threshold = round_.min_group_size

    # A rater group nobody could answer in (peers, in most rounds) has only empty figures,
    # which `RoundFigures.group` gives without suppressing a whole hierarchy of zeros.
    present = set(round_.rater_groups) | {group for (group, _item) in answers}
    figures: dict[tuple[Hashable, str, str], Figure] = {}
    for group in (group for group in THRESHOLD_GROUPS if group in present):
        for item in items:
            by_leader = answers.get((group, item), {})
            counts: dict[Hashable, Counts] = {
                leader_keys[pk]: c for pk, c in by_leader.items() if pk in leader_keys
            }
            counts.update(_unit_totals(by_leader, leader_units, units))
            shown = with_leaders.suppress(counts, threshold)
            figures.update(((cell, group, item), figure) for cell, figure in shown.items())
    for group in (group for group in INDIVIDUAL_GROUPS if group in present):
        for item in items:
            # Each leader's own (or superior's) answer is shown as it is; units pool them, and
            # those pools are held to the threshold like any other group.
            by_leader = answers.get((group, item), {})
            for pk, key in leader_keys.items():
                if pk in by_leader:
                    figures[(key, group, item)] = _individual(by_leader[pk])
            totals = _unit_totals(by_leader, leader_units, units)
            shown = units_only.suppress(totals, threshold)
            figures.update(((cell, group, item), figure) for cell, figure in shown.items())
    return RoundFigures(round_, items, figures)


def _units(unit_paths: Iterable[str]) -> dict[str, str | None]:
    """Every unit with a leader in or below it, by path, with the path of the unit above it;
    each unit comes after the unit it lies in."""
    units: dict[str, str | None] = {}
    for unit_path in unit_paths:
        if unit_path in units:
            continue
        parts = unit_path.split(PATH_SEPARATOR)
        for depth in range(1, len(parts) + 1):
            path = PATH_SEPARATOR.join(parts[:depth])
            if path not in units:
                units[path] = PATH_SEPARATOR.join(parts[: depth - 1]) if depth > 1 else None
    return units


def _unit_totals(
    by_leader: dict[int, Counts], leader_units: dict[int, str], units: dict[str, str | None]
) -> dict[Hashable, Counts]:
    """Each unit's answers: those of its own leaders and of every unit below it."""
    totals = {path: [0, 0, 0, 0, 0, 0, 0] for path in units}
    for pk, counts in by_leader.items():
        if pk in leader_units:
            total = totals[leader_units[pk]]
            one, two, three, four, five = counts.distribution
            total[0] += one
            total[1] += two
            total[2] += three
            total[3] += four
            total[4] += five
            total[5] += counts.dont_know
            total[6] += counts.prefer_not
    for path in reversed(units):  # sub-units before the units they lie in
        up = units[path]
        if up is not None:
            t, above = totals[path], totals[up]
            totals[up] = [
                above[0] + t[0], above[1] + t[1], above[2] + t[2], above[3] + t[3],
                above[4] + t[4], above[5] + t[5], above[6] + t[6],
            ]  # fmt: skip
    return {
        unit_key(path): Counts((t[0], t[1], t[2], t[3], t[4]), t[5], t[6])
        for path, t in totals.items()
    }


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
