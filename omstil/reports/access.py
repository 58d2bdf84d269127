"""Who may see which report: the round's visibility policy, fixed before it opened.

The one access layer for report pages and files: the leader sees their own report; the leaders
above them (the superior chain, as frozen when the round opened) see it if the policy says so; the
organisation's administrators see every report if the policy says so. A unit report pools leaders'
figures, so it is shown only to those who may see the report of every leader in it. Who is who is
decided by the e-mail addresses frozen with the round, not by later HR files.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from omstil.accounts.access import administered_organisations
from omstil.accounts.models import User
from omstil.rounds.models import EvaluatedLeader, Round


def visible_leaders(user: AbstractBaseUser | AnonymousUser, round_: Round) -> set[str]:
    """Employee ids of the evaluated leaders whose reports `user` may see in `round_`."""
    if not isinstance(user, User) or not user.is_active or round_.status != Round.Status.CLOSED:
        return set()
    leaders = list(EvaluatedLeader.objects.filter(round=round_))
    policy = round_.visibility
    if (
        policy.get("org_admins")
        and administered_organisations(user).filter(pk=round_.organisation_id).exists()
    ):
        return {leader.employee_id for leader in leaders}
    email = user.email.lower()
    me = {leader.employee_id for leader in leaders if leader.email.lower() == email}
    me |= {
        leader.superior_employee_id
        for leader in leaders
        if leader.superior_email and leader.superior_email.lower() == email
    }
    visible: set[str] = set()
    if policy.get("leader", True):
        visible |= {leader.employee_id for leader in leaders if leader.email.lower() == email}
    if policy.get("superior"):
        by_id = {leader.employee_id: leader for leader in leaders}
        for leader in leaders:
            current, seen = leader.superior_employee_id, set()
            while current and current not in seen:
                if current in me:
                    visible.add(leader.employee_id)
                    break
                seen.add(current)
                above = by_id.get(current)
                current = above.superior_employee_id if above else ""
    return visible


def can_see_leader_report(user: AbstractBaseUser | AnonymousUser, leader: EvaluatedLeader) -> bool:
    """Whether `user` may see the report about `leader`."""
    return leader.employee_id in visible_leaders(user, leader.round)


def leaders_in(round_: Round, path: str) -> list[EvaluatedLeader]:
    """The evaluated leaders of a unit and every unit below it."""
    return [
        leader
        for leader in EvaluatedLeader.objects.filter(round=round_)
        if leader.unit_path == path or leader.unit_path.startswith(path + " / ")
    ]


def can_see_unit_report(user: AbstractBaseUser | AnonymousUser, round_: Round, path: str) -> bool:
    """A unit's pooled figures: only for those who may see every leader's report in it."""
    inside = {leader.employee_id for leader in leaders_in(round_, path)}
    return bool(inside) and inside <= visible_leaders(user, round_)


def can_get_all_leader_reports(user: AbstractBaseUser | AnonymousUser, round_: Round) -> bool:
    """Every leader's report at once: the organisation's admins, when the policy lets them."""
    return (
        isinstance(user, User)
        and user.is_active
        and round_.status == Round.Status.CLOSED
        and bool(round_.visibility.get("org_admins"))
        and administered_organisations(user).filter(pk=round_.organisation_id).exists()
    )
