"""Who may see and change a development plan.

The plan is the leader's own: only the leader (the user whose e-mail is the leader's e-mail as
frozen with the round) writes it. The leaders above (the superior chain) see it and may comment
when the round's policy lets superiors see the leader's report. HR sees no plan's contents, only
counts (`services.plan_counts`), whatever the policy says about reports: a plan is a working
document between a leader and their superior.
"""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from omstil.accounts.models import User
from omstil.development.models import Action
from omstil.organisations.models import Organisation
from omstil.rounds.access import get_round_for_admin
from omstil.rounds.chain import leaders_below, links_of, own_leader_ids
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
    if leader.employee_id in own_leader_ids(user, [leader]):
        return Role.OWNER
    if round_.visibility.get("superior"):
        links = links_of(round_)
        if leader.erased_at is None and leader.employee_id in leaders_below(user, round_, links):
            return Role.SUPERIOR
    return None


def get_leader_for_plan(
    user: AbstractBaseUser | AnonymousUser, round_id: int, employee_id: str
) -> tuple[EvaluatedLeader, Role]:
    """The leader whose plan `user` may see, with what `user` is to it; else 404."""
    leader = (
        EvaluatedLeader.objects.select_related("round__organisation")
        .filter(round_id=round_id, employee_id=employee_id)
        .first()
    )
    role = plan_role(user, leader) if leader is not None else None
    if leader is None or role is None:
        raise Http404(employee_id)
    return leader, role


def get_leader_for_plan_owner(
    user: AbstractBaseUser | AnonymousUser, round_id: int, employee_id: str
) -> EvaluatedLeader:
    """The leader whose plan `user` writes (the leader themself), else 404."""
    leader, role = get_leader_for_plan(user, round_id, employee_id)
    if role != Role.OWNER:
        raise Http404(employee_id)
    return leader


def get_action_of_plan(leader: EvaluatedLeader, action_id: int) -> Action:
    """An action in `leader`'s plan, else 404."""
    action = Action.objects.select_related("plan").filter(pk=action_id, plan__leader=leader).first()
    if action is None:
        raise Http404(action_id)
    return action


def get_round_for_follow_up(
    user: AbstractBaseUser | AnonymousUser, slug: str, round_id: int
) -> tuple[Organisation, Round]:
    """An evaluation round of an organisation `user` administers (HR's follow-up list), else 404.

    Whether the list shows anything is the round's policy (`follow_up.hr_sees_follow_up`)."""
    organisation, round_ = get_round_for_admin(user, slug, round_id)
    if round_.is_mapping:
        raise Http404(round_id)
    return organisation, round_
