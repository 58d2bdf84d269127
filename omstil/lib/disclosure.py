"""Disclosure control: which figures of a report may be shown without exposing small groups.

The rules of the anonymity promise (PRODUCT.md), in one place and without Django:

- a group's answers to a statement are shown only when at least `threshold` gave a valid answer
  (1–5); otherwise neither mean nor distribution is shown (primary suppression);
- "Ved ikke" and "Ønsker ikke at oplyse" are counted but kept out of means; within a shown
  figure their counts are shown, also a count of 1 (like a distribution's count of 1 it
  identifies nobody in a group of at least `threshold`), unless the difference of two nested
  figures' opt-out counts would be 1 to threshold − 1;
- no two figures a user can see may differ by such a group either: when a published figure
  minus the published figures nested inside it leaves a remainder of 1 to threshold − 1 valid
  answers, more figures are hidden until the remainder is 0 or large enough (complementary
  suppression);
- how many of a group have taken part is shown only for a group of at least `threshold`
  invited (`participation`).

Figures form a hierarchy (a *laminar* family): a unit contains its sub-units and its leaders'
groups, and two figures are either nested or disjoint. For such a family, every set of answers
that can be computed from published figures by adding and subtracting them is a union of the
*remainders* – a published figure minus the largest published figures inside it – so checking
every remainder checks every combination. Callers must pass every figure one user can see.
Figures are checked in passes, in the order of their repr, until a pass hides nothing more, so
the same counts always give the same figures.
"""

import functools
import heapq
import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

SCALE = (1, 2, 3, 4, 5)
# Why a figure is hidden, as reports give it (pages translate it, docs/disclosure.md explains):
# too few in the group itself; or it could be worked out from the figures shown beside it; or
# the round's policy does not give the viewer this figure.
PRIMARY_REASON = "skjult for at beskytte en mindre gruppe"
COMPLEMENTARY_REASON = "skjult, så den ikke kan regnes ud af de andre tal"
POLICY_REASON = "vises ikke efter rundens regler"
HIDDEN_REASON = PRIMARY_REASON
# A pooled figure for a viewer who may not see single leaders' figures must pool at least this
# many leaders whose teams answered, and no two such figures may differ by fewer.
MIN_LEADERS = 2


@dataclass(frozen=True)
class Counts:
    """How one group answered one statement."""

    distribution: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    dont_know: int = 0
    prefer_not: int = 0

    @property
    def n(self) -> int:
        """Valid answers (1–5)."""
        return sum(self.distribution)

    @property
    def opted_out(self) -> int:
        return self.dont_know + self.prefer_not

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            tuple(a + b for a, b in zip(self.distribution, other.distribution, strict=True)),  # type: ignore[arg-type]
            self.dont_know + other.dont_know,
            self.prefer_not + other.prefer_not,
        )

    def __sub__(self, other: "Counts") -> "Counts":
        return Counts(
            tuple(a - b for a, b in zip(self.distribution, other.distribution, strict=True)),  # type: ignore[arg-type]
            self.dont_know - other.dont_know,
            self.prefer_not - other.prefer_not,
        )

    @classmethod
    def of(cls, answers: Iterable[int | str]) -> "Counts":
        """Count answers given as 1–5, "dont_know" or "prefer_not"."""
        distribution = [0, 0, 0, 0, 0]
        dont_know = prefer_not = 0
        for answer in answers:
            if answer == "dont_know":
                dont_know += 1
            elif answer == "prefer_not":
                prefer_not += 1
            elif isinstance(answer, int) and answer in SCALE:
                distribution[answer - 1] += 1
            else:
                raise ValueError(f"not an answer: {answer!r}")
        return cls(tuple(distribution), dont_know, prefer_not)  # type: ignore[arg-type]


class Figure(NamedTuple):
    """What may be shown of one group's answers to one statement.

    A named tuple rather than a frozen dataclass: as immutable, and a round has hundreds of
    thousands of them, which a tuple makes in a third of the time.
    """

    n: int | None
    mean: float | None
    distribution: tuple[int, int, int, int, int] | None
    dont_know: int | None
    prefer_not: int | None
    suppressed: bool
    reason: str | None

    @classmethod
    def hidden(cls, reason: str) -> "Figure":
        return cls(None, None, None, None, None, True, reason)


@dataclass
class Table:
    """The groups of one report (or of everything one user can see), for one statement.

    `parent` gives each group the group it lies inside; groups without a parent are the tops.
    A group's counts must include every answer of the groups inside it.
    """

    counts: dict[Hashable, Counts] = field(default_factory=dict)
    parent: dict[Hashable, Hashable | None] = field(default_factory=dict)

    def add(self, key: Hashable, counts: Counts, parent: Hashable | None = None) -> None:
        self.counts[key] = counts
        self.parent[key] = parent


