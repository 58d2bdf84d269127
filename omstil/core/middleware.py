"""Choose the page language: the visitor's own choice, else Danish (never the browser's guess)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def chosen_language(request: HttpRequest) -> str:
    """The language from the switch (a cookie), else the logged-in user's, else Danish."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in SUPPORTED:
        return cookie
    user_language = getattr(getattr(request, "user", None), "language", "")
    if user_language in SUPPORTED:
        return str(user_language)
    return str(settings.LANGUAGE_CODE)


class LanguageMiddleware:
    """Danish is the default for everyone; English only when chosen.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which would show many
    Danish public-sector employees an English page they never asked for.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
