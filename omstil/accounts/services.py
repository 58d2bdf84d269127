"""Creating users and granting roles; every change is atomic."""

from django.db import transaction

from omstil.accounts.models import Membership, User
from omstil.organisations.models import Organisation


@transaction.atomic
def set_up_user(
    email: str,
    password: str,
    *,
    name: str = "",
    language: str = "da",
    system_admin: bool = False,
    admin_of: Organisation | None = None,
) -> User:
    """Create the user, or update an existing one, with this password and these roles."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, password, name=name, language=language)
    else:
        user.set_password(password)
        user.name = name or user.name
        user.is_active = True
    user.is_superuser = system_admin
    user.is_staff = system_admin
    user.save()
    if admin_of is not None:
        Membership.objects.get_or_create(
            user=user, organisation=admin_of, role=Membership.Role.ADMIN
        )
    return user
