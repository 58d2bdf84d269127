"""Two-factor's one gate: a session that owes a second factor sees only the pages to give it.

The rule of who owes what is `omstil.accounts.twofactor.step_owed`; this middleware (after
django-otp's OTPMiddleware, which marks the verified sessions) applies it to every view, Django's
admin included. Static files never get here: WhiteNoise serves them first.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from omstil.accounts.models import User
from omstil.accounts.twofactor import Step, step_owed

# Reached without a second factor: giving it, logging out, switching language, the respondent
# pages (/svar/), the health check and the accessibility statement, which outsiders see too.
OPEN_VIEWS = {
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "accounts:logout",
    "set_language",
    "site:healthz",
    "site:accessibility",
}
OPEN_NAMESPACES = {"responses"}


def is_verified(user: Any) -> bool:
    """django-otp's verdict on the request's user: a device checked a code in this session."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


class TwoFactorMiddleware:
    """Redirects a session owing set-up or a code to that page, with `next` to come back to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or not isinstance(user, User):
            return None
        match = request.resolver_match
        if match is not None and (
            match.view_name in OPEN_VIEWS or set(match.namespaces) & OPEN_NAMESPACES
        ):
            return None
        step = step_owed(user, request.session, is_verified(user))
        if step is Step.NONE:
            return None
        page = "accounts:two_factor_setup" if step is Step.SET_UP else "accounts:two_factor_verify"
        return HttpResponseRedirect(
            f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}"
        )
