"""Every figure of a round, computed once and passed through disclosure control together.

The figures of all leaders and all units of a round are suppressed as one hierarchy, so no
combination of the leader and unit reports anyone can see gives away a small group
(`omstil/lib/disclosure.py`). The self and superior groups have one respondent each and are shown
as individual answers, as respondents are told before they answer.

Viewers who may not see single leaders' figures (HR under the default policy, HR readers) see
the units only, pooled, decided apart in a second set (`View.POOLED`): there a unit must pool
the teams of at least two leaders whose employees answered, and no shown unit minus the shown
units inside it may leave fewer answers than the threshold or a single leader's team – the
leader measure beside the answers, in the same pass. What to hide is chosen by cost (the
cheapest set of units, the answers of the organisation's top levels weighing most), not by
hiding every unit that encloses a small remainder: hiding one small sub-unit usually saves its
whole directorate. A viewer who also sees some leaders' reports in the round (their own, or
their employees' as a superior) gets the units decided once more with those leaders' figures
taken as known (`Knowing`): what is left of a unit once they are subtracted must itself pass
both measures, so a unit figure beside a leader's report never gives away another leader's team.
"""

import contextlib
import gc
import math
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from omstil.lib import disclosure
from omstil.lib.disclosure import Figure, Hierarchy
from omstil.organisations.models import PATH_SEPARATOR
from omstil.responses.counts import ANSWERS, LeaderCounts, counts_of
from omstil.rounds.caching import per_closed_round
from omstil.rounds.models import EvaluatedLeader, Round

THRESHOLD_GROUPS = ("employee", "peer")
INDIVIDUAL_GROUPS = ("self", "superior")


class View(StrEnum):
    """Which decisions a viewer's figures come from (module docstring)."""

    FULL = "full"  # leaders and units, for those who may see leaders' reports
    POOLED = "pooled"  # units only, with the leader measure


@dataclass(frozen=True)
class Knowing:
    """The units only, for a viewer who also sees the reports of `leaders` (employee ids): each
    unit decided with those leaders' shown figures subtracted (module docstring)."""

    leaders: frozenset[str]


Viewing = View | Knowing


def unit_key(path: str) -> tuple[str, str]:
    return ("unit", path)


def leader_key(employee_id: str) -> tuple[str, str]:
    return ("leader", employee_id)


