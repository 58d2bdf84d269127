"""A leader's report as the page shows it, and the same as a PDF (WeasyPrint)."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from omstil.instruments.models import Theme
from omstil.reports.services import leader_report
from omstil.rounds.models import EvaluatedLeader, Round, RoundInstrument


def leader_context(round_: Round, employee_id: str, language: str) -> dict[str, Any]:
    """The report grouped by theme, with the gap between self and employees and the texts."""
    data = leader_report(round_, employee_id, language)
    leader = EvaluatedLeader.objects.get(round=round_, employee_id=employee_id)
    versions = RoundInstrument.objects.filter(round=round_).values_list("version", flat=True)
    themes = {
        theme.title.get(language) or theme.title.get("da"): theme.content
        for theme in Theme.objects.filter(version__in=versions)
    }
    sections: list[dict[str, Any]] = []
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
        sections[-1]["items"].append({**item, "gap": gap})
    return {
        "report": data,
        "sections": sections,
        "round": round_,
        "leader": leader,
        "language": language,
    }


def leader_pdf(round_: Round, employee_id: str, language: str = "da") -> bytes:
    """The leader's report as a PDF, with the same figures as the page."""
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            "reports/leader_print.html", leader_context(round_, employee_id, language)
        )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
