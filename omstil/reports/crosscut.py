"""Figures that cut across the unit tree: HR's breakdowns by leadership level and job family,
and the pools of leaders that competence programmes compare.

A unit's figures nest, and `omstil/reports/figures.py` decides them as a tree. These do not:
the leaders at one level, or the employees of one job family, are spread over many units, and a
programme's participants are any set of leaders. Each is a sum over *atoms*, the finest cells
(one leader's team × one job family), and for one viewer's view of a round they are decided
together, in one audit per statement (`disclosure.audit`), beside the tree's figures that view
shows: no combination of everything the viewer sees isolates a small group, or, for a viewer
who may not see single leaders, one leader's team. Figures are taken in a fixed order of worth –
levels, job families, their cross with the units right below the top, then every programme's
pools in the order the programmes were made – so a programme made later hides its own figures
rather than changing what was shown before.

The employee group only: it is the one the breakdowns and programmes are about, and the only one
whose responses carry a job family.
"""

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Q

from omstil.lib import disclosure
from omstil.lib.disclosure import Figure
from omstil.lib.job_families import OTHER
from omstil.organisations.models import PATH_SEPARATOR
from omstil.reports.figures import (
    EMPTY,
    POLICY_HIDDEN,
    Knowing,
    RoundFigures,
    View,
    Viewing,
)
from omstil.responses.counts import ANSWERS
from omstil.responses.models import Answer
from omstil.rounds.models import EvaluatedLeader, Round

GROUP = "employee"


@dataclass(frozen=True)
class Pool:
    """A figure across the tree: the employees of `leaders` (employee ids; None for every
    leader of the round) of `family` (None for every job family)."""

    key: Hashable
    leaders: frozenset[str] | None = None
    family: str | None = None


# Who adds pools of their own for a round, by statement (competence programmes): registered by
# the apps above this one, so the reports need not know them.
PoolSource = Callable[[Round], Mapping[str, Sequence[Pool]]]
_SOURCES: list[PoolSource] = []