@dataclass(eq=False)
class RoundFigures:
    """Figures by (cell, rater group, item); a cell is a leader or a unit with everything below.

    Every group's answers are counted, pooled into the units above and passed through disclosure
    control when the round's figures are computed; the `Figure` of a group is made from those
    counts and decisions when it is first read.
    """

    round: Round
    items: list[str]
    cells: dict[Hashable, int]  # the units, each after the unit it lies in, then the leaders
    units: int  # how many of the cells are units
    layers: dict[tuple[str, str], int]  # every (rater group, item) anybody answered
    counts: "npt.NDArray[np.int32]"  # by cell, layer and ANSWERS; a unit's pool all below it
    published: list[list[bool]]  # by layer and cell, as `Hierarchy.decide` decided
    opt_outs_shown: list[list[bool]]
    units_only: Hierarchy  # the units, for the units-only set
    parents: dict[Hashable, Hashable | None]
    _made: dict[tuple[Hashable, str, str], Figure] = field(default_factory=dict)
    _made_pooled: dict[tuple[Hashable, str, str, Viewing], Figure] = field(default_factory=dict)
    # What is made from these figures elsewhere, kept as long as they are (`crosscut`).
    extras: dict[str, Any] = field(default_factory=dict)

    def group(
        self, cell: Hashable, rater_group: str, item: str, view: Viewing = View.FULL
    ) -> Figure:
        if view is not View.FULL:
            return self._pooled_group(cell, rater_group, item, view)
        key = (cell, rater_group, item)
        made = self._made.get(key)
        if made is None:
            layer, node = self.layers.get((rater_group, item)), self.cells.get(cell)
            if layer is None or node is None:
                return EMPTY  # not kept: anybody may ask for any key
            made = self._made[key] = self._make(rater_group, layer, node)
        return made

    @cached_property
    def pooled(self) -> "Pooled":
        """The units-only set, decided the first time a viewer without leaders' reports asks:
        most viewers never need it, and for a region it costs as much again as the rest."""
        return _pooled_decisions(
            self.round,
            self.units_only,
            self.counts,
            self.parents,
            self.cells,
            self.units,
            self.layers,
        )

    def pools_leaders(self, cell: Hashable) -> bool:
        """Whether the unit pools the teams of at least MIN_LEADERS leaders whose employees
        answered something: else a viewer without leaders' reports has nothing to see in it."""
        node = self.cells.get(cell)
        if node is None or node >= self.units:
            return False
        return any(
            self.pooled.leaders[layer][node] >= disclosure.MIN_LEADERS
            for (group, _item), layer in self.layers.items()
            if group in THRESHOLD_GROUPS
        )

    def knowing(self, leaders: frozenset[str]) -> "Pooled":
        """The units-only set for a viewer who sees the reports of `leaders`: decided on the
        counts less those leaders' figures as their reports show them (individual answers
        whole; employees and peers where published, opt-out counts where shown), so every
        remainder of what the viewer does not know passes both measures. Kept per set."""
        made: dict[frozenset[str], Pooled] = self.extras.setdefault("knowing", {})
        decided = made.get(leaders)
        if decided is None:
            known = np.zeros_like(self.counts)
            for employee_id in leaders:
                node = self.cells.get(leader_key(employee_id))
                if node is None:
                    continue
                for layer in range(len(self.layers)):
                    individual = node >= len(self.published[layer])  # self, superior
                    if individual or self.published[layer][node]:
                        known[node, layer, :5] = self.counts[node, layer, :5]
                    if individual or self.opt_outs_shown[layer][node]:
                        known[node, layer, 5:] = self.counts[node, layer, 5:]
            decided = made[leaders] = _pooled_decisions(
                self.round,
                self.units_only,
                self.counts - _pool_up(known, self.parents, self.cells),
                self.parents,
                self.cells,
                self.units,
                self.layers,
            )
        return decided

    def _pooled_group(self, cell: Hashable, rater_group: str, item: str, view: Viewing) -> Figure:
        key = (cell, rater_group, item, view)
        made = self._made_pooled.get(key)
        if made is not None:
            return made
        layer, node = self.layers.get((rater_group, item)), self.cells.get(cell)
        if layer is None or node is None:
            return EMPTY
        if node >= self.units:
            made = EMPTY if self._make(rater_group, layer, node) is EMPTY else POLICY_HIDDEN
        else:
            decided = self.knowing(view.leaders) if isinstance(view, Knowing) else self.pooled
            one, two, three, four, five, dont_know, prefer_not = self._counted(node, layer)
            made = disclosure.figure(
                (one, two, three, four, five),
                dont_know,
                prefer_not,
                published=decided.published[layer][node],
                opt_outs_shown=decided.opt_outs_shown[layer][node],
                small=(
                    decided.valid[layer][node] < self.round.min_group_size
                    or decided.leaders[layer][node] < disclosure.MIN_LEADERS
                ),
            )
        self._made_pooled[key] = made
        return made

    def _counted(self, node: int, layer: int) -> list[int]:
        """The seven counts of a cell in a layer, as Python ints (read from the array as they are
        needed: a region's counts as lists would hold some 7 MB in every process)."""
        counted: list[int] = self.counts[node, layer].tolist()
        return counted

    def _make(self, rater_group: str, layer: int, node: int) -> Figure:
        one, two, three, four, five, dont_know, prefer_not = self._counted(node, layer)
        distribution = (one, two, three, four, five)
        if rater_group in INDIVIDUAL_GROUPS and node >= self.units:
            # The leader's own (or superior's) answer, shown as it is.
            if not (any(distribution) or dont_know or prefer_not):
                return EMPTY
            return _individual(distribution, dont_know, prefer_not)
        return disclosure.figure(
            distribution,
            dont_know,
            prefer_not,
            published=self.published[layer][node],
            opt_outs_shown=self.opt_outs_shown[layer][node],
            small=sum(distribution) < self.round.min_group_size,
        )

    def all(self) -> dict[tuple[Hashable, str, str], Figure]:
        """Every figure of the round that is not empty, made now if not read before."""
        every = {}
        made = self._made
        with _collector_paused():
            for (group, item), layer in self.layers.items():
                for cell, node in self.cells.items():
                    key = (cell, group, item)
                    figure = made.get(key)
                    if figure is None:
                        figure = made[key] = self._make(group, layer, node)
                    if figure is not EMPTY:
                        every[key] = figure
        return every


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a round's figures are made: they are
    many small objects without cycles, and scanning them again and again as they are made
    would take as long as making them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


