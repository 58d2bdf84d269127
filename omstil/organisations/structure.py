"""Derive the reporting lines of a whole organisation from its people and its unit tree.

A person's nearest leader (nærmeste leder) is the person named in `refererer_til` if any;
otherwise the leader of their own unit; for the leader of a unit, and for anyone in a unit
without a leader, the leader of the nearest unit above that has one (CONTRACT.md). Such inherited
lines are warned about, so HR can correct them with `refererer_til`. Pure functions, no database.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omstil.organisations.hrfile import PersonRow, Problem
from omstil.organisations.models import PATH_SEPARATOR


@dataclass
class Structure:
    """Units, leaders, nearest leaders, and what is wrong or worth a warning."""

    units: list[str] = field(default_factory=list)  # every path, ancestors included, top first
    unit_leader: dict[str, str] = field(default_factory=dict)  # path → employee id
    nearest_leader: dict[str, str | None] = field(default_factory=dict)  # employee id → id
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def ancestors(path: str) -> list[str]:
    """`"A / B / C"` → `["A", "A / B", "A / B / C"]`."""
    parts = path.split(PATH_SEPARATOR)
    return [PATH_SEPARATOR.join(parts[: index + 1]) for index in range(len(parts))]


def parent_path(path: str) -> str | None:
    parts = path.split(PATH_SEPARATOR)
    return PATH_SEPARATOR.join(parts[:-1]) if len(parts) > 1 else None


def derive(
    people: Sequence[PersonRow],
    *,
    min_group_size: int,
    known_inactive: Iterable[str] = (),
    column: dict[str, str] | None = None,
    also_in_file: Iterable[str] = (),
) -> Structure:
    """Units, leaders and reporting lines for the people of one file, with errors and warnings.

    `known_inactive` are employee ids the organisation has had but who are not in this file: a
    `refererer_til` naming one of them names somebody who is no longer active. `also_in_file`
    are ids on rows rejected for other reasons: naming them is not a further error.
    """
    column = column or {}
    reports_column = column.get("reports_to", "refererer_til")
    leader_column = column.get("is_leader", "leder")
    result = Structure()
    by_id = {person.employee_id: person for person in people}
    inactive = set(known_inactive)
    present = set(also_in_file) | set(by_id)

    paths: set[str] = set()
    for person in people:
        paths.update(ancestors(person.unit_path))
    result.units = sorted(paths, key=lambda path: (path.count(PATH_SEPARATOR), path))

    for person in people:
        if not person.is_leader:
            continue
        other = result.unit_leader.get(person.unit_path)
        if other is not None:
            result.errors.append(
                Problem(
                    person.row,
                    leader_column,
                    _("Enheden “%(unit)s” har allerede en leder: %(other)s (række %(row)s).")
                    % {
                        "unit": person.unit_path,
                        "other": by_id[other].name,
                        "row": by_id[other].row,
                    },
                )
            )
        else:
            result.unit_leader[person.unit_path] = person.employee_id

    for person in people:
        if person.reports_to and person.reports_to not in present:
            if person.reports_to in inactive:
                message = _(
                    "“%(value)s” er ikke længere aktiv i organisationen og kan ikke være "
                    "nærmeste leder."
                )
            else:
                message = _("Der er ingen person med medarbejdernummeret “%(value)s” i filen.")
            result.errors.append(
                Problem(person.row, reports_column, message % {"value": person.reports_to})
            )
    if result.errors or present != set(by_id):
        return result

    for person in people:
        result.nearest_leader[person.employee_id] = _nearest_leader(person, result.unit_leader)
    _find_cycles(people, by_id, result, reports_column)
    if not result.errors:
        _warn(people, result, min_group_size)
    return result


def _nearest_leader(person: PersonRow, unit_leader: dict[str, str]) -> str | None:
    if person.reports_to:
        return person.reports_to
    return leader_above(
        person.unit_path if not person.is_leader else parent_path(person.unit_path), unit_leader
    )


def leader_above(path: str | None, unit_leader: dict[str, str]) -> str | None:
    """The leader of `path` or, if it has none, of the nearest unit above that has one."""
    while path is not None:
        if path in unit_leader:
            return unit_leader[path]
        path = parent_path(path)
    return None


def inherited_leader_text(unit: str, count: int, leader_name: str, leader_unit: str) -> str:
    """The warning for a unit without a leader whose people answer about a leader above."""
    return ngettext(
        "Enheden “%(unit)s” har ingen leder, så dens %(count)s medarbejder får lederen af "
        "“%(above)s”, %(leader)s, som nærmeste leder og svarer om vedkommende. Er det forkert, "
        "så angiv den rigtige leder i kolonnen refererer_til.",
        "Enheden “%(unit)s” har ingen leder, så dens %(count)s medarbejdere får lederen af "
        "“%(above)s”, %(leader)s, som nærmeste leder og svarer om vedkommende. Er det forkert, "
        "så angiv den rigtige leder i kolonnen refererer_til.",
        count,
    ) % {"unit": unit, "count": count, "above": leader_unit, "leader": leader_name}


def _find_cycles(
    people: Sequence[PersonRow],
    by_id: dict[str, PersonRow],
    result: Structure,
    reports_column: str,
) -> None:
    """Reject reporting lines that lead back to where they started."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = known to end at the top
    for person in people:
        trail: list[str] = []
        current: str | None = person.employee_id
        while current is not None and state.get(current) is None:
            state[current] = 1
            trail.append(current)
            current = result.nearest_leader.get(current)
        if current is not None and state.get(current) == 1:
            cycle = trail[trail.index(current) :]
            rows = ", ".join(str(by_id[member].row) for member in cycle)
            names = " → ".join(by_id[member].name for member in [*cycle, cycle[0]])
            first = by_id[cycle[0]]
            result.errors.append(
                Problem(
                    first.row,
                    reports_column,
                    _("Ledelseslinjerne går i ring: %(names)s (række %(rows)s).")
                    % {"names": names, "rows": rows},
                )
            )
        for member in trail:
            state[member] = 2


