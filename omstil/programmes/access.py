"""Who may reach a competence programme.

HR's pages (the programme, its modules, attendance and effect): the organisation's
administrators, nobody else. A participant's own view (`programmes:mine`): the leader who takes
part, through the active people the signed-in account is (`omstil.rounds.chain.people_of`), and
nobody else, HR included – it shows that participant's attendance only.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from omstil.accounts.models import User
from omstil.organisations.access import get_administered_organisation
from omstil.programmes.models import Module, Participant, Programme
from omstil.rounds.chain import people_of


def own_participations(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Participant]:
    """The places in programmes of the active people `user` is, latest programme first."""
    if not isinstance(user, User) or not user.is_active:
        return Participant.objects.none()
    return (
        Participant.objects.filter(person_id__in=list(people_of(user)))
        .select_related("programme__organisation", "person")
        .order_by("-programme__starts_on", "-programme__pk")
    )


def get_participation_for_user(
    user: AbstractBaseUser | AnonymousUser, slug: str, programme_id: int
) -> Participant:
    """`user`'s own place in the programme, else 404."""
    participant = (
        own_participations(user)
        .filter(programme_id=programme_id, programme__organisation__slug=slug)
        .first()
    )
    if participant is None:
        raise Http404(programme_id)
    return participant


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
