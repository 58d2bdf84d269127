"""Who may reach a competence programme: its organisation's administrators (HR), nobody else."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from omstil.organisations.access import get_administered_organisation
from omstil.programmes.models import Module, Programme


def get_programme_for_user(
    user: AbstractBaseUser | AnonymousUser, slug: str, programme_id: int
) -> Programme:
    """The programme if `user` administers its organisation, else 404."""
    organisation = get_administered_organisation(user, slug)
    programme = (
        Programme.objects.select_related("organisation", "baseline_round", "follow_up_round")
        .filter(organisation=organisation, pk=programme_id)
        .first()
    )
    if programme is None:
        raise Http404(programme_id)
    return programme


def get_module_for_user(
    user: AbstractBaseUser | AnonymousUser, slug: str, programme_id: int, module_id: int
) -> Module:
    """A module of a programme `user` may reach, else 404."""
    programme = get_programme_for_user(user, slug, programme_id)
    module = Module.objects.filter(programme=programme, pk=module_id).first()
    if module is None:
        raise Http404(module_id)
    module.programme = programme
    return module
