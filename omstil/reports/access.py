"""Who may see which report: the round's visibility policy, fixed before it opened.

The one access layer for report pages and files: the leader sees their own report; the leaders
above them (the superior chain, as frozen when the round opened) see it if the policy says so; the
organisation's administrators see every report if the policy says so. Who is who is decided by the
reporting lines frozen with the round and the people each account is tied to
(`omstil/rounds/chain.py`), not by later HR files or e-mail addresses.

A unit report pools the figures of the leaders in it. Those who may see the report of every leader
in a unit see it in full, with a column per sub-unit and per leader of the unit itself. The
organisation's administrators and HR readers see unit reports also when the policy keeps leader
reports from them, but pooled only, with the figures disclosure control decides for such viewers
(`omstil/reports/figures.py`, `View.POOLED`): this module says who the viewer is and what they are
entitled to; the disclosure module decides what of it can be shown.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from omstil.accounts.models import User
from omstil.organisations.access import administers, reads_unit_reports
from omstil.reports.figures import Knowing, View, Viewing, compute, unit_key
from omstil.reports.models import ReportArchive
from omstil.rounds.chain import leaders_below, leaders_in, links_of, people_of
from omstil.rounds.models import EvaluatedLeader, Round


def visible_leaders(user: AbstractBaseUser | AnonymousUser, round_: Round) -> set[str]:
    """Employee ids of the evaluated leaders whose reports `user` may see in `round_`."""
    if not isinstance(user, User) or not user.is_active or round_.status != Round.Status.CLOSED:
        return set()
    if round_.is_mapping:
        # A mapping evaluates nobody: its teams have no reports (omstil/mapping/access.py).
        return set()
    policy = round_.visibility
    if policy.get("org_admins") and administers(user, round_.organisation_id):
        return set(
            EvaluatedLeader.objects.filter(round=round_, erased_at__isnull=True).values_list(
                "employee_id", flat=True
            )
        )
    # A deleted leader's report went with them (docs/privacy.md); their answers stay pooled,
    # and the reporting lines still run through them.
    links = links_of(round_)
    erased = {link.employee_id for link in links if link.erased}
    visible: set[str] = set()
    if policy.get("leader", True):
        mine = people_of(user)
        visible |= {link.employee_id for link in links if link.person_id in mine}
    if policy.get("superior"):
        visible |= leaders_below(user, round_, links)
    return visible - erased


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
    shown, from the round's full figures. Otherwise the units only, pooled, from the figures
    decided for viewers who may not see single leaders (`view`; `figures.View`).
    """

    named: bool
    view: Viewing = View.FULL


def unit_access(
    user: AbstractBaseUser | AnonymousUser, round_: Round, path: str
) -> UnitAccess | None:
    """What `user` may see of the report for the unit at `path`, or None for nothing."""
    if round_.is_mapping:
        return None
    inside = {leader.employee_id for leader in leaders_in(round_, path)}
    if not inside:
        return None
    visible = visible_leaders(user, round_)
    if inside <= visible:
        return UnitAccess(named=True)
    if (
        isinstance(user, User)
        and user.is_active
        and round_.status == Round.Status.CLOSED
        and reads_unit_reports(user, round_.organisation_id)
        and compute(round_).pools_leaders(unit_key(path))
    ):
        # Someone who sees some leaders' reports too gets the units decided with those
        # leaders' figures known, so a unit beside them never gives away another leader.
        return UnitAccess(named=False, view=Knowing(frozenset(visible)) if visible else View.POOLED)
    return None


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
