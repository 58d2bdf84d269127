"""Who may see which report: the round's visibility policy, fixed before it opened.

The one access layer for report pages and files: the leader sees their own report; the leaders
above them (the superior chain, as frozen when the round opened) see it if the policy says so; the
organisation's administrators see every report if the policy says so. Who is who is decided by the
e-mail addresses frozen with the round, not by later HR files.

A unit report pools the figures of the leaders in it. Those who may see the report of every leader
in a unit see it in full, with a column per sub-unit and per leader of the unit itself. The
organisation's administrators see unit reports also when the policy keeps leader reports from them,
but pooled only: only units that pool at least two leaders whose employees answered, and never two
units whose difference is a single leader (`pooled_units`), so no named leader's results can be
read or worked out from them.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from omstil.accounts.models import User
from omstil.lib.disclosure import Counts, Table, suppress
from omstil.organisations.access import administers, reads_unit_reports
from omstil.organisations.models import PATH_SEPARATOR
from omstil.reports.models import ReportArchive
from omstil.responses.models import Response
from omstil.rounds.caching import per_closed_round
from omstil.rounds.chain import leaders_below, leaders_in, own_leader_ids
from omstil.rounds.models import EvaluatedLeader, Round

# A pooled unit figure must pool at least this many leaders, and no two pooled figures may
# differ by fewer: otherwise it would be one leader's result.
MIN_LEADERS = 2


def visible_leaders(user: AbstractBaseUser | AnonymousUser, round_: Round) -> set[str]:
    """Employee ids of the evaluated leaders whose reports `user` may see in `round_`."""
    if not isinstance(user, User) or not user.is_active or round_.status != Round.Status.CLOSED:
        return set()
    if round_.is_mapping:
        # A mapping evaluates nobody: its teams have no reports (omstil/mapping/access.py).
        return set()
    leaders = list(EvaluatedLeader.objects.filter(round=round_))
    policy = round_.visibility
    if policy.get("org_admins") and administers(user, round_.organisation_id):
        return {leader.employee_id for leader in leaders}
    visible: set[str] = set()
    if policy.get("leader", True):
        visible |= own_leader_ids(user, leaders)
    if policy.get("superior"):
        visible |= leaders_below(user, round_, leaders)
    return visible


def can_see_leader_report(user: AbstractBaseUser | AnonymousUser, leader: EvaluatedLeader) -> bool:
    """Whether `user` may see the report about `leader`."""
    return leader.employee_id in visible_leaders(user, leader.round)


def get_leader_for_report(
    user: AbstractBaseUser | AnonymousUser, round_id: int, employee_id: str
) -> EvaluatedLeader:
    """The evaluated leader whose report `user` may see, else 404: a report that does not
    exist and one the user may not see look the same."""
    leader = (
        EvaluatedLeader.objects.select_related("round__organisation")
        .filter(round_id=round_id, employee_id=employee_id)
        .first()
    )
    if leader is None or leader.round.is_mapping or not can_see_leader_report(user, leader):
        raise Http404(employee_id)
    return leader


def get_round_for_unit_report(round_id: int) -> Round:
    """A closed evaluation round whose unit reports may be asked for, else 404; what the
    viewer may see of a unit is `unit_access`'s answer, given by the report itself."""
    round_ = Round.objects.select_related("organisation").filter(pk=round_id).first()
    if round_ is None or round_.status != Round.Status.CLOSED or round_.is_mapping:
        raise Http404(round_id)
    return round_


@dataclass(frozen=True)
class UnitAccess:
    """How much of a unit report one user may see.

    `named`: every leader's report in the unit is visible to the user, so every column may be
    shown. Otherwise only the units in `units` may be shown, pooled.
    """

    named: bool
    units: frozenset[str] = frozenset()

    def may_show(self, path: str) -> bool:
        return self.named or path in self.units


def unit_access(
    user: AbstractBaseUser | AnonymousUser, round_: Round, path: str
) -> UnitAccess | None:
    """What `user` may see of the report for the unit at `path`, or None for nothing."""
    if round_.is_mapping:
        return None
    inside = {leader.employee_id for leader in leaders_in(round_, path)}
    if not inside:
        return None
    if inside <= visible_leaders(user, round_):
        return UnitAccess(named=True)
    if (
        isinstance(user, User)
        and user.is_active
        and round_.status == Round.Status.CLOSED
        and reads_unit_reports(user, round_.organisation_id)
    ):
        shown = pooled_units(round_)
        if path in shown:
            return UnitAccess(named=False, units=shown)
    return None


@per_closed_round
def pooled_units(round_: Round) -> frozenset[str]:
    """The units whose pooled figures may be shown to someone who may not see leader reports.

    Disclosure control one level up: each leader whose employees answered counts as one, and a
    unit is shown only when it pools at least two such leaders and no shown unit minus the shown
    units inside it leaves a single leader (totals are kept, the smaller units go).
    """
    answered = set(
        Response.objects.filter(round=round_, rater_group="employee", submitted=True)
        .values_list("leader_id", flat=True)
        .distinct()
    )
    return pooled_unit_paths(
        (leader.unit_path, leader.pk in answered)
        for leader in EvaluatedLeader.objects.filter(round=round_)
    )


def pooled_unit_paths(leaders: Iterable[tuple[str, bool]]) -> frozenset[str]:
    """The unit paths that may be shown pooled, given each leader's unit and whether their
    employees answered: disclosure control with each such leader counting as one."""
    one = Counts((1, 0, 0, 0, 0))
    totals: dict[str, Counts] = {}
    table = Table()
    for number, (unit_path, answered) in enumerate(leaders):
        parts = unit_path.split(PATH_SEPARATOR)
        for depth in range(1, len(parts) + 1):
            path = PATH_SEPARATOR.join(parts[:depth])
            totals[path] = totals.get(path, Counts()) + (one if answered else Counts())
        if answered:
            table.add(("leader", number), one, ("unit", unit_path))
    for path, counts in totals.items():
        parent = PATH_SEPARATOR.join(path.split(PATH_SEPARATOR)[:-1])
        table.add(("unit", path), counts, ("unit", parent) if parent else None)
    figures = suppress(table, MIN_LEADERS, hide="nested")
    return frozenset(
        path
        for path in totals
        if not figures[("unit", path)].suppressed and (figures[("unit", path)].n or 0) > 0
    )


def get_round_for_all_leader_reports(
    user: AbstractBaseUser | AnonymousUser, round_id: int
) -> Round:
    """The round if `user` may have every leader's report of it at once, else 404."""
    round_ = Round.objects.select_related("organisation").filter(pk=round_id).first()
    if round_ is None or not can_get_all_leader_reports(user, round_):
        raise Http404(round_id)
    return round_


def get_archive_for_user(user: AbstractBaseUser | AnonymousUser, archive_id: int) -> ReportArchive:
    """The zip of every leader's report if `user` may still have them all, else 404."""
    archive = (
        ReportArchive.objects.select_related("round__organisation").filter(pk=archive_id).first()
    )
    if archive is None or not can_get_all_leader_reports(user, archive.round):
        raise Http404(archive_id)
    return archive


def can_get_all_leader_reports(user: AbstractBaseUser | AnonymousUser, round_: Round) -> bool:
    """Every leader's report at once: the organisation's admins, when the policy lets them."""
    return (
        isinstance(user, User)
        and user.is_active
        and round_.status == Round.Status.CLOSED
        and not round_.is_mapping
        and bool(round_.visibility.get("org_admins"))
        and administers(user, round_.organisation_id)
    )
