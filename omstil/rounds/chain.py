"""Who is whose leader, as frozen with the round: the reporting lines every access check reads.

When a round opens, each evaluated leader (or, in a mapping, each team's nearest leader) is
copied with their superior (`EvaluatedLeader`). Reports, plans, dialogue and mapping all decide
who is who from these copies, never from a later HR file, so a report's readers do not change
when the organisation does. A user is the people their account is tied to
(`omstil/organisations/accounts.py`) while those people are active: by organisation and
employee id, never by an e-mail address.
"""

from collections.abc import Sequence
from typing import NamedTuple, Protocol

from omstil.accounts.models import User
from omstil.organisations.models import PATH_SEPARATOR, Person
from omstil.rounds.models import EvaluatedLeader, Round


class Linked(Protocol):
    """An evaluated leader as far as the reporting lines go."""

    @property
    def employee_id(self) -> str: ...

    @property
    def superior_employee_id(self) -> str: ...


class Link(NamedTuple):
    """An evaluated leader's place in the reporting lines, read without the rest of the row."""

    employee_id: str
    superior_employee_id: str
    person_id: int | None
    erased: bool  # deleted (docs/privacy.md): no report, but the line still runs through them


def links_of(round_: Round) -> list[Link]:
    """Every evaluated leader of the round with their superior: what a chain check needs, read
    as plain rows (a region's 2,000 leaders as model objects would cost a report page more than
    the rest of it)."""
    return [
        Link(employee_id, superior, person_id, erased_at is not None)
        for employee_id, superior, person_id, erased_at in EvaluatedLeader.objects.filter(
            round=round_
        ).values_list("employee_id", "superior_employee_id", "person_id", "erased_at")
    ]


def people_of(user: User) -> dict[int, tuple[int, str]]:
    """The active people `user` is: person id to (organisation id, employee id).

    Read once per user object, so once per request: a request's checks all see the same.
    """
    cached: dict[int, tuple[int, str]] | None = getattr(user, "_omstil_people", None)
    if cached is None:
        cached = {
            pk: (organisation_id, employee_id)
            for pk, organisation_id, employee_id in Person.objects.filter(
                user=user, active=True
            ).values_list("pk", "organisation_id", "employee_id")
        }
        user._omstil_people = cached  # type: ignore[attr-defined]
    return cached


def own_leader_ids(user: User, leaders: list[EvaluatedLeader]) -> set[str]:
    """The evaluated leaders who are `user`."""
    mine = people_of(user)
    return {leader.employee_id for leader in leaders if leader.person_id in mine}


def leaders_below(user: User, round_: Round, leaders: Sequence[Linked]) -> set[str]:
    """The evaluated leaders of `round_` with `user` in their superior chain, as frozen with
    the round."""
    me = {
        employee_id
        for organisation_id, employee_id in people_of(user).values()
        if organisation_id == round_.organisation_id
    }
    by_id = {leader.employee_id: leader for leader in leaders}
    found: set[str] = set()
    for leader in leaders:
        current, seen = leader.superior_employee_id, set()
        while current and current not in seen:
            if current in me:
                found.add(leader.employee_id)
                break
            seen.add(current)
            above = by_id.get(current)
            current = above.superior_employee_id if above else ""
    return found


def leaders_in(round_: Round, path: str) -> list[EvaluatedLeader]:
    """The evaluated leaders (in a mapping: the teams) of a unit and every unit below it."""
    return [
        leader
        for leader in EvaluatedLeader.objects.filter(round=round_)
        if leader.unit_path == path or leader.unit_path.startswith(path + PATH_SEPARATOR)
    ]
