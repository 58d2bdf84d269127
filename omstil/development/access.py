"""Who may see and change a development plan.

The plan is the leader's own: only the leader (the user whose e-mail is the leader's e-mail as
frozen with the round) writes it. The leaders above (the superior chain) see it and may comment
when the round's policy lets superiors see the leader's report. HR sees no plan's contents, only
counts (`services.plan_counts`), whatever the policy says about reports: a plan is a working
document between a leader and their superior.
"""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from omstil.accounts.models import User
from omstil.reports.access import below, own_leader_ids
from omstil.rounds.models import EvaluatedLeader, Round


class Role(StrEnum):
    OWNER = "owner"
    SUPERIOR = "superior"


def plan_role(user: AbstractBaseUser | AnonymousUser, leader: EvaluatedLeader) -> Role | None:
    """What `user` is to the plan of `leader`, or None for someone who may not see it."""
    round_ = leader.round
    if not isinstance(user, User) or not user.is_active or round_.status != Round.Status.CLOSED:
        return None
    if round_.is_mapping:
        return None  # a mapping evaluates nobody, so there is no plan to make from it
    if leader.email and leader.employee_id in own_leader_ids(user, [leader]):
        return Role.OWNER
    if round_.visibility.get("superior"):
        leaders = list(EvaluatedLeader.objects.filter(round=round_))
        if leader.employee_id in below(user, leaders):
            return Role.SUPERIOR
    return None