EMPTY = disclosure.NOBODY_ANSWERED
POLICY_HIDDEN = disclosure.POLICY_HIDDEN


@dataclass(frozen=True)
class Pooled:
    """The units-only decisions (`View.POOLED`), by layer and unit."""

    published: list[list[bool]]
    opt_outs_shown: list[list[bool]]
    leaders: list[list[int]]  # leaders in or below each unit whose group answered the layer
    valid: list[list[int]]  # the valid answers decided on


def _individual(
    distribution: tuple[int, int, int, int, int], dont_know: int, prefer_not: int
) -> Figure:
    one, two, three, four, five = distribution
    n = one + two + three + four + five
    return Figure(
        n=n,
        mean=(one + 2 * two + 3 * three + 4 * four + 5 * five) / n if n else None,
        distribution=distribution if n else None,
        dont_know=dont_know,
        prefer_not=prefer_not,
        suppressed=False,
        reason=None,
    )


@per_closed_round
def compute(round_: Round) -> RoundFigures:
    """All figures of a round, suppressed together; a closed round's once per process."""
    return _compute(round_)


def _compute(round_: Round, counted: LeaderCounts | None = None) -> RoundFigures:
    """The round's figures from `counted`, by default the counts stored at closing (for an open
    round, counted now)."""
    leaders = list(
        EvaluatedLeader.objects.filter(round=round_).values_list("pk", "employee_id", "unit_path")
    )
    if counted is None:
        counted = counts_of(round_)
    units = _units(unit_path for _pk, _employee_id, unit_path in leaders)
    parents: dict[Hashable, Hashable | None] = {
        unit_key(path): unit_key(up) if up else None for path, up in units.items()
    }
    units_only = Hierarchy(parents)
    parents.update(
        (leader_key(employee_id), unit_key(unit_path)) for _pk, employee_id, unit_path in leaders
    )
    with_leaders = Hierarchy(parents)
    cells = {key: node for node, key in enumerate(parents)}
    node_of = {pk: len(units) + number for number, (pk, _e, _u) in enumerate(leaders)}

    # Only (rater group, item) pairs somebody answered get a layer: any other figure is empty,
    # like the figures of a rater group nobody could answer in (peers, in most rounds).
    answered_keys = [
        key for number, key in enumerate(counted.keys) if counted.counts[:, number].any()
    ]
    items = sorted({item for _group, item in answered_keys})
    order = {group: number for number, group in enumerate((*THRESHOLD_GROUPS, *INDIVIDUAL_GROUPS))}
    answered = {(group, item) for group, item in counted.keys if group in order}
    layers = {
        pair: number
        for number, pair in enumerate(sorted(answered, key=lambda p: (order[p[0]], p[1])))
    }
    counts = _pooled(counted, layers, node_of, cells, parents)

    # Disclosure control, one layer at a time: the leaders' groups and the units for employees
    # and peers; the units alone for the self and superior groups, whose leaders' figures are
    # individual answers (respondents are told so before they answer).
    valid = counts[:, :, :5].sum(axis=2).T.tolist()
    opted_out = (counts[:, :, 5] + counts[:, :, 6]).T.tolist()
    published, opt_outs_shown = [], []
    for (group, _item), layer in layers.items():
        if group in THRESHOLD_GROUPS:
            decided = with_leaders.decide(valid[layer], opted_out[layer], round_.min_group_size)
        else:
            decided = units_only.decide(
                valid[layer][: len(units)], opted_out[layer][: len(units)], round_.min_group_size
            )
        published.append(decided[0])
        opt_outs_shown.append(decided[1])
    return RoundFigures(
        round_,
        items,
        cells,
        len(units),
        layers,
        counts,
        published,
        opt_outs_shown,
        units_only,
        parents,
    )


