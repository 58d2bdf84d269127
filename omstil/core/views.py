"""The page shown when a form arrives without a valid CSRF token."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: a plain explanation, never Django's debug page."""
    return render(request, "403_csrf.html", status=403)
