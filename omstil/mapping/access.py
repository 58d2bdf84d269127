"""Who may see a mapping's figures for a unit: the unit's leaders and the organisation's admins.

A leader sees the map of a unit when every team counted in it is their own or a team below them
in the superior chain, as frozen with the round (the e-mail addresses on `EvaluatedLeader`, as the
reports do: `omstil.reports.access.below`). The organisation's administrators (HR) see every unit,
the top unit being the organisation's map. Nobody sees a single person's answers: every figure
went through disclosure control (`figures.py`).
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from omstil.accounts.access import administered_organisations
from omstil.accounts.models import User
from omstil.organisations.models import PATH_SEPARATOR
from omstil.reports.access import below, own_leader_ids
from omstil.rounds.models import EvaluatedLeader, Round


def teams_in(round_: Round, path: str) -> list[EvaluatedLeader]:
    """The teams (nearest leaders) counted in the unit at `path`: in it or below it."""
    return [
        leader
        for leader in EvaluatedLeader.objects.filter(round=round_)
        if leader.unit_path == path or leader.unit_path.startswith(path + PATH_SEPARATOR)
    ]


def can_see_unit(user: AbstractBaseUser | AnonymousUser, round_: Round, path: str) -> bool:
    """Whether `user` may see the mapping of the unit at `path` in the closed mapping `round_`."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if not round_.is_mapping or round_.status != Round.Status.CLOSED:
        return False
    teams = teams_in(round_, path)
    if not teams:
        return False
    if administered_organisations(user).filter(pk=round_.organisation_id).exists():
        return True
    if not user.email:
        return False
    leaders = list(EvaluatedLeader.objects.filter(round=round_))
    mine = own_leader_ids(user, leaders) | below(user, leaders)
    return all(team.employee_id in mine for team in teams)