def _pooled_decisions(
    round_: Round,
    hierarchy: Hierarchy,
    counts: "npt.NDArray[np.int32]",
    parents: dict[Hashable, Hashable | None],
    cells: dict[Hashable, int],
    units: int,
    layers: dict[tuple[str, str], int],
    *,
    alike: bool = True,
) -> Pooled:
    """The units-only set, answers and leaders decided together (module docstring); `alike`
    prefers hiding the same sub-units on each rater group's every statement (False: each
    statement decided alone, as `bench/hr_cells.py` compares)."""
    answered = np.zeros((len(cells), len(layers)), dtype=np.int32)
    answered[units:] = counts[units:, :, :5].sum(axis=2) > 0  # then pooled up, in place
    leaders = _pool_up(answered, parents, cells)[:units].T.tolist()
    valid = counts[:units, :, :5].sum(axis=2).T.tolist()
    opted_out = (counts[:units, :, 5] + counts[:units, :, 6]).T.tolist()
    threshold = round_.min_group_size
    alone = [
        hierarchy.decide_pooled(valid[layer], opted_out[layer], leaders[layer], threshold)
        for layer in range(len(layers))
    ]
    # Then again, each rater group's statements preferring to hide what the others hide.
    by_group: dict[str, list[int]] = {}
    for (group, _item), layer in layers.items():
        by_group.setdefault(group, []).append(layer)
    published: list[list[bool]] = [[] for _ in layers]
    opt_outs_shown: list[list[bool]] = [[] for _ in layers]
    for group_layers in by_group.values():
        hidden = [0] * units
        for layer in group_layers:
            for node, shown in enumerate(alone[layer][0]):
                if not shown and valid[layer][node] >= threshold:
                    hidden[node] += 1
        for layer in group_layers:
            if not alike or not any(hidden):
                published[layer], opt_outs_shown[layer] = alone[layer]
                continue
            published[layer], opt_outs_shown[layer] = hierarchy.decide_pooled(
                valid[layer],
                opted_out[layer],
                leaders[layer],
                threshold,
                hidden_elsewhere=hidden,
                statements=len(group_layers),
            )
    return Pooled(published, opt_outs_shown, leaders, valid)


def _pool_up(
    array: "npt.NDArray[np.int32]",
    parents: dict[Hashable, Hashable | None],
    cells: dict[Hashable, int],
) -> "npt.NDArray[np.int32]":
    """`array` (by cell first), changed in place so each cell holds its own and every cell's
    below it, and returned."""
    pooled = array
    above = [-1 if up is None else cells[up] for up in parents.values()]
    depth = [0] * len(above)
    for cell, up in enumerate(above):  # each cell comes after the cell above it
        if up >= 0:
            depth[cell] = depth[up] + 1
    above_array, depth_array = np.array(above, dtype=np.int64), np.array(depth, dtype=np.int64)
    for level in range(max(depth, default=0), 0, -1):
        at = np.flatnonzero(depth_array == level)
        np.add.at(pooled, above_array[at], pooled[at])
    return pooled


def _pooled(
    counted: LeaderCounts,
    layers: dict[tuple[str, str], int],
    node_of: dict[int, int],
    cells: dict[Hashable, int],
    parents: dict[Hashable, Hashable | None],
) -> "npt.NDArray[np.int32]":
    """The counts of every cell in every layer: a leader's as counted, a unit's pooling its own
    leaders' and every unit's below it."""
    counts = np.zeros((len(cells), len(layers), len(ANSWERS)), dtype=np.int32)
    # Answers to statements outside the rater groups of reports, or to leaders who are not
    # evaluated in the round, are left out.
    layer = np.array([layers.get(key, -1) for key in counted.keys], dtype=np.int64)
    node = np.array([node_of.get(int(pk), -1) for pk in counted.leaders], dtype=np.int64)
    kept_layers, kept_nodes = np.flatnonzero(layer >= 0), np.flatnonzero(node >= 0)
    if kept_layers.size and kept_nodes.size:
        counts[np.ix_(node[kept_nodes], layer[kept_layers])] = counted.counts[
            np.ix_(kept_nodes, kept_layers)
        ]
    # Pool upwards a level at a time, the deepest first, so a cell holds all below it when it
    # is added to the cell above.
    return _pool_up(counts, parents, cells)


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