def add_pool_source(source: PoolSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


@dataclass(frozen=True)
class Atoms:
    """The employee group's answers by leader's team × job family."""

    keys: list[tuple[str, str]]  # (leader's employee id, job family)
    owner: list[int]  # each atom's leader, numbered
    counts: "np.ndarray[Any, Any]"  # by atom, statement (`items`) and ANSWERS
    items: dict[str, int]
    leader_atoms: dict[str, list[int]]  # by employee id
    level: dict[str, int]  # each leader's level: how deep in the unit tree their unit lies
    unit: dict[str, str]  # each leader's unit path


def atoms(figures: RoundFigures) -> Atoms:
    """The round's atoms, counted once per round's figures."""
    made: Atoms | None = figures.extras.get("atoms")
    if made is None:
        made = figures.extras["atoms"] = _atoms(figures.round)
    return made


def _atoms(round_: Round) -> Atoms:
    leaders = list(
        EvaluatedLeader.objects.filter(round=round_).values_list("pk", "employee_id", "unit_path")
    )
    employee_of = {pk: employee_id for pk, employee_id, _unit in leaders}
    rows = list(
        Answer.objects.filter(
            response__round=round_, response__submitted=True, response__rater_group=GROUP
        )
        .values_list("response__leader_id", "response__job_family", "item_key")
        .annotate(
            **{
                f"answer_{index}": Count("value", filter=Q(value=v))
                for index, v in enumerate(ANSWERS)
            }
        )
        .order_by()
    )
    keys: dict[tuple[str, str], int] = {}
    items: dict[str, int] = {}
    for leader_pk, family, item, *_counts in rows:
        if leader_pk in employee_of:
            keys.setdefault((employee_of[leader_pk], family or OTHER), len(keys))
            items.setdefault(item, len(items))
    counts = np.zeros((len(keys), len(items), len(ANSWERS)), dtype=np.int64)
    for leader_pk, family, item, *answered in rows:
        if leader_pk in employee_of:
            counts[keys[employee_of[leader_pk], family or OTHER], items[item]] = answered
    number = {employee_id: index for index, (_pk, employee_id, _unit) in enumerate(leaders)}
    leader_atoms: dict[str, list[int]] = {employee_id: [] for employee_id in number}
    for (employee_id, _family), atom in keys.items():
        leader_atoms[employee_id].append(atom)
    return Atoms(
        keys=list(keys),
        owner=[number[employee_id] for employee_id, _family in keys],
        counts=counts,
        items=items,
        leader_atoms=leader_atoms,
        level={employee_id: unit.count(PATH_SEPARATOR) + 1 for _pk, employee_id, unit in leaders},
        unit={employee_id: unit for _pk, employee_id, unit in leaders},
    )


def breakdowns(figures: RoundFigures, top: str) -> list[tuple[str, list[Pool]]]:
    """HR's views of the top unit `top` across its tree, each a list of pools: by leadership
    level, by job family, and each of those within every unit right below the top."""
    found = atoms(figures)
    inside = sorted(
        employee_id
        for employee_id, unit in found.unit.items()
        if unit == top or unit.startswith(top + PATH_SEPARATOR)
    )
    levels = sorted({found.level[employee_id] for employee_id in inside})
    families = sorted(
        {family for employee_id, family in found.keys if employee_id in inside},
        key=lambda family: (family == OTHER, family),
    )
    below: dict[str, list[str]] = {}
    for employee_id in inside:
        unit = found.unit[employee_id]
        if unit != top:
            child = unit[len(top) + 1 :].split(PATH_SEPARATOR)[0]
            below.setdefault(top + PATH_SEPARATOR + child, []).append(employee_id)

    def at_level(level: int, leaders: list[str]) -> frozenset[str]:
        return frozenset(e for e in leaders if found.level[e] == level)

    everyone = frozenset(inside)
    views = [
        ("level", [Pool(("level", level), at_level(level, inside)) for level in levels]),
        ("family", [Pool(("family", family), everyone, family) for family in families]),
    ]
    for unit, leaders in sorted(below.items()):
        views.append(
            (
                f"level:{unit}",
                [
                    Pool(("level", level, unit), at_level(level, leaders))
                    for level in levels
                    if at_level(level, leaders)
                ],
            )
        )
    for unit, leaders in sorted(below.items()):
        theirs = {family for employee_id, family in found.keys if employee_id in leaders}
        views.append(
            (
                f"family:{unit}",
                [
                    Pool(("family", family, unit), frozenset(leaders), family)
                    for family in families
                    if family in theirs
                ],
            )
        )
    return views


def cross_figures(figures: RoundFigures, view: Viewing) -> dict[tuple[Hashable, str], Figure]:
    """Every figure across the tree a viewer with `view` may be given in the round, by (pool's
    key, statement): every top unit's breakdowns and every source's pools, decided together."""
    round_ = figures.round
    tops = sorted({unit.split(PATH_SEPARATOR)[0] for unit in atoms(figures).unit.values()})
    static = [pool for top in tops for _name, pools in breakdowns(figures, top) for pool in pools]
    added: dict[str, list[Pool]] = {}
    for source in _SOURCES:
        for item, pools in source(round_).items():
            added.setdefault(item, []).extend(pools)
    signature = (view, tuple(static), tuple((item, tuple(p)) for item, p in sorted(added.items())))
    cache: dict[Any, dict[tuple[Hashable, str], Figure]] = figures.extras.setdefault("cross", {})
    made = cache.get(signature)
    if made is None:
        made = cache[signature] = _decide(figures, view, static, added)
    return made


def _decide(
    figures: RoundFigures, view: Viewing, static: list[Pool], added: Mapping[str, Sequence[Pool]]
) -> dict[tuple[Hashable, str], Figure]:
    found = atoms(figures)
    threshold = figures.round.min_group_size
    decided: dict[tuple[Hashable, str], Figure] = {}
    cell_atoms = _cell_atoms(figures, found)
    for item, column in found.items.items():
        pools = [*static, *added.get(item, ())]
        if isinstance(view, Knowing):
            # Some leaders shown, others pooled: what the breakdowns add beside the leaders
            # the viewer sees is not decided for such a viewer; nothing is shown.
            for pool in pools:
                decided[pool.key, item] = POLICY_HIDDEN
            continue
        counts = found.counts[:, column, :]
        valid = counts[:, :5].sum(axis=1).tolist()
        layer = figures.layers.get((GROUP, item))
        fixed = [] if layer is None else _fixed(figures, view, layer, cell_atoms)
        members = [_members(found, pool) for pool in pools]
        shown = disclosure.audit(
            fixed, members, valid, found.owner, threshold, leaders=view is View.POOLED
        )
        for pool, inside, is_shown in zip(pools, members, shown, strict=True):
            total = counts[inside].sum(axis=0).tolist() if inside else [0] * len(ANSWERS)
            one, two, three, four, five, dont_know, prefer_not = total
            n = one + two + three + four + five
            teams = len({found.owner[atom] for atom in inside if valid[atom]})
            decided[pool.key, item] = disclosure.figure(
                (one, two, three, four, five),
                dont_know,
                prefer_not,
                published=is_shown,
                # Opt-outs are not audited across the tree: kept out of these figures.
                opt_outs_shown=False,
                small=n < threshold or (view is View.POOLED and teams < disclosure.MIN_LEADERS),
            )
    return decided


def figure(figures: RoundFigures, view: Viewing, key: Hashable, item: str) -> Figure:
    """One figure across the tree, as `cross_figures` decided it."""
    return cross_figures(figures, view).get((key, item), EMPTY)


def _members(found: Atoms, pool: Pool) -> list[int]:
    leaders = found.leader_atoms if pool.leaders is None else pool.leaders
    return sorted(
        atom
        for employee_id in leaders
        for atom in found.leader_atoms.get(employee_id, ())
        if pool.family is None or found.keys[atom][1] == pool.family
    )


def _cell_atoms(figures: RoundFigures, found: Atoms) -> list[list[int]]:
    """The atoms of every cell of the round's figures: a leader's own, a unit's all below it."""
    cached: list[list[int]] | None = figures.extras.get("cell_atoms")
    if cached is not None:
        return cached
    inside: list[list[int]] = [[] for _ in figures.cells]
    up = [-1 if parent is None else figures.cells[parent] for parent in figures.parents.values()]
    for cell, node in figures.cells.items():
        if node >= figures.units:
            employee_id = cell[1]  # type: ignore[index]
            own = found.leader_atoms.get(employee_id, [])
            at = node
            while at >= 0:
                inside[at].extend(own)
                at = up[at]
    figures.extras["cell_atoms"] = inside
    return inside


def _fixed(
    figures: RoundFigures, view: Viewing, layer: int, cell_atoms: list[list[int]]
) -> list[list[int]]:
    """The tree's figures of one statement a viewer with `view` is shown, as atom sets."""
    if view is View.POOLED:
        shown = figures.pooled.published[layer]
        return [cell_atoms[node] for node in range(figures.units) if shown[node]]
    shown = figures.published[layer]
    return [atoms for node, atoms in enumerate(cell_atoms) if shown[node] and atoms]
