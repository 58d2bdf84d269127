"""A leader's report as the page shows it, and the same as a PDF (WeasyPrint)."""

import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from omstil.core.pdf import html_to_pdf
from omstil.instruments.models import Theme
from omstil.lib.disclosure import show_comments
from omstil.organisations.models import PATH_SEPARATOR
from omstil.reports.comparisons import MIN_OTHER_LEADERS
from omstil.reports.services import leader_report, unit_report
from omstil.responses.models import Comment
from omstil.rounds.models import EvaluatedLeader, Round, RoundInstrument

# Who a report is made for; None is an operator at the command line, who may see everything.
Viewer = AbstractBaseUser | AnonymousUser | None


def leader_context(
    round_: Round, employee_id: str, language: str, viewer: Viewer = None
) -> dict[str, Any]:
    """The report grouped by theme, with the gap between self and employees and the texts.

    `viewer` as in `services.leader_report`: None is an operator who may see everything.
    """
    data = leader_report(round_, employee_id, language, viewer=viewer)
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
        # A gap inside the uncertainty of the employees' mean may be chance.
        uncertain = gap is not None and abs(gap) < (employee.get("margin") or 0)
        sections[-1]["items"].append({**item, "gap": gap, "gap_uncertain": uncertain})
    return {
        "report": data,
        "sections": sections,
        "round": round_,
        "leader": leader,
        "language": language,
        "comments": employee_comments(leader),
        "comment_threshold": comment_threshold(round_),
        "min_other_leaders": MIN_OTHER_LEADERS,
        "anonymity": round_.anonymity_text.get(language) or round_.anonymity_text.get("da", ""),
    }


def comment_threshold(round_: Round) -> int:
    """Comments have their own, higher threshold: twice the minimum group size, at least 10."""
    return max(10, 2 * round_.min_group_size)


def employee_comments(leader: EvaluatedLeader) -> list[str] | None:
    """The employees' comments about a leader in random order, or None below the threshold.

    Comments are stored apart from scores and shown apart from them, never beside them.
    """
    texts = list(
        # By the leader alone (one round's), so SQLite uses the leader's index, not the round's.
        Comment.objects.filter(leader=leader, rater_group="employee", submitted=True).values_list(
            "text", flat=True
        )
    )
    if not show_comments(len(texts), comment_threshold(leader.round)):
        return None
    secrets.SystemRandom().shuffle(texts)
    return texts


def leader_html(
    round_: Round,
    employee_id: str,
    language: str = "da",
    *,
    employees_only: bool = False,
    viewer: Viewer = None,
) -> str:
    """The leader's report as one self-contained HTML document (the PDF's source)."""
    with translation.override(language):
        context = leader_context(round_, employee_id, language, viewer)
        context["employees_only"] = employees_only
        return render_to_string("reports/leader_print.html", context)


def leader_pdf(
    round_: Round,
    employee_id: str,
    language: str = "da",
    *,
    employees_only: bool = False,
    viewer: Viewer = None,
) -> bytes:
    """The leader's report as a PDF, with the same figures as the page."""
    return html_to_pdf(
        leader_html(round_, employee_id, language, employees_only=employees_only, viewer=viewer)
    )


def heat_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The heat map of a unit report as rows: one per statement, one cell per column."""
    return [
        {
            "text": item["text"],
            "cells": [column["items"][item["key"]] for column in report["sub_units"]],
        }
        for item in report["items"]
    ]


def breakdown_tables(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The organisation report's views across the tree as tables: a row per statement, a
    column per level or job family; the whole organisation's first, then each unit's."""
    tables = []
    for table in report.get("breakdowns", []):
        unit = table["unit"].split(PATH_SEPARATOR)[-1] if table["unit"] else None
        if table["kind"] == "level":
            title = (
                _("%(unit)s efter ledelsesniveau") % {"unit": unit}
                if unit
                else _("Efter ledelsesniveau")
            )
        else:
            title = _("%(unit)s efter faggruppe") % {"unit": unit} if unit else _("Efter faggruppe")
        rows = [
            {
                "text": item["text"],
                "cells": [column["items"][item["key"]] for column in table["columns"]],
            }
            for item in report["items"]
        ]
        tables.append(
            {
                "title": title,
                "kind": table["kind"],
                "within_unit": unit is not None,
                "columns": table["columns"],
                "rows": rows,
            }
        )
    return tables


def unit_html(
    round_: Round, unit_path: str, language: str = "da", report: dict[str, Any] | None = None
) -> str:
    """A unit report as one self-contained HTML document (the PDF's source).

    `report` is the report as its viewer may see it (`services.unit_report`); by default the
    operator's, with everything.
    """
    with translation.override(language):
        data = report if report is not None else unit_report(round_, unit_path, language)
        return render_to_string(
            "reports/unit_print.html",
            {
                "report": data,
                "heat": heat_rows(data),
                "breakdowns": breakdown_tables(data),
                "language": language,
            },
        )


def unit_pdf(
    round_: Round, unit_path: str, language: str = "da", report: dict[str, Any] | None = None
) -> bytes:
    """A unit report as a PDF, with the same figures as the page."""
    return html_to_pdf(unit_html(round_, unit_path, language, report))
