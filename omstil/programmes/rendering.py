"""The effect report as the page shows it, and the same as a PDF (WeasyPrint)."""

import math
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from omstil.core.pdf import html_to_pdf
from omstil.programmes.effect import Estimate, GroupChange
from omstil.programmes.models import Programme
from omstil.programmes.services import EffectReport, programme_effect

# The chart: one band per statement, the change of both groups on a common axis around 0.
CHART_WIDTH = 640
CHART_LEFT = 110
CHART_RIGHT = 20
CHART_TOP = 10
CHART_ROW = 58
CHART_AXIS = 36


def _number(value: float, *, signed: bool = False) -> str:
    rounded = round(value, 2)
    if rounded == 0:
        rounded = 0.0  # never "-0,00"
    text = number_format(rounded, 2)
    return f"+{text}" if signed and rounded > 0 else text


def _estimate(estimate: Estimate) -> dict[str, Any]:
    return {
        "value": _number(estimate.value, signed=True),
        "interval": None
        if estimate.low is None or estimate.high is None
        else _("%(low)s til %(high)s")
        % {"low": _number(estimate.low, signed=True), "high": _number(estimate.high, signed=True)},
    }


def _group(change: GroupChange | None, leaders: int, hidden: str | None) -> dict[str, Any]:
    if change is None:
        return {"shown": False, "leaders": leaders, "reason": hidden}
    return {
        "shown": True,
        "leaders": change.leaders,
        "before": _number(change.baseline_mean),
        "after": _number(change.follow_up_mean),
        "n_before": change.baseline.n,
        "n_after": change.follow_up.n,
        **_estimate(change.change),
    }


def _reading(difference: Estimate | None) -> str | None:
    """The difference in words, from its interval."""
    if difference is None or difference.low is None or difference.high is None:
        return None
    if difference.low > 0:
        return _("bedre udvikling end hos de andre ledere")
    if difference.high < 0:
        return _("dårligere udvikling end hos de andre ledere")
    return _("ingen sikker forskel")


def _chart(report: EffectReport) -> dict[str, Any] | None:
    """Positions for the chart of the changes; None when no change is shown."""
    estimates = [
        change.change
        for row in report.rows
        for change in (row.effect.participants, row.effect.others)
        if change is not None
    ]
    if not estimates:
        return None
    reach = max(
        abs(bound)
        for estimate in estimates
        for bound in (estimate.value, estimate.low, estimate.high)
        if bound is not None
    )
    limit = max(0.5, math.ceil(reach * 2) / 2)  # the axis runs from -limit to +limit
    inner = CHART_WIDTH - CHART_LEFT - CHART_RIGHT

    def x(value: float) -> float:
        return round(CHART_LEFT + (value + limit) / (2 * limit) * inner, 1)

    def mark(estimate: Estimate | None, offset: int, y: int) -> dict[str, Any] | None:
        if estimate is None:
            return None
        centre, at = x(estimate.value), y + offset
        return {
            "x": centre,
            "y": at,
            "low": x(estimate.low) if estimate.low is not None else centre,
            "high": x(estimate.high) if estimate.high is not None else centre,
            # The difference's mark: a diamond around its estimate.
            "diamond": f"{centre - 6},{at} {centre},{at - 6} {centre + 6},{at} {centre},{at + 6}",
        }

    def said(estimate: Estimate | None) -> str:
        if estimate is None:
            return _("vises ikke")
        if estimate.low is None or estimate.high is None:
            return _number(estimate.value, signed=True)
        return _("%(value)s (%(low)s til %(high)s)") % {
            "value": _number(estimate.value, signed=True),
            "low": _number(estimate.low, signed=True),
            "high": _number(estimate.high, signed=True),
        }

    rows, sentences = [], []
    for number, row in enumerate(report.rows, start=1):
        y = CHART_TOP + (number - 1) * CHART_ROW + CHART_ROW // 2
        participants = row.effect.participants.change if row.effect.participants else None
        others = row.effect.others.change if row.effect.others else None
        label = _("Udsagn %(number)s") % {"number": number}
        rows.append(
            {
                "label": label,
                "y": y,
                "participants": mark(participants, -14, y),
                "others": mark(others, 0, y),
                "difference": mark(row.effect.difference, 14, y),
            }
        )
        sentence = _(
            "%(statement)s: deltagerne %(participants)s, de andre ledere %(others)s, "
            "forskel %(difference)s"
        )
        sentences.append(
            sentence
            % {
                "statement": label,
                "participants": said(participants),
                "others": said(others),
                "difference": said(row.effect.difference),
            }
        )
    steps = int(limit * 2)
    ticks = [
        {"x": x(-limit + step * 0.5), "label": _number(-limit + step * 0.5, signed=True)}
        for step in range(2 * steps + 1)
        if steps <= 4 or step % 2 == 0
    ]
    bottom = CHART_TOP + len(report.rows) * CHART_ROW
    return {
        "width": CHART_WIDTH,
        "height": bottom + CHART_AXIS,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "top": CHART_TOP,
        "bottom": bottom,
        "zero": x(0),
        "ticks": ticks,
        "rows": rows,
        "title": _("Ændringen i medarbejdernes gennemsnit pr. udsagn med 95 %%-interval: %(rows)s.")
        % {"rows": "; ".join(sentences)},
    }


def effect_context(programme: Programme, language: str) -> dict[str, Any]:
    """Everything the effect report shows, formatted for the active language."""
    report = programme_effect(programme, language)
    rows = [
        {
            "number": number,
            "theme": row.theme,
            "text": row.text,
            "participants": _group(
                row.effect.participants,
                row.effect.participant_leaders,
                row.effect.participants_hidden,
            ),
            "others": _group(row.effect.others, row.effect.other_leaders, row.effect.others_hidden),
            "difference": _estimate(row.effect.difference) if row.effect.difference else None,
            "reading": _reading(row.effect.difference),
        }
        for number, row in enumerate(report.rows, start=1)
    ]
    return {
        "programme": programme,
        "report": report,
        "rows": rows,
        "chart": _chart(report),
        "not_measured": report.participants - report.evaluated_in_both,
        "language": language,
    }


def effect_html(programme: Programme, language: str = "da") -> str:
    """The effect report as one self-contained HTML document (the PDF's source)."""
    with translation.override(language):
        return render_to_string("programmes/effect_print.html", effect_context(programme, language))


def effect_pdf(programme: Programme, language: str = "da") -> bytes:
    """The effect report as a PDF, with the same figures and texts as the page."""
    return html_to_pdf(effect_html(programme, language))
