"""Insight pages for HR: find a person, and show or download everything Omstil holds about them."""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from omstil.accounts.access import acting_user
from omstil.core.i18n import active_language
from omstil.organisations.access import get_administered_organisation
from omstil.privacy.insight import (
    FORMATS,
    collect,
    find_person,
    insight_json,
    insight_pdf,
    record_insight,
)
from omstil.privacy.insight_forms import FindPersonForm

LANGUAGES = ("da", "en")


@require_http_methods(["GET", "POST"])
@login_required
def find(request: HttpRequest, slug: str) -> HttpResponse:
    """Find a person by employee number or e-mail address, and go to their insight page."""
    organisation = get_administered_organisation(request.user, slug)
    form = FindPersonForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid() and form.found is not None:
        return redirect("insight:person", organisation.slug, form.found.employee_id)
    return render(
        request, "privacy/insight_find.html", {"organisation": organisation, "form": form}
    )


@require_GET
@login_required
def person(request: HttpRequest, slug: str, employee_id: str) -> HttpResponse:
    """Everything held about one person: the page, or `?format=json` or `?format=pdf` (in
    `?language=da|en`, the page's language by default). Each one is audited."""
    organisation = get_administered_organisation(request.user, slug)
    found = find_person(organisation, employee_id)
    form = request.GET.get("format", "html")
    if found is None or form not in FORMATS:
        raise Http404(employee_id)
    name = f"indsigt-{organisation.slug}-{re.sub(r'[^A-Za-z0-9_-]', '_', employee_id)}"
    if form == "json":
        response = HttpResponse(insight_json(found), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    elif form == "pdf":
        language = request.GET.get("language", "")
        language = language if language in LANGUAGES else active_language()
        response = HttpResponse(insight_pdf(found, language), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    else:
        response = render(
            request,
            "privacy/insight.html",
            {"organisation": organisation, "person": found, "insight": collect(found)},
        )
    record_insight(found, form, actor=acting_user(request))
    return response
