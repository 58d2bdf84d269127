"""Who is whose leader, as frozen with the round: the reporting lines every access check reads.

When a round opens, each evaluated leader (or, in a mapping, each team's nearest leader) is
copied with their superior and both e-mail addresses (`EvaluatedLeader`). Reports, plans,
dialogue and mapping all decide who is who from these copies, never from a later HR file, so a
report's readers do not change when the organisation does.
"""

from omstil.accounts.models import User
from omstil.organisations.models import PATH_SEPARATOR
from omstil.rounds.models import EvaluatedLeader, Round


def own_leader_ids(user: User, leaders: list[EvaluatedLeader]) -> set[str]:
    """The evaluated leaders who are `user` (by the e-mail frozen with the round)."""
    email = user.email.lower()
    return {leader.employee_id for leader in leaders if leader.email.lower() == email}


def leaders_below(user: User, leaders: list[EvaluatedLeader]) -> set[str]:
    """The evaluated leaders with `user` in their superior chain, as frozen with the round."""
    email = user.email.lower()
    me = own_leader_ids(user, leaders)
    me |= {
        leader.superior_employee_id
        for leader in leaders
        if leader.superior_email and leader.superior_email.lower() == email
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
