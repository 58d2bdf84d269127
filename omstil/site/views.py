"""The front page, the accessibility statement and a health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from omstil.accounts.access import acting_user
from omstil.organisations.access import administered_organisations
from omstil.programmes.services import programmes_of
from omstil.site.news import whats_new


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a logged-in user starts: their organisations and the instrument library."""
    user = acting_user(request)
    return render(
        request,
        "site/home.html",
        {
            "organisations": administered_organisations(user),
            "news": whats_new(user),
            "my_programmes": programmes_of(user),
        },
    )


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """Tilgængelighedserklæring, required of Danish public-sector web solutions."""
    return render(request, "site/accessibility.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: the process runs and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