class Hierarchy:
    """How the groups of a report nest, prepared once to suppress many statements' figures.

    `parent` gives each group the group it lies inside (None for the tops), as in `Table`.
    """

    def __init__(self, parent: Mapping[Hashable, Hashable | None]) -> None:
        self._keys = list(parent)
        index = {key: number for number, key in enumerate(self._keys)}
        self._index = index
        self._parent = [-1 if parent[key] is None else index[parent[key]] for key in self._keys]
        self._children: list[list[int]] = [[] for _ in self._keys]
        for node, up in enumerate(self._parent):
            if up >= 0:
                self._children[up].append(node)
        # Figures are checked in a fixed order, by repr (a unit's sub-units before the unit).
        self._reprs = [repr(key) for key in self._keys]
        self._order = sorted(range(len(self._keys)), key=self._reprs.__getitem__)
        self._position = [0] * len(self._keys)
        for position, node in enumerate(self._order):
            self._position[node] = position
        top_down = [node for node, up in enumerate(self._parent) if up < 0]
        for node in top_down:  # grows while it is walked: breadth first
            top_down.extend(self._children[node])
        self._bottom_up = top_down[::-1]

    @classmethod
    def of(cls, table: Table) -> "Hierarchy":
        return cls({key: table.parent.get(key) for key in table.counts})

    def suppress(
        self, counts: Mapping[Hashable, Counts], threshold: int, *, hide: str = "enclosing"
    ) -> dict[Hashable, Figure]:
        """`suppress` for these groups; a group missing from `counts` had no answers."""
        if not counts.keys() <= self._index.keys():
            raise KeyError("counts for groups outside the hierarchy")
        groups = [counts.get(key, _NO_ANSWERS) for key in self._keys]
        published, opt_outs_shown = self.decide(
            [sum(group.distribution) for group in groups],
            [group.dont_know + group.prefer_not for group in groups],
            threshold,
            hide=hide,
        )
        return {
            key: figure(
                group.distribution,
                group.dont_know,
                group.prefer_not,
                shown,
                opt_outs,
                small=group.n < threshold,
            )
            for key, group, shown, opt_outs in zip(
                self._keys, groups, published, opt_outs_shown, strict=True
            )
        }

    def decide(
        self,
        valid: Sequence[int],
        opted_out: Sequence[int],
        threshold: int,
        *,
        hide: str = "enclosing",
    ) -> tuple[list[bool], list[bool]]:
        """Which groups' figures are published, and which of those show their opt-out counts.

        `valid` and `opted_out` count each group's valid answers (1–5) and its "Ved ikke" and
        "Ønsker ikke at oplyse", in the order of the groups in `parent`; `figure` makes what may
        be shown of a group from them and the group's answers.
        """
        if hide not in ("enclosing", "nested"):
            raise ValueError("hide must be 'enclosing' or 'nested'")
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        if not len(valid) == len(opted_out) == len(self._keys):
            raise ValueError("one count of each kind for every group")
        published = [n >= threshold for n in valid]
        self._complement(valid, published, threshold, hide)
        # Within a shown figure (at least `threshold` valid answers) its opt-out counts single
        # nobody out, as a distribution's count of 1 does not; the difference of two nested
        # figures' opt-out counts must still be 0 or at least `threshold`.
        opt_outs_shown = list(published)
        self._complement(opted_out, opt_outs_shown, threshold, hide)
        return published, opt_outs_shown

    def decide_pooled(
        self,
        valid: Sequence[int],
        opted_out: Sequence[int],
        leaders: Sequence[int],
        threshold: int,
        *,
        hidden_elsewhere: Sequence[int] | None = None,
        statements: int = 0,
    ) -> tuple[list[bool], list[bool]]:
        """`decide` for a viewer who may not see single leaders' figures: each group also
        counts the leaders whose teams answered, and a shown figure, and every remainder, must
        hold none or at least MIN_LEADERS of them – one leader's team is never shown or left
        to work out. What to hide is the cheapest choice (`cheapest`), a figure's worth its
        answers with every level nearer the top outweighing all levels below it, so the top
        levels are kept whenever they can be.

        With `hidden_elsewhere` (for each group, on how many of the report's `statements` it was
        hidden when each was decided alone) a group hidden often is worth up to half less within
        its level, so the same sub-unit tends to go on every statement: a table that hides one
        column reads better than one that hides a different cell in every row.
        """
        if not len(valid) == len(opted_out) == len(leaders) == len(self._keys):
            raise ValueError("one count of each kind for every group")
        depth = [0] * len(self._keys)
        for node in reversed(self._bottom_up):  # top down
            if self._parent[node] >= 0:
                depth[node] = depth[self._parent[node]] + 1
        deepest = max(depth, default=0)
        base = sum(valid) * (deepest + 1) + 1
        weight = [base ** (deepest - d) for d in range(deepest + 1)]
        value = [n * weight[d] for n, d in zip(valid, depth, strict=True)]
        if hidden_elsewhere is not None and statements > 0:
            if len(hidden_elsewhere) != len(self._keys):
                raise ValueError("one count of each kind for every group")
            # Whole numbers, so the levels' weights stay exact: 2s - h lies in [s, 2s].
            value = [
                v * (2 * statements - min(h, statements))
                for v, h in zip(value, hidden_elsewhere, strict=True)
            ]
        allowed = [
            n >= threshold and count >= MIN_LEADERS for n, count in zip(valid, leaders, strict=True)
        ]
        measures = [(valid, threshold), (leaders, MIN_LEADERS)]
        if threshold >= MIN_LEADERS and list(valid) == list(leaders):
            # Each answer is a leader's own (the self and superior groups): every remainder of
            # at least `threshold` answers holds as many leaders, so answers decide alone.
            measures = measures[:1]
        shown = self.cheapest(measures, allowed, value)
        # As in `decide`: a shown figure's opt-outs, unless a difference would give them away.
        return shown, self.cheapest([(opted_out, threshold)], list(shown), value)

    def cheapest(
        self,
        measures: Sequence[tuple[Sequence[int], int]],
        allowed: Sequence[bool],
        value: Sequence[float] | Sequence[int],
    ) -> list[bool]:
        """The figures to show: of those `allowed` (which passed primary suppression), the set
        of greatest total `value` in which no shown figure leaves a small remainder.

        Each measure counts something in every group (answers, leaders whose teams answered)
        with its threshold; a shown figure's remainder – the figure minus the largest shown
        figures inside it – must be 0 or at least the threshold in every measure. Exact, by
        dynamic programming over the tree: what a hidden figure leaves to the shown figure
        above it matters only up to the threshold, so a figure has at most the product of
        (threshold + 1) over the measures states, numbered here as one integer.
        """
        size = len(self._keys)
        limits = [threshold for _counts, threshold in measures]
        counts = [counts for counts, _threshold in measures]
        if not all(len(c) == size for c in counts) or len(allowed) != size:
            raise ValueError("one count of each measure for every group")
        shown = [bool(a) for a in allowed]
        if not self._violations(counts, limits, shown):
            return shown  # nothing to hide: every allowed figure may be shown
        add, safe, strides = _states(limits)
        children, parent = self._children, self._parent
        # Each figure's own state: its part outside the figures inside it, capped.
        start = [0] * size
        for measure, limit, stride in zip(counts, limits, strides, strict=True):
            part = list(measure)
            for node, up in enumerate(parent):
                if up >= 0:
                    part[up] -= measure[node]
            for node, left in enumerate(part):
                start[node] += (left if left < limit else limit) * stride
        # best[node]: the state a figure passes up (what it leaves to the shown figure above
        # it) → the greatest value in its subtree; how each was reached, for the way back.
        best: list[dict[int, Any]] = [{}] * size
        made: list[dict[int, tuple[bool, int]]] = [{}] * size
        steps: list[list[dict[int, tuple[int, int]]]] = [[]] * size
        for node in self._bottom_up:
            combined: dict[int, Any] = {start[node]: 0}
            node_steps = []
            for child in children[node]:
                merged: dict[int, Any] = {}
                step: dict[int, tuple[int, int]] = {}
                options = best[child].items()
                for state, total in combined.items():
                    row = add[state]
                    for passed, gained in options:
                        reached = row[passed]
                        score = total + gained
                        if score > merged.get(reached, -1):
                            merged[reached] = score
                            step[reached] = (state, passed)
                combined = merged
                node_steps.append(step)
                best[child] = {}  # not needed any more
            steps[node] = node_steps
            how = {state: (False, state) for state in combined}
            if shown[node]:
                inside, score = -1, -1
                for state, total in combined.items():
                    if safe[state] and total > score:
                        inside, score = state, total
                if inside >= 0 and value[node] + score >= combined.get(0, -1):
                    combined[0] = value[node] + score
                    how[0] = (True, inside)
            best[node], made[node] = combined, how
        result = [False] * size
        wanted = [(node, -1) for node, up in enumerate(parent) if up < 0]
        while wanted:
            node, state = wanted.pop()
            if state < 0:
                state = max(best[node], key=best[node].__getitem__)
            result[node], reached = made[node][state]
            for child, step in zip(reversed(children[node]), reversed(steps[node]), strict=True):
                reached, passed = step[reached]
                wanted.append((child, passed))
        return result

    def _violations(
        self, counts: Sequence[Sequence[int]], limits: Sequence[int], shown: Sequence[bool]
    ) -> bool:
        """Whether some shown figure leaves a small remainder in some measure."""
        for measure, limit in zip(counts, limits, strict=True):
            # What each figure leaves to the nearest shown figure above it (its remainder,
            # when it is shown itself): its own part, and what its hidden figures leave.
            left = list(measure)
            for node in self._bottom_up:
                up = self._parent[node]
                if up >= 0:
                    left[up] -= measure[node]
            for node in self._bottom_up:
                if shown[node]:
                    if 0 < left[node] < limit:
                        return True
                elif (up := self._parent[node]) >= 0:
                    left[up] += left[node]
        return False

    def _complement(
        self, measure: Sequence[int], shown: list[bool], threshold: int, hide: str
    ) -> None:
        """Complementary suppression: take figures out of `shown` until no remainder is small.

        A remainder is a shown figure minus the largest shown figures inside it, counted by
        `measure` (valid answers, or opt-outs). The figures are checked in passes in a fixed
        order, as often as a pass changes anything; a check can only come out differently once
        something inside the figure was hidden, so a pass checks just those figures.
        """
        parent, order, position = self._parent, self._order, self._position
        # What the largest shown figures strictly inside each figure hold, and how many they are.
        covered = [0] * len(measure)
        inside = [0] * len(measure)
        for node in self._bottom_up:
            up = parent[node]
            if up >= 0:
                if shown[node]:
                    covered[up] += measure[node]
                    inside[up] += 1
                else:
                    covered[up] += covered[node]
                    inside[up] += inside[node]
        remainder = [total - part for total, part in zip(measure, covered, strict=True)]
        due = [position[node] for node, count in enumerate(inside) if count and shown[node]]
        heapq.heapify(due)
        queued = [False] * len(measure)
        for at in due:
            queued[order[at]] = True
        while due:
            next_pass: set[int] = set()
            while due:
                at = heapq.heappop(due)
                node = order[at]
                queued[node] = False
                if not (shown[node] and inside[node] and 0 < remainder[node] < threshold):
                    continue
                gone = node if hide == "enclosing" else self._smallest_inside(node, measure, shown)
                shown[gone] = False
                # The nearest shown figure above now has what was inside the hidden one inside.
                up = parent[gone]
                while up >= 0 and not shown[up]:
                    up = parent[up]
                if up < 0:
                    continue
                remainder[up] += remainder[gone]
                inside[up] += inside[gone] - 1
                if position[up] <= at:
                    next_pass.add(position[up])  # checked again in the next pass
                elif not queued[up]:
                    queued[up] = True
                    heapq.heappush(due, position[up])
            due = sorted(next_pass)
            for at in due:
                queued[order[at]] = True

    def _smallest_inside(self, node: int, measure: Sequence[int], shown: list[bool]) -> int:
        """The smallest of the largest shown figures inside `node` (ties: the first by repr)."""
        found: list[int] = []
        stack = list(self._children[node])
        while stack:
            child = stack.pop()
            if shown[child]:
                found.append(child)
            else:
                stack.extend(self._children[child])
        return min(found, key=lambda child: (measure[child], self._reprs[child]))


