"""The mapping page of a unit: for its leaders and the leaders above, and for HR."""

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from omstil.core.i18n import active_language
from omstil.mapping.rendering import unit_pdf
from omstil.mapping.services import MappingUnavailable, tables, unit_map
from omstil.rounds.models import Round

audit = logging.getLogger("omstil.audit")


@require_GET
@login_required
def unit_page(request: HttpRequest, round_id: int) -> HttpResponse:
    """A unit's heat map of competence areas × job families; 404 for anyone not allowed."""
    path = request.GET.get("enhed", "")
    round_ = (
        Round.objects.select_related("organisation")
        .filter(pk=round_id, kind=Round.Kind.MAPPING)
        .first()
    )
    if round_ is None or not path:
        raise Http404(path)
    language = active_language()
    try:
        data = unit_map(round_, path, language, viewer=request.user)
    except MappingUnavailable:
        # Not mapped and not allowed look the same: neither reveals whether the unit exists.
        raise Http404(path) from None
    form = "pdf" if request.GET.get("format") == "pdf" else "html"
    audit.info(
        "mapping.unit round=%s subject=%r format=%s user=%s", round_id, path, form, request.user.pk
    )
    if form == "pdf":
        response = HttpResponse(
            unit_pdf(round_, path, language, data), content_type="application/pdf"
        )
        response["Content-Disposition"] = 'attachment; filename="kortlaegning.pdf"'
        return response
    return render(
        request,
        "mapping/unit.html",
        {"report": data, "tables": tables(data), "round": round_, "path": path},
    )
