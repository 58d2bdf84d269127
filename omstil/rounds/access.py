"""Who may run a round: its organisation's administrators (HR)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from omstil.organisations.access import get_administered_organisation
from omstil.organisations.models import Organisation
from omstil.rounds.models import Round


def get_round_for_admin(
    user: AbstractBaseUser | AnonymousUser, slug: str, round_id: int
) -> tuple[Organisation, Round]:
    """The organisation and its round if `user` administers it, else 404."""
    organisation = get_administered_organisation(user, slug)
    round_ = Round.objects.filter(organisation=organisation, pk=round_id).first()
    if round_ is None:
        raise Http404(round_id)
    round_.organisation = organisation
    return organisation, round_