@functools.cache
def _state_tables(limits: tuple[int, ...]) -> tuple[list[list[int]], list[bool]]:
    """For `Hierarchy.cheapest`: how states add (each measure capped at its threshold, which
    stands for "at least the threshold"), and which are safe remainders (each measure 0 or at
    least its threshold). A state is numbered with one digit per measure."""
    shape = [limit + 1 for limit in limits]
    states = list(itertools.product(*(range(n) for n in shape)))
    number = {state: index for index, state in enumerate(states)}
    add = [
        [number[tuple(min(x + y, k) for x, y, k in zip(a, b, limits, strict=True))] for b in states]
        for a in states
    ]
    safe = [all(x == 0 or x >= k for x, k in zip(a, limits, strict=True)) for a in states]
    return add, safe


def _states(limits: Sequence[int]) -> tuple[list[list[int]], list[bool], list[int]]:
    """`_state_tables`, and what one unit of each measure adds to a state's number."""
    key = tuple(limits)
    add, safe = _state_tables(key)
    strides = []
    stride = 1
    for limit in reversed(key):
        strides.append(stride)
        stride *= limit + 1
    return add, safe, strides[::-1]


_NO_ANSWERS = Counts()
NOBODY_ANSWERED = Figure(0, None, None, None, None, False, None)
_HIDDEN = Figure.hidden(HIDDEN_REASON)


