"""Who administers an organisation: the one place pages, files and commands ask."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

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


def administers(user: AbstractBaseUser | AnonymousUser, organisation_id: int) -> bool:
    """Whether `user` administers the organisation with this id (a system admin does all)."""
    return administered_organisations(user).filter(pk=organisation_id).exists()


def get_administered_organisation(
    user: AbstractBaseUser | AnonymousUser, slug: str
) -> Organisation:
    """The organisation `slug` if `user` administers it, else 404 (which hides that it exists)."""
    organisation = administered_organisations(user).filter(slug=slug).first()
    if organisation is None:
        raise Http404(slug)
    return organisation


def require_system_admin(user: AbstractBaseUser | AnonymousUser) -> None:
    """Raise PermissionDenied unless `user` is a system administrator."""
    if not (isinstance(user, User) and user.is_system_admin):
        raise PermissionDenied


def reads_unit_reports(user: AbstractBaseUser | AnonymousUser, organisation_id: int) -> bool:
    """Whether `user` may read the organisation's pooled unit reports: its administrators
    (HR) and its HR readers, who see those and nothing else."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_system_admin:
        return True
    return Membership.objects.filter(
        user=user,
        organisation_id=organisation_id,
        role__in=[Membership.Role.ADMIN, Membership.Role.READER],
    ).exists()


def read_organisations(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organisation]:
    """The organisations whose pooled unit reports `user` reads as HR reader (not as admin)."""
    if not isinstance(user, User) or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.READER
    ).distinct()
