"""Report pages: a leader's report for the people the round's visibility policy allows."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from omstil.core.i18n import active_language
from omstil.instruments.models import Theme
from omstil.reports.access import can_see_leader_report
from omstil.reports.services import leader_report
from omstil.rounds.models import EvaluatedLeader, RoundInstrument


@login_required
def leader_report_page(request: HttpRequest, round_id: int, employee_id: str) -> HttpResponse:
    """The leader's report; others get 404, which does not reveal whether it exists."""
    leader = (
        EvaluatedLeader.objects.select_related("round__organisation")
        .filter(round_id=round_id, employee_id=employee_id)
        .first()
    )
    if leader is None or not can_see_leader_report(request.user, leader):
        raise Http404(employee_id)
    language = active_language()
    data = leader_report(leader.round, employee_id, language)
    versions = RoundInstrument.objects.filter(round=leader.round).values_list("version", flat=True)
    themes = {
        theme.title.get(language) or theme.title.get("da"): theme.content
        for theme in Theme.objects.filter(version__in=versions)
    }
    sections: list[dict[str, object]] = []
    for item in data["items"]:
        if not sections or sections[-1]["title"] != item["theme"]:
            sections.append(
                {"title": item["theme"], "items": [], "theme": themes.get(item["theme"])}
            )
        employee = item["groups"].get("employee", {})
        own = item["groups"].get("self", {})
        gap = None
        if employee.get("mean") is not None and own.get("mean") is not None:
            gap = round(own["mean"] - employee["mean"], 1)
        sections[-1]["items"].append({**item, "gap": gap})  # type: ignore[attr-defined]
    return render(
        request,
        "reports/leader.html",
        {"report": data, "sections": sections, "round": leader.round, "leader": leader},
    )
