"""The figures of a closed mapping round, by unit and job family, after disclosure control.

A cell is (unit, job family): the answers of every team whose leader's unit is the unit or lies
below it, from respondents of that job family. For one job family the units form a tree, so its
cells nest (a laminar family); different job families hold different respondents, so their cells
are disjoint. Each family's tree is passed through `omstil.lib.disclosure.suppress` once per
statement, keeping the totals (`hide="nested"`). Nothing pools across job families here: a
unit's "all families" figure is made only from shown family cells (`services.py`).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from omstil.lib.disclosure import NOBODY_ANSWERED, Counts, Figure, Table, suppress
from omstil.lib.job_families import OTHER
from omstil.organisations.models import PATH_SEPARATOR
from omstil.responses.models import Answer
from omstil.rounds.caching import per_closed_round
from omstil.rounds.models import Round, RoundInstrument

VALUES = ("1", "2", "3", "4", "5", "dont_know", "prefer_not")
EMPTY = NOBODY_ANSWERED


@dataclass(frozen=True)
class Area:
    """A competence area (kompetenceområde): one theme of the instrument and its statements."""

    key: str
    title: dict[str, str]
    content: dict[str, Any]
    items: tuple[str, ...]


@dataclass
class MappingFigures:
    """Figures by (unit path, job family, statement key); OTHER ("") is "Øvrige"."""

    round: Round
    instrument: str
    areas: list[Area]
    units: dict[str, str | None]
    families: dict[str, set[str]]
    figures: dict[tuple[str, str, str], Figure] = field(default_factory=dict)

    def figure(self, path: str, family: str, item: str) -> Figure:
        return self.figures.get((path, family, item), EMPTY)

    def shown(self, path: str, family: str, item: str) -> bool:
        """Whether the cell's mean may be shown (enough valid answers, not suppressed)."""
        figure = self.figure(path, family, item)
        return not figure.suppressed and figure.mean is not None

    def area_score(self, path: str, family: str, area: Area) -> float | None:
        """The mean of the area's statement means, only when every one of them is shown."""
        means = [self.figure(path, family, item).mean for item in area.items]
        if not means or not all(self.shown(path, family, item) for item in area.items):
            return None
        return sum(mean for mean in means if mean is not None) / len(means)

    def area_hidden(self, path: str, family: str, area: Area) -> bool:
        """Whether some statement of the area is hidden in the cell (so it has no score)."""
        return any(self.figure(path, family, item).suppressed for item in area.items)

    def families_in(self, path: str) -> list[str]:
        """The job families with answers in the unit, by name, with OTHER last."""
        return sorted(self.families.get(path, set()), key=lambda family: (family == OTHER, family))


def areas_of(round_: Round) -> tuple[str, list[Area]]:
    """The mapping's instrument key and its competence areas (the round's chosen themes)."""
    round_instrument = (
        RoundInstrument.objects.filter(round=round_)
        .select_related("version__instrument")
        .order_by("position")
        .first()
    )
    if round_instrument is None:
        return "", []
    version = round_instrument.version
    key = version.instrument.key
    areas = []
    for theme in version.themes.order_by("position").prefetch_related("items"):
        if round_instrument.themes and theme.key not in round_instrument.themes:
            continue
        items = sorted(theme.items.all(), key=lambda item: item.position)
        areas.append(
            Area(
                key=theme.key,
                title=theme.title,
                content=theme.content,
                items=tuple(f"{key}.{item.key}" for item in items),
            )
        )
    return key, areas


@per_closed_round
def compute(round_: Round) -> MappingFigures:
    """All figures of a mapping round; a closed round's once per process."""
    return _compute(round_)


def _counts(round_: Round) -> dict[tuple[str, str], dict[str, list[int]]]:
    """(job family, statement) → the leader's unit path → answers counted by value."""
    rows = (
        Answer.objects.filter(response__round=round_, response__submitted=True)
        .values_list("response__leader__unit_path", "response__job_family", "item_key", "value")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(dict)
    for unit_path, family, item, value, count in rows:
        if value not in VALUES:
            raise ValueError(f"not an answer: {value!r} to {item}")
        cell = counts[(family, item)].setdefault(unit_path, [0] * len(VALUES))
        cell[VALUES.index(value)] += count
    return counts


def ancestors(path: str) -> list[str]:
    """The unit itself and every unit above it, nearest first."""
    parts = path.split(PATH_SEPARATOR)
    return [PATH_SEPARATOR.join(parts[:depth]) for depth in range(len(parts), 0, -1)]


def parent_of(path: str) -> str | None:
    """The unit right above, or None for the top."""
    parts = path.split(PATH_SEPARATOR)
    return PATH_SEPARATOR.join(parts[:-1]) if len(parts) > 1 else None


def _tree(paths: Iterable[str]) -> dict[str, str | None]:
    units: dict[str, str | None] = {}
    for path in paths:
        for unit in ancestors(path):
            units[unit] = parent_of(unit)
    return units


def _compute(round_: Round) -> MappingFigures:
    instrument, areas = areas_of(round_)
    counts = _counts(round_)
    # Each job family's tree: the units with answers from that family, and every unit above.
    team_units: dict[str, set[str]] = defaultdict(set)
    for (family, _item), by_unit in counts.items():
        team_units[family].update(by_unit)
    trees = {family: _tree(paths) for family, paths in team_units.items()}
    units = _tree(path for paths in team_units.values() for path in paths)
    families: dict[str, set[str]] = defaultdict(set)
    for family, tree in trees.items():
        for unit in tree:
            families[unit].add(family)
    result = MappingFigures(round_, instrument, areas, units, dict(families))
    for (family, item), by_unit in counts.items():
        tree = trees[family]
        totals = {unit: [0] * len(VALUES) for unit in tree}
        for unit_path, values in by_unit.items():
            for unit in ancestors(unit_path):
                total = totals[unit]
                for index, count in enumerate(values):
                    total[index] += count
        table = Table()
        for unit, up in tree.items():
            t = totals[unit]
            table.add(unit, Counts((t[0], t[1], t[2], t[3], t[4]), t[5], t[6]), up)
        shown = suppress(table, round_.min_group_size, hide="nested")
        for unit in tree:
            result.figures[(unit, family, item)] = shown[unit]
    return result