_COMPLEMENTARY = Figure.hidden(COMPLEMENTARY_REASON)
POLICY_HIDDEN = Figure.hidden(POLICY_REASON)


def figure(
    distribution: tuple[int, int, int, int, int],
    dont_know: int,
    prefer_not: int,
    published: bool,
    opt_outs_shown: bool,
    *,
    small: bool = True,
) -> Figure:
    """What may be shown of a group that gave these answers, as `Hierarchy.decide` decided;
    a hidden figure's reason is the primary one when the group itself is `small` (too few
    answers, or leaders), else that it could be worked out from the others."""
    d = distribution
    n = d[0] + d[1] + d[2] + d[3] + d[4]
    if n == 0 and dont_know == 0 and prefer_not == 0:
        # Nobody answered: nothing to hide, and an empty group leaves no remainder.
        return NOBODY_ANSWERED
    if not published:
        return _HIDDEN if small else _COMPLEMENTARY
    return Figure(
        n=n,
        mean=(d[0] + 2 * d[1] + 3 * d[2] + 4 * d[3] + 5 * d[4]) / n,
        distribution=d,
        dont_know=dont_know if opt_outs_shown else None,
        prefer_not=prefer_not if opt_outs_shown else None,
        suppressed=False,
        # Inside a shown figure only a difference could give its opt-outs away.
        reason=None if opt_outs_shown else COMPLEMENTARY_REASON,
    )


