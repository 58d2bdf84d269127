"""Who may see a mapping's figures for a unit: the unit's leaders and the organisation's admins.

A leader sees the map of a unit when every team counted in it is their own or a team below them
in the superior chain, as frozen with the round (the e-mail addresses on `EvaluatedLeader`, as the
reports do: `omstil.rounds.chain`). The organisation's administrators (HR) see every unit,
the top unit being the organisation's map. Nobody sees a single person's answers: every figure
went through disclosure control (`figures.py`).
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from omstil.accounts.models import User
from omstil.organisations.access import administers
from omstil.rounds.chain import leaders_below, leaders_in, own_leader_ids
from omstil.rounds.models import EvaluatedLeader, Round


def get_mapping_round(round_id: int) -> Round:
    """A mapping round, else 404; who may see which of its units is `can_see_unit`'s answer."""
    round_ = (
        Round.objects.select_related("organisation")
        .filter(pk=round_id, kind=Round.Kind.MAPPING)
        .first()
    )
    if round_ is None:
        raise Http404(round_id)
    return round_


def can_see_unit(user: AbstractBaseUser | AnonymousUser, round_: Round, path: str) -> bool:
    """Whether `user` may see the mapping of the unit at `path` in the closed mapping `round_`."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if not round_.is_mapping or round_.status != Round.Status.CLOSED:
        return False
    teams = leaders_in(round_, path)
    if not teams:
        return False
    if administers(user, round_.organisation_id):
        return True
    leaders = list(EvaluatedLeader.objects.filter(round=round_))
    mine = own_leader_ids(user, leaders) | leaders_below(user, round_, leaders)
    return all(team.employee_id in mine for team in teams)
