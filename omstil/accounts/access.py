"""Who may see what: one helper per kind of object, used by pages, files and commands alike."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from omstil.accounts.models import Membership, User
from omstil.organisations.models import Organisation


def administered_organisations(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organisation]:
    """The organisations `user` administers: all of them for a system admin."""
    if not isinstance(user, User) or not user.is_active:
        return Organisation.objects.none()
    if user.is_system_admin:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.ADMIN
    ).distinct()


def can_administer(user: AbstractBaseUser | AnonymousUser, organisation: Organisation) -> bool:
    """Whether `user` is an admin of `organisation` (or a system admin)."""
    return administered_organisations(user).filter(pk=organisation.pk).exists()
