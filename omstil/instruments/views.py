"""Pages of the instrument library: the list, one instrument, and its two guides."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from omstil.instruments import scale, services
from omstil.instruments.models import InstrumentVersion

ROLE_LABELS = {
    "employee": _("Medarbejdere"),
    "self": _("Lederen selv"),
    "superior": _("Overordnet leder"),
    "peer": _("Lederkolleger"),
}
KIND_LABELS = {"evaluation": _("360-graders evaluering"), "self_assessment": _("Selvevaluering")}
# In a mapping every employee rates their own competences: "self" is not the leader.
AGGREGATE_ROLE_LABELS = {"self": _("Hver medarbejder om sig selv")}


def _get_version(key: str, number: int | None) -> InstrumentVersion:
    try:
        return services.get_version(key, number)
    except InstrumentVersion.DoesNotExist:
        raise Http404(key) from None


def _role_labels(version: InstrumentVersion) -> list[tuple[str, str]]:
    labels = {**ROLE_LABELS, **(AGGREGATE_ROLE_LABELS if version.aggregate_only else {})}
    return [(role, str(labels[role])) for role in version.roles]


def _common(version: InstrumentVersion) -> dict[str, Any]:
    return {
        "version": version,
        "document": version.document,
        "roles": _role_labels(version),
        "kind_label": KIND_LABELS.get(version.kind, version.kind),
        "is_latest": version.number == version.instrument.versions.count(),
    }


@require_GET
@login_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    """Every instrument in the library, newest version."""
    versions = services.latest_versions()
    return render(
        request,
        "instruments/list.html",
        {
            "rows": [
                {
                    "version": version,
                    "kind_label": KIND_LABELS.get(version.kind, version.kind),
                    "roles": [label for _role, label in _role_labels(version)],
                }
                for version in versions
            ]
        },
    )


@require_GET
@login_required
def instrument_detail(request: HttpRequest, key: str, number: int | None = None) -> HttpResponse:
    """One instrument: themes, every statement in each rater's wording, the scale, the texts."""
    version = _get_version(key, number)
    themes = list(version.themes.prefetch_related("items"))
    context = _common(version)
    context.update(
        {
            "themes": themes,
            "scale": scale.SCALE,
            "history": version.instrument.versions.order_by("-number").only("number", "created_at"),
        }
    )
    return render(request, "instruments/detail.html", context)


@require_GET
@login_required
def instrument_guide(
    request: HttpRequest, key: str, audience: str, number: int | None = None
) -> HttpResponse:
    """The guide for the leader, or for the organisation, beside the instrument."""
    if audience not in services.GUIDE_AUDIENCES:
        raise Http404(audience)
    version = _get_version(key, number)
    context = _common(version)
    context.update(
        {
            "guide": version.document["guides"][services.GUIDE_AUDIENCES[audience]],
            "audience": audience,
        }
    )
    return render(request, "instruments/guide.html", context)
