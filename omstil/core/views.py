"""The front page, the accessibility statement and a health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from omstil.accounts.access import administered_organisations


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a logged-in user starts: their organisations and the instrument library."""
    return render(
        request,
        "core/home.html",
        {"organisations": administered_organisations(request.user)},
    )


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """Tilgængelighedserklæring, required of Danish public-sector web solutions."""
    return render(request, "core/accessibility.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: the process runs and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: a plain explanation, never Django's debug page."""
    return render(request, "403_csrf.html", status=403)