def _warn(people: Sequence[PersonRow], result: Structure, min_group_size: int) -> None:
    employees = Counter(leader for leader in result.nearest_leader.values() if leader is not None)
    leaders = {person.employee_id: person for person in people if person.is_leader}
    staffed = Counter(
        person.unit_path for person in people if not person.is_leader and not person.reports_to
    )
    unit_of = {leader_id: path for path, leader_id in result.unit_leader.items()}
    for path in result.units:
        if path in result.unit_leader or not any(person.unit_path == path for person in people):
            continue
        above = leader_above(parent_path(path), result.unit_leader)
        if above is not None and staffed[path]:
            message = inherited_leader_text(
                path, staffed[path], leaders[above].name, unit_of[above]
            )
        else:
            message = _("Enheden “%(unit)s” har ingen leder.") % {"unit": path}
        result.warnings.append(Problem(None, None, message))
    for leader_id, leader in leaders.items():
        count = employees.get(leader_id, 0)
        if count < min_group_size:
            result.warnings.append(
                Problem(
                    leader.row,
                    None,
                    ngettext(
                        "%(name)s har %(count)s medarbejder, færre end mindste gruppestørrelse "
                        "(%(minimum)s): medarbejdernes svar om lederen vil aldrig blive vist.",
                        "%(name)s har %(count)s medarbejdere, færre end mindste gruppestørrelse "
                        "(%(minimum)s): medarbejdernes svar om lederen vil aldrig blive vist.",
                        count,
                    )
                    % {"name": leader.name, "count": count, "minimum": min_group_size},
                )
            )
    for person in people:
        target = leaders.get(person.reports_to) if person.reports_to else None
        if person.reports_to and target is None:
            result.warnings.append(
                Problem(
                    person.row,
                    None,
                    _(
                        "%(name)s refererer til %(other)s, som ikke er leder af en enhed: "
                        "%(other)s bliver ikke evalueret, så %(name)s svarer ikke om sin "
                        "nærmeste leder."
                    )
                    % {"name": person.name, "other": person.reports_to},
                )
            )
    for person in people:
        if result.nearest_leader.get(person.employee_id) is None and not (
            person.is_leader and parent_path(person.unit_path) is None
        ):
            result.warnings.append(
                Problem(
                    person.row,
                    None,
                    _("%(name)s har ingen nærmeste leder.") % {"name": person.name},
                )
            )