def suppress(table: Table, threshold: int, *, hide: str = "enclosing") -> dict[Hashable, Figure]:
    """The figures that may be shown of every group in `table`, and the ones to hide.

    When a figure and the figures inside it would give away a small remainder, `hide` chooses
    which goes: "enclosing" hides the figure that pools the others (a leader's own figures are
    kept, a unit total goes), "nested" hides the smallest figure inside it (totals are kept).
    """
    return Hierarchy.of(table).suppress(table.counts, threshold, hide=hide)


def show_comments(count: int, threshold: int) -> bool:
    """Comments have their own, higher threshold; below it none of a group's are shown."""
    return count >= threshold


def participation(invited: int, completed: int, threshold: int) -> int | None:
    """How many of a group completed, as it may be shown beside it; None for a group of fewer
    than `threshold` invited, whose count would tell who took part ("2 af 2")."""
    return completed if invited >= threshold else None


@dataclass(frozen=True)
class ParticipationShown:
    """Which counts of who took part a page may show: the groups, the units' rows, the total."""

    groups: dict[Any, bool]
    units: dict[Any, bool]
    total: bool


def participation_shown[U: Hashable, G: Hashable](
    units: Mapping[U, Mapping[G, int]], threshold: int, outside: Mapping[G, int] | None = None
) -> ParticipationShown:
    """The groups (by key, with how many were invited), each in one unit or `outside` every
    unit (counted in the total only), and which of their counts may be shown.

    A group's count is shown when it has at least `threshold` invited. A unit's row counts all
    its groups, so it is shown only when it has at least `threshold` invited and its groups not
    shown together have none or at least `threshold` (else the row minus the shown groups would
    be a small group's count). The total likewise, against what the hidden rows leave.
    """
    outside = outside or {}
    groups = {
        key: invited >= threshold
        for members in [*units.values(), outside]
        for key, invited in members.items()
    }

    def hidden_part(members: Mapping[G, int]) -> int:
        return sum(invited for key, invited in members.items() if not groups[key])

    def may_show(invited: int, remainder: int) -> bool:
        return invited >= threshold and (remainder == 0 or remainder >= threshold)

    rows = {
        unit: may_show(sum(members.values()), hidden_part(members))
        for unit, members in units.items()
    }
    everyone = sum(sum(members.values()) for members in units.values()) + sum(outside.values())
    left = hidden_part(outside) + sum(
        hidden_part(members) for unit, members in units.items() if not rows[unit]
    )
    return ParticipationShown(groups, rows, may_show(everyone, left))


# Figures across the tree ------------------------------------------------------------------------
#
# Breakdowns by leadership level or job family, and programmes' pools of leaders, cut across the
# unit tree and across each other, so the remainder argument above no longer proves them safe.
# Every figure is a sum over *atoms*, the finest cells (a leader's team by job family), and a
# set of figures is safe when no combination of them, with any real coefficients, adds up to a
# set of atoms holding 1 to threshold - 1 answers, or (for a viewer who may not see single
# leaders) the answers of one leader's team alone. Whether a set of atoms is such a combination
# is linear algebra: its indicator lies in the span of the figures' indicators exactly when it
# is orthogonal to their null space.

# Above this many small sets to try, a figure set is taken to be unsafe rather than searched.
AUDIT_BUDGET = 200_000
_PROBES = 3  # random vectors to look unions up by
_TOLERANCE = 1e-7


