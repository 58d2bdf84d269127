"""The mapping page of a unit: for its leaders and the leaders above, and for HR."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from omstil.accounts.access import acting_user
from omstil.core.audit import audit
from omstil.core.i18n import active_language
from omstil.mapping.access import get_mapping_round
from omstil.mapping.rendering import unit_pdf
from omstil.mapping.services import MappingUnavailable, tables, unit_map


@require_GET
@login_required
def unit_page(request: HttpRequest, round_id: int) -> HttpResponse:
    """A unit's heat map of competence areas × job families; 404 for anyone not allowed."""
    viewer = acting_user(request)
    path = request.GET.get("enhed", "")
    if not path:
        raise Http404(path)
    round_ = get_mapping_round(round_id)
    language = active_language()
    try:
        data = unit_map(round_, path, language, viewer=viewer)
    except MappingUnavailable:
        # Not mapped and not allowed look the same: neither reveals whether the unit exists.
        raise Http404(path) from None
    form = "pdf" if request.GET.get("format") == "pdf" else "html"
    audit(
        "mapping.unit",
        actor=viewer,
        organisation=round_.organisation.slug,
        round=round_id,
        subject=path,
        format=form,
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
