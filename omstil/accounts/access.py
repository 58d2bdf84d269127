"""The user acting in a request: the one way views ask who is signed in."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from omstil.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    """The signed-in, active user of this request; PermissionDenied for anyone else.

    Views behind `login_required` call it to get the actor they hand to services.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied
    return user
