"""What a leader's figures are compared with: the organisation's and comparable leaders' averages.

A comparison pools the employees' answers about other leaders. It is made only from leader
figures that disclosure control already lets through (`figures.py` suppresses every leader and
unit of a round together), so it is a sum of figures that may be shown, and no combination with
it can give away a small group that the figures themselves do not. Leaders whose figures are
hidden are left out of it, and the report says how many leaders it pools.

A comparison is shown only when it pools at least `MIN_OTHER_LEADERS` leaders besides the one the
report is about. That alone is not enough: a superior who sees three team leaders' reports could
subtract them from their level's pool, and the organisation's pool minus the level pools could
leave the one top leader. So the pools a viewer can see are checked together against the
leaders whose reports that viewer sees anyway (`Comparisons.for_leader`, disclosure control with
leaders as the units counted), so that no pool, and no difference of pools, leaves one or two
leaders the viewer does not know.

Comparable leaders are the leaders at the same level of the organisation: the same depth in the
unit tree (a head of a department is compared with heads of departments, not with team leaders).
"""

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from omstil.lib.disclosure import Counts, Table, suppress
from omstil.organisations.models import PATH_SEPARATOR
from omstil.reports.figures import RoundFigures, compute, leader_key
from omstil.rounds.caching import per_closed_round
from omstil.rounds.models import EvaluatedLeader, Round

MIN_OTHER_LEADERS = 3
SCALE = (1, 2, 3, 4, 5)


def level(unit_path: str) -> int:
    """A unit's level: 1 for the top of the organisation, 2 for the units right below it, …"""
    return unit_path.count(PATH_SEPARATOR) + 1


@dataclass(frozen=True)
class Pool:
    """Shown leader figures added together for one statement."""

    distribution: tuple[int, ...]
    leaders: frozenset[str]

    @property
    def n(self) -> int:
        return sum(self.distribution)

    def seen_from(self, employee_id: str) -> dict[str, Any] | None:
        """The pool as seen from one leader's report, or None when it pools too few others."""
        others = len(self.leaders - {employee_id})
        if others < MIN_OTHER_LEADERS or not self.n:
            return None
        mean = sum(v * c for v, c in zip(SCALE, self.distribution, strict=True)) / self.n
        return {"mean": round(mean, 2), "n": self.n, "leaders": len(self.leaders)}


@dataclass(frozen=True)
class Comparisons:
    """Per statement: the organisation's pool and one pool per level."""

    levels: dict[str, int]
    organisation: dict[str, Pool]
    by_level: dict[tuple[int, str], Pool]

    def for_leader(
        self, employee_id: str, item: str, known: frozenset[str] | None = None
    ) -> dict[str, Any]:
        """The comparisons on `employee_id`'s report for one statement.

        `known`: the leaders whose reports the viewer sees anyway (None: every leader). The
        pools a viewer sees are checked together, so that neither one pool nor the organisation
        minus the level pools leaves one or two leaders the viewer does not know.
        """
        own_level = self.levels.get(employee_id)
        organisation = self.organisation.get(item)
        same_level = self.by_level.get((own_level, item)) if own_level is not None else None
        allowed = self._allowed(item, None if known is None else known | {employee_id})
        return {
            "organisation": organisation.seen_from(employee_id)
            if organisation and "organisation" in allowed
            else None,
            "level": same_level.seen_from(employee_id)
            if same_level and ("level", own_level) in allowed
            else None,
        }

    def _allowed(self, item: str, known: frozenset[str] | None) -> set[Hashable]:
        """The pools of a statement that may be shown to a viewer who knows `known` leaders.

        Disclosure control one level up: each leader the viewer does not know counts as one, the
        levels lie inside the organisation, and no shown pool, nor the organisation minus the
        shown level pools, may leave 1 or 2 unknown leaders (the organisation is kept, the
        smaller level pools go).
        """
        organisation = self.organisation.get(item)
        levels: dict[Hashable, Pool] = {
            ("level", level_): pool
            for (level_, pool_item), pool in self.by_level.items()
            if pool_item == item
        }
        if known is None or organisation is None:
            return {"organisation", *levels}

        def unknown(pool: Pool) -> Counts:
            return Counts((len(pool.leaders - known), 0, 0, 0, 0))

        table = Table()
        table.add("organisation", unknown(organisation))
        for key, pool in levels.items():
            table.add(key, unknown(pool), "organisation")
        figures = suppress(table, MIN_OTHER_LEADERS, hide="nested")
        return {key for key, figure in figures.items() if not figure.suppressed}


@per_closed_round
def comparisons(round_: Round) -> Comparisons:
    """The comparisons of a round; a closed round's are computed once per process."""
    return _compute(round_, compute(round_))


def _compute(round_: Round, figures: RoundFigures) -> Comparisons:
    levels = {
        employee_id: level(path)
        for employee_id, path in EvaluatedLeader.objects.filter(round=round_).values_list(
            "employee_id", "unit_path"
        )
    }
    organisation: dict[str, list[int]] = defaultdict(lambda: [0] * len(SCALE))
    organisation_leaders: dict[str, set[str]] = defaultdict(set)
    by_level: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0] * len(SCALE))
    level_leaders: dict[tuple[int, str], set[str]] = defaultdict(set)
    for employee_id, leader_level in levels.items():
        for item in figures.items:
            figure = figures.group(leader_key(employee_id), "employee", item)
            if figure.suppressed or figure.distribution is None:
                continue
            for index, count in enumerate(figure.distribution):
                organisation[item][index] += count
                by_level[(leader_level, item)][index] += count
            organisation_leaders[item].add(employee_id)
            level_leaders[(leader_level, item)].add(employee_id)
    return Comparisons(
        levels=levels,
        organisation={
            item: Pool(tuple(counts), frozenset(organisation_leaders[item]))
            for item, counts in organisation.items()
        },
        by_level={
            key: Pool(tuple(counts), frozenset(level_leaders[key]))
            for key, counts in by_level.items()
        },
    )