def audit(
    fixed: Sequence[Sequence[int]],
    candidates: Sequence[Sequence[int]],
    answers: Sequence[int],
    owner: Sequence[int],
    threshold: int,
    *,
    leaders: bool,
) -> list[bool]:
    """Which `candidates` (atom sets, the most worth first) may be shown beside the `fixed`
    figures (a tree's shown figures: nested or disjoint, and safe among themselves), so that
    together they are safe.

    `answers` counts each atom's valid answers and `owner` gives its leader; with `leaders`,
    one leader's team must never be shown or left to work out, and a candidate needs at least
    MIN_LEADERS leaders whose teams answered. Candidates are taken in order, each kept when it
    passes primary suppression and leaves everything kept so far safe: a later candidate never
    changes an earlier one's fate, so figures added later (a new programme) hide themselves
    rather than figures already shown.

    The tree's figures span the same sets as their remainders, which are disjoint; a set of
    atoms S can be worked out exactly when its indicator has no part outside the span, and that
    part's squared length is what is left of |S| after taking out the remainders' means and
    the kept candidates' directions beyond them (an orthonormal basis, grown one candidate at a
    time). So each candidate costs one projection, and each set tried a short sum.
    """
    import numpy as np

    active = [atom for atom, n in enumerate(answers) if n > 0]
    shown = [False] * len(candidates)
    if not active:
        return shown
    column = {atom: number for number, atom in enumerate(active)}
    size = len(active)
    # Each atom's remainder: the smallest fixed figure around it (-1: none; known alone).
    region = [-1] * size
    smallest = [0] * size
    for number, figure in enumerate(fixed):
        members = [column[atom] for atom in figure if atom in column]
        for at in members:
            if region[at] < 0 or len(members) < smallest[at]:
                region[at], smallest[at] = number, len(members)
    region = _renumber(region)
    region_size = [0] * (max(region) + 1)
    for r in region:
        region_size[r] += 1
    alone = {region[at] for at in range(size) if smallest[at] == 0}  # outside every figure
    members_of = []
    for figure in candidates:
        members_of.append(sorted({column[atom] for atom in figure if atom in column}))
    # The finest classes: atoms in the same remainder and the same candidates.
    patterns: dict[tuple[int, ...], list[int]] = {}
    pattern_of: list[list[int]] = [[region[at]] for at in range(size)]
    for number, members in enumerate(members_of):
        for at in members:
            pattern_of[at].append(number)
    for at in range(size):
        patterns.setdefault(tuple(pattern_of[at]), []).append(at)
    classes = list(patterns.values())
    class_region = [region[group[0]] for group in classes]
    class_atoms = [len(group) for group in classes]
    class_answers = [sum(answers[active[at]] for at in group) for group in classes]
    class_owners = [{owner[active[at]] for at in group} for group in classes]
    class_of = [0] * size
    for number, group in enumerate(classes):
        for at in group:
            class_of[at] = number

    def outside_tree(vector: Any) -> Any:
        """`vector` (over the active atoms) less its remainders' means: its part outside the
        span of the tree's figures."""
        sums = np.bincount(region, weights=vector, minlength=len(region_size))
        means = np.divide(
            sums, region_size, out=np.zeros_like(sums), where=np.array(region_size) > 0
        )
        for r in alone:
            means[r] = 0.0
        return vector - means[region]

    basis = np.zeros((size, 0))
    class_basis = np.zeros((len(classes), 0))  # each class's atoms summed in every direction

    def residue(chosen: Sequence[int], extra: Any = None) -> float:
        """|S|² minus its part in the span: 0 exactly when the classes' union can be worked out."""
        per_region: dict[int, int] = {}
        for number in chosen:
            per_region[class_region[number]] = (
                per_region.get(class_region[number], 0) + class_atoms[number]
            )
        left = 0.0
        for r, count in per_region.items():
            left += count if r in alone else count - count * count / region_size[r]
        along = class_basis[list(chosen)].sum(axis=0)
        left -= float(along @ along)
        if extra is not None:
            step = float(extra[list(chosen)].sum())
            left -= step * step
        return left

    # The tree's figures alone let exactly the unions of their remainders be worked out:
    # unsafe when one of those is small, or one leader's team.
    region_answers = [0] * len(region_size)
    region_owners: list[set[int]] = [set() for _ in region_size]
    for at in range(size):
        region_answers[region[at]] += answers[active[at]]
        region_owners[region[at]].add(owner[active[at]])
    for r, n in enumerate(region_answers):
        if r not in alone and (0 < n < threshold or (leaders and len(region_owners[r]) == 1)):
            return shown  # the tree's figures alone are not safe: nothing more is shown
    # A few random vectors, kept with their parts outside the span as it grows: a union of
    # classes can be worked out only when the sums of those parts over its atoms are all 0.
    random = np.random.default_rng(len(active)).standard_normal((size, _PROBES))
    outside = np.column_stack([outside_tree(random[:, probe]) for probe in range(_PROBES)])
    for number, members in enumerate(members_of):
        n = sum(answers[active[at]] for at in members)
        teams = len({owner[active[at]] for at in members})
        if n < threshold or (leaders and teams < MIN_LEADERS):
            continue
        vector = np.zeros(size)
        vector[members] = 1.0
        part = outside_tree(vector)
        if basis.shape[1]:
            part -= basis @ (basis.T @ part)
        length = float(np.linalg.norm(part))
        if length < 1e-9:
            shown[number] = True  # nothing new can be worked out with it
            continue
        direction = part / length
        by_class = np.bincount(class_of, weights=direction, minlength=len(classes))
        touched = {int(c) for c in np.flatnonzero(np.abs(by_class) > 1e-12)}
        after = outside - np.outer(direction, direction @ outside)
        if _exposes(
            lambda chosen, extra=by_class: residue(chosen, extra),
            _class_sums(class_of, after, len(classes)),
            class_answers,
            class_owners,
            threshold,
            leaders,
            touched,
        ):
            continue
        shown[number] = True
        outside = after
        basis = np.column_stack([basis, direction])
        class_basis = np.column_stack([class_basis, by_class])
    return shown


