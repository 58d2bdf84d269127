"""Creating users; every change is atomic. Roles in an organisation are granted by
`omstil.organisations.services.add_admin`, since who administers an organisation is its question."""

from django.db import transaction

from omstil.accounts.models import User


@transaction.atomic
def set_up_user(
    email: str,
    password: str,
    *,
    name: str = "",
    language: str = "da",
    system_admin: bool = False,
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
    return user
