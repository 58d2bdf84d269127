"""Who may see which report: the round's visibility policy, fixed before it opened.

The one access layer for report pages, files and commands: the leader sees their own report; the
leaders above them (the superior chain, as frozen when the round opened) see it if the policy says
so; the organisation's administrators see every report if the policy says so. Unit reports are
for the organisation's administrators and for the leaders of that unit or one above it.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from omstil.accounts.access import administered_organisations
from omstil.accounts.models import User
from omstil.rounds.models import EvaluatedLeader, Round


def _chain_above(leader: EvaluatedLeader, by_id: dict[str, EvaluatedLeader]) -> list[str]:
    """Employee ids of the leaders above `leader`, nearest first."""
    chain: list[str] = []
    current = leader.superior_employee_id
    while current and current not in chain:
        chain.append(current)
        above = by_id.get(current)
        current = above.superior_employee_id if above else ""
    return chain


def _person_ids(user: User, round_: Round) -> set[str]:
    """The employee ids this user has in the round's organisation (by e-mail address)."""
    return set(
        round_.organisation.people.filter(email__iexact=user.email).values_list(
            "employee_id", flat=True
        )
    )


def can_see_leader_report(user: AbstractBaseUser | AnonymousUser, leader: EvaluatedLeader) -> bool:
    """Whether `user` may see the report about `leader`."""
    if not isinstance(user, User) or not user.is_active:
        return False
    round_ = leader.round
    if round_.status != Round.Status.CLOSED:
        return False
    policy = round_.visibility
    if (
        policy.get("org_admins")
        and administered_organisations(user).filter(pk=round_.organisation_id).exists()
    ):
        return True
    mine = _person_ids(user, round_)
    if leader.employee_id in mine and policy.get("leader", True):
        return True
    if policy.get("superior"):
        by_id = {item.employee_id: item for item in EvaluatedLeader.objects.filter(round=round_)}
        chain = set(_chain_above(leader, by_id))
        # The superior may not be evaluated in the round; the frozen superior id still counts.
        chain.add(leader.superior_employee_id)
        if mine & chain:
            return True
    return False


def can_see_unit_report(user: AbstractBaseUser | AnonymousUser, round_: Round, path: str) -> bool:
    """Organisation admins see every unit; a leader sees the units they lead and those below."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if round_.status != Round.Status.CLOSED:
        return False
    if administered_organisations(user).filter(pk=round_.organisation_id).exists():
        return True
    mine = _person_ids(user, round_)
    own_units = EvaluatedLeader.objects.filter(round=round_, employee_id__in=mine).values_list(
        "unit_path", flat=True
    )
    return any(path == unit or path.startswith(unit + " / ") for unit in own_units)


def can_get_all_leader_reports(user: AbstractBaseUser | AnonymousUser, round_: Round) -> bool:
    """Every leader's report at once: the organisation's admins, when the policy lets them."""
    return (
        isinstance(user, User)
        and user.is_active
        and round_.status == Round.Status.CLOSED
        and bool(round_.visibility.get("org_admins"))
        and administered_organisations(user).filter(pk=round_.organisation_id).exists()
    )