def _class_sums(class_of: list[int], vectors: Any, count: int) -> Any:
    """Each class's sum of its atoms' entries, one column per vector."""
    import numpy as np

    return np.column_stack(
        [
            np.bincount(class_of, weights=vectors[:, column], minlength=count)
            for column in range(vectors.shape[1])
        ]
    )


def _renumber(values: list[int]) -> list[int]:
    number: dict[int, int] = {}
    return [number.setdefault(value, len(number)) for value in values]


def _exposes(
    residue: Any,
    values: Any,
    class_answers: Sequence[int],
    class_owners: Sequence[set[int]],
    threshold: int,
    leaders: bool,
    touched: set[int] | None = None,
) -> bool:
    """Whether some union of classes that can be worked out (`residue` 0) holds 1 to
    threshold − 1 answers, or with `leaders` one leader's team alone.

    `values` gives each class a few numbers, one column per random vector: the sum over its
    atoms of that vector's part outside the span. The values of a union that can be worked out
    add up to 0 in every column, and those of any other union almost never do, so unions are
    looked up by their sums – each small union split into two halves, and every half's sum
    matched against the halves with the opposite sum (meet in the middle) – and every one found
    is confirmed by `residue`. With `touched`, only unions holding one of those classes are
    confirmed: the others were tried before a figure that leaves them as they were was added.
    """
    import numpy as np

    count = len(class_answers)
    if not count:
        return False
    values = np.asarray(values, dtype=np.float64).reshape(count, -1)
    tolerance = 1e-8 * (1.0 + float(np.abs(values).max()))

    def confirmed(chosen: Iterable[int]) -> bool:
        chosen = sorted(set(chosen))
        if touched is not None and not touched.intersection(chosen):
            return False
        return bool(residue(chosen) < _TOLERANCE)

    near_zero = np.flatnonzero(np.abs(values).max(axis=1) < tolerance).tolist()
    derivable = {number for number in near_zero if residue([number]) < _TOLERANCE}
    for number in derivable:
        if 0 < class_answers[number] < threshold or (leaders and len(class_owners[number]) == 1):
            return True
    small = [
        number
        for number in range(count)
        if class_answers[number] <= threshold - 2 and number not in derivable
    ]
    if len(small) >= 2 and _small_union(small, values, class_answers, threshold, confirmed):
        return True
    if leaders:
        by_owner: dict[int, list[int]] = {}
        for number in range(count):
            if len(class_owners[number]) == 1 and number not in derivable:
                by_owner.setdefault(next(iter(class_owners[number])), []).append(number)
        for own in by_owner.values():
            if len(own) < 2 or (touched is not None and not touched.intersection(own)):
                continue
            if len(own) > 16:
                return True  # more combinations than are worth trying: taken as unsafe
            # Every subset's sums at once; the ones near 0 with two classes or more confirmed.
            subsets = (np.arange(1 << len(own))[:, None] >> np.arange(len(own))) & 1
            sums = subsets @ values[own]
            hits = np.flatnonzero(
                (np.abs(sums).max(axis=1) < tolerance) & (subsets.sum(axis=1) >= 2)
            )
            for row in hits.tolist():
                if confirmed(n for n, bit in zip(own, subsets[row], strict=True) if bit):
                    return True
    return False


def _small_union(
    small: list[int], values: Any, class_answers: Sequence[int], threshold: int, confirmed: Any
) -> bool:
    """Whether two or more of the `small` classes, holding fewer than `threshold` answers
    together, add up to 0 and are `confirmed`. Every such union is split into halves of at most
    ⌈(threshold − 1) / 2⌉ classes (each holding at most threshold − 2 answers, the other half at
    least one); the halves are made by adding classes in order, up to `AUDIT_BUDGET` of them
    (above, taken as unsafe), and each half is matched with those whose sum is its opposite."""
    import numpy as np

    limit = threshold - 2
    answers = np.array([class_answers[number] for number in small], dtype=np.int64)
    rows = values[small]
    tolerance = 1e-8 * (1.0 + float(np.abs(values).max()))
    widest = (threshold - 1 + 1) // 2
    # Halves by size: members (positions in `small`, -1 beyond the half's size), the answers
    # they hold and their summed values.
    members = [np.full((len(small), widest), -1, dtype=np.int64)]
    members[0][:, 0] = np.arange(len(small))
    held = [answers.copy()]
    summed = [rows.copy()]
    made = len(small)
    for size in range(1, widest):
        last, total = members[-1][:, size - 1], held[-1]
        grown: list[Any] = []
        for start in range(0, len(last), 4096):  # a block of halves against every class
            fits = (last[start : start + 4096, None] < np.arange(len(small))) & (
                total[start : start + 4096, None] + answers <= limit
            )
            before, added = np.nonzero(fits)
            made += len(before)
            if made > AUDIT_BUDGET:
                return True  # too many to try: taken as unsafe
            grown.append((before + start, added))
        before = np.concatenate([b for b, _a in grown])
        added = np.concatenate([a for _b, a in grown])
        if not len(before):
            break
        extended = members[-1][before]
        extended[:, size] = added
        members.append(extended)
        held.append(total[before] + answers[added])
        summed.append(summed[-1][before] + rows[added])
    every = np.concatenate(members)
    total = np.concatenate(held)
    value = np.concatenate(summed)
    order = np.argsort(value[:, 0], kind="stable")
    first = value[order, 0]
    low = np.searchsorted(first, -value[:, 0] - tolerance, side="left")
    high = np.searchsorted(first, -value[:, 0] + tolerance, side="right")
    for half in np.flatnonzero(high > low).tolist():
        for other in order[low[half] : high[half]].tolist():
            if other == half or total[half] + total[other] > threshold - 1:
                continue
            if np.abs(value[half] + value[other]).max() >= tolerance:
                continue
            one, two = every[half][every[half] >= 0], every[other][every[other] >= 0]
            union = set(one.tolist()) | set(two.tolist())
            if len(union) < len(one) + len(two):
                continue  # the halves overlap: not a union of the two
            if confirmed(small[position] for position in union):
                return True
    return False


