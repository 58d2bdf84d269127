"""The dialogue after a round, built from the leader's report.

Two conversations (PRODUCT.md): the leader's talk with their own superior within one to two weeks
of the report, and the dialogue meeting with the employees about two weeks after that, built on
the employees-only report and the themes' reflection questions. Everything here comes from
figures that have already been through disclosure control (`reports.services.leader_report`).
"""

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from omstil.instruments.models import Theme
from omstil.reports.services import leader_report
from omstil.rounds.models import Round, RoundInstrument

# How many statements the agenda names as strengths and as areas to develop.
HIGHLIGHTS = 3
# A gap of at least this much between self and employees is worth talking about.
GAP = 0.5


def _shown(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for item in items if item["groups"].get("employee", {}).get("mean") is not None]


def _mean(item: dict[str, Any]) -> float:
    return float(item["groups"]["employee"]["mean"])


def schedule(round_: Round) -> dict[str, date]:
    """When the two conversations should take place, counted from the day the round closed."""
    closed = timezone.localdate(round_.closed_at) if round_.closed_at else round_.closes_on
    return {
        "superior_from": closed + timedelta(days=7),
        "superior_to": closed + timedelta(days=14),
        "employees_from": closed + timedelta(days=21),
        "employees_to": closed + timedelta(days=28),
    }


def dialogue(
    round_: Round,
    employee_id: str,
    language: str,
    viewer: AbstractBaseUser | AnonymousUser | None = None,
) -> dict[str, Any]:
    """The agenda for the talk with the superior and the guide for the employee meeting.

    Made from the report as `viewer` may see it (`reports.services.leader_report`).
    """
    report = leader_report(round_, employee_id, language, viewer=viewer)
    shown = _shown(report["items"])
    ranked = sorted(shown, key=_mean, reverse=True)
    strengths = ranked[:HIGHLIGHTS]
    develop = [item for item in reversed(ranked) if item not in strengths][:HIGHLIGHTS]
    blind_spots, hidden_strengths = [], []
    for item in shown:
        own = item["groups"].get("self", {}).get("mean")
        if own is None:
            continue
        gap = round(own - _mean(item), 1)
        if gap >= GAP:
            blind_spots.append({**item, "gap": gap})
        elif gap <= -GAP:
            hidden_strengths.append({**item, "gap": gap})
    changes = sorted(
        (item for item in shown if item["groups"]["employee"].get("change") is not None),
        key=lambda item: item["groups"]["employee"]["change"],
    )
    superior_differs = [
        item
        for item in shown
        if item["groups"].get("superior", {}).get("mean") is not None
        and abs(item["groups"]["superior"]["mean"] - _mean(item)) >= GAP
    ]
    versions = RoundInstrument.objects.filter(round=round_).values_list("version", flat=True)
    themes = [
        {"title": theme.title.get(language) or theme.title.get("da"), "content": theme.content}
        for theme in Theme.objects.filter(version__in=versions).order_by("version", "position")
    ]
    by_theme: dict[str, list[dict[str, Any]]] = {}
    for item in report["items"]:
        by_theme.setdefault(item["theme"], []).append(item)
    for theme in themes:
        theme["items"] = by_theme.get(theme["title"], [])
    return {
        "report": report,
        "schedule": schedule(round_),
        "strengths": strengths,
        "develop": develop,
        "blind_spots": blind_spots,
        "hidden_strengths": hidden_strengths,
        "declines": [i for i in changes if i["groups"]["employee"]["change"] < 0][:HIGHLIGHTS],
        "improvements": [i for i in reversed(changes) if i["groups"]["employee"]["change"] > 0][
            :HIGHLIGHTS
        ],
        "superior_differs": superior_differs,
        "themes": themes,
        "has_figures": bool(shown),
    }