def leaks(
    figures: Sequence[Sequence[int]],
    answers: Sequence[int],
    owner: Sequence[int],
    threshold: int,
    *,
    leaders: bool,
    active: Sequence[int] | None = None,
) -> bool:
    """Whether some combination of `figures` (atom sets) isolates 1 to threshold − 1 answers,
    or with `leaders` the answers of a single leader's team; atoms without answers are taken
    as known to be empty, as an attacker who knows the organisation might."""
    import numpy as np

    if active is None:
        active = [atom for atom, n in enumerate(answers) if n > 0]
    if not figures or not active:
        return False
    column = {atom: number for number, atom in enumerate(active)}
    matrix = np.zeros((len(figures), len(active)), dtype=np.float64)
    for row, figure in enumerate(figures):
        for atom in figure:
            if atom in column:
                matrix[row, column[atom]] = 1.0
    # Atoms in exactly the same figures cannot be told apart: one class each.
    patterns, classes = np.unique(matrix.T, axis=0, return_inverse=True)
    classes = np.asarray(classes).reshape(-1)
    size = len(patterns)
    class_answers = [0] * size
    class_owners: list[set[int]] = [set() for _ in range(size)]
    for number, atom in enumerate(active):
        class_answers[classes[number]] += answers[atom]
        class_owners[classes[number]].add(owner[atom])
    published = patterns.T  # a row per figure, a column per class
    kernel = _null_space(published)  # a row per class: a set is derivable iff its rows sum to 0
    derivable = np.linalg.norm(kernel, axis=1) < _TOLERANCE if kernel.size else np.ones(size, bool)
    for number in range(size):
        if derivable[number] and (
            0 < class_answers[number] < threshold or (leaders and len(class_owners[number]) == 1)
        ):
            return True
    if not kernel.size:
        return False
    rest = [number for number in range(size) if not derivable[number]]
    # Two or more classes whose answers add up to fewer than the threshold.
    small = sorted(
        (number for number in rest if class_answers[number] <= threshold - 2),
        key=class_answers.__getitem__,
    )
    budget = [AUDIT_BUDGET]

    def small_set(start: int, total: float, vector: Any, count: int) -> bool:
        for at in range(start, len(small)):
            number = small[at]
            added = total + class_answers[number]
            if added >= threshold:
                break  # sorted: every later class is at least as large
            budget[0] -= 1
            if budget[0] < 0:
                return True  # too many to try: taken as unsafe
            summed = kernel[number] if vector is None else vector + kernel[number]
            if count >= 1 and np.linalg.norm(summed) < _TOLERANCE:
                return True
            if small_set(at + 1, added, summed, count + 1):
                return True
        return False

    if small_set(0, 0, None, 0):
        return True
    if leaders:
        # Two or more classes of one leader's team alone.
        by_owner: dict[int, list[int]] = {}
        for number in rest:
            if len(class_owners[number]) == 1:
                by_owner.setdefault(next(iter(class_owners[number])), []).append(number)
        for own in by_owner.values():
            if len(own) < 2:
                continue
            if len(own) > 16:
                return True  # more combinations than are worth trying: taken as unsafe
            for count in range(2, len(own) + 1):
                for chosen in itertools.combinations(own, count):
                    if np.linalg.norm(kernel[list(chosen)].sum(axis=0)) < _TOLERANCE:
                        return True
    return False


def _null_space(matrix: Any) -> Any:
    """An orthonormal basis of `matrix`'s null space, one row per column of `matrix` (the
    columns of the result are the basis vectors)."""
    import numpy as np

    rows, columns = matrix.shape
    if rows == 0:
        return np.eye(columns)
    _u, values, vt = np.linalg.svd(matrix, full_matrices=True)
    rank = int((values > values.max(initial=0) * max(rows, columns) * 1e-12).sum())
    return vt[rank:].T
