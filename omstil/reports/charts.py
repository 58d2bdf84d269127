"""The report's charts, drawn on the server as SVG: the same markup in the page and the PDF.

Every chart is a view of the figures the report's tables show (`services.leader_report`,
`services.unit_report` and `rendering.leader_context`, in CONTRACT.md's JSON shape): it reads
those dicts and draws what they say is shown. A figure that disclosure control hides is drawn as
an explained gap – a text where the mark would be – never as a zero; nothing here counts answers
or works out a figure a second time.

Each chart is an `<svg role="img">` whose `<title>` says in words what it shows; the numbers stay
in the tables beside it. Marks differ by shape as well as colour, and colours come from
`omstil.lib.charts` (a single-hue scale that reads in greyscale and to colour-blind readers).
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from omstil.core.templatetags.omstil import hidden_label, hidden_reason
from omstil.lib.charts import ANSWER_COLOURS, DARK_TEXT, number, scale, tag, text, text_colour, wrap

SVG_NS = "http://www.w3.org/2000/svg"
FONT = {"font_family": "DejaVu Sans, Verdana, sans-serif", "font_size": 12}
GRID, MUTED = "#bfbfbf", "#454545"

# The marks of the dot plot: shape and colour, so they differ in greyscale too.
EMPLOYEE_COLOUR = "#0072b2"
MARKS = {
    "employee": ("circle", EMPLOYEE_COLOUR, True),
    "self": ("diamond", "#d55e00", True),
    "superior": ("square", DARK_TEXT, False),
    "organisation": ("triangle", "#117733", False),
    "level": ("triangle-down", "#aa3377", False),
}
BLIND_SPOT, HIDDEN_STRENGTH, ALIKE = "#d55e00", EMPLOYEE_COLOUR, "#767676"


def _markup(markup: str) -> SafeString:
    """Markup made here: every text and attribute in it went through `text` or `tag`, which
    escape them."""
    return mark_safe(markup)  # noqa: S308 (escaped as it was made)


def _id(*parts: str) -> str:
    return "chart-" + "-".join(re.sub(r"[^A-Za-z0-9_.-]+", "-", part) for part in parts)


def _one(value: float | None) -> str:
    """A number as the page writes it: one decimal, the language's decimal sign."""
    return "" if value is None else str(floatformat(value, 1))


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + _one(value)


def _svg(chart_id: str, title: str, width: int, height: float, body: str, css: str) -> str:
    """An SVG chart with its text alternative, scaled to its box (its drawing keeps its shape).

    The `<title>` comes last: `aria-labelledby` names the chart with it wherever it stands, and
    a search of the page for a sentence finds the drawn text before the hidden title."""
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width} {number(height)}" width="{width}" '
        f'height="{number(height)}" class="omstil-chart-svg {css}" role="img" '
        f'aria-labelledby="{chart_id}-title" '
        f'font-family="{FONT["font_family"]}" font-size="{FONT["font_size"]}">'
        f"{body}{tag('title', text(title), id=f'{chart_id}-title')}</svg>"
    )


def _mark(kind: str, x: float, y: float, size: float = 5.5, **data: object) -> str:
    """A mark of the dot plot: its shape, filled or outlined, in its colour."""
    shape, colour, filled = MARKS[kind]
    paint: dict[str, object] = {
        "fill": colour if filled else "#ffffff",
        "stroke": colour,
        "stroke_width": 2,
        **data,
    }
    if shape == "circle":
        return tag("circle", cx=x, cy=y, r=size, **paint)
    if shape == "square":
        s = size * 0.9
        return tag("rect", x=x - s, y=y - s, width=2 * s, height=2 * s, **paint)
    if shape == "diamond":
        s = size * 1.25
        points = f"{number(x)},{number(y - s)} {number(x + s)},{number(y)} "
        points += f"{number(x)},{number(y + s)} {number(x - s)},{number(y)}"
        return tag("polygon", points=points, **paint)
    s = size * 1.15
    up = shape == "triangle"
    tip, base = (y - s, y + s * 0.8) if up else (y + s, y - s * 0.8)
    points = (
        f"{number(x)},{number(tip)} {number(x + s)},{number(base)} {number(x - s)},{number(base)}"
    )
    return tag("polygon", points=points, **paint)


def group_label(group: str) -> str:
    return {
        "employee": _("Medarbejdere"),
        "self": _("Dig selv"),
        "superior": _("Overordnet leder"),
        "organisation": _("Organisationen"),
        "level": _("Samme niveau"),
    }[group]


# 1. The distribution of one statement's answers, 1-5, as a stacked bar.

BAR_WIDTH, BAR_HEIGHT = 300, 24


def distribution(figure: Mapping[str, Any] | None, key: str, statement: str) -> SafeString:
    """The employees' answers 1-5 as a stacked bar, with "Ved ikke" and "Ønsker ikke at oplyse"
    written beside it; a hidden figure as its reason."""
    if not figure:
        return _markup("")
    if figure.get("suppressed"):
        return _gap_note(
            _("Medarbejdernes fordeling: %(reason)s.") % {"reason": hidden_reason(figure)}
        )
    counts = [int((figure.get("distribution") or {}).get(str(value)) or 0) for value in range(1, 6)]
    total = sum(counts)
    if not total:
        return _gap_note(_("Medarbejdernes fordeling: ingen svar."))
    chart_id = _id("distribution", key)
    parts, x = [], 0.0
    for value, count in enumerate(counts, start=1):
        if not count:
            continue
        width = count / total * BAR_WIDTH
        colour = ANSWER_COLOURS[value - 1]
        parts.append(
            tag(
                "rect",
                x=x,
                y=1,
                width=width,
                height=BAR_HEIGHT,
                fill=colour,
                stroke="#ffffff",
                stroke_width=1,
                data_value=value,
                data_count=count,
            )
        )
        if width >= 16:
            parts.append(
                tag(
                    "text",
                    text(str(count)),
                    x=x + width / 2,
                    y=1 + BAR_HEIGHT / 2 + 4,
                    text_anchor="middle",
                    fill=text_colour(colour),
                )
            )
        x += width
    listed = "; ".join(
        _("%(value)s: %(count)s") % {"value": value, "count": count}
        for value, count in enumerate(counts, start=1)
    )
    title = _("Fordelingen af medarbejdernes %(n)s svar på 1–5 om “%(statement)s”: %(counts)s.") % {
        "n": total,
        "statement": statement,
        "counts": listed,
    }
    beside = _opt_outs(figure)
    if beside:
        title += " " + " ".join(beside)
    svg = _svg(chart_id, title, BAR_WIDTH, BAR_HEIGHT + 2, "".join(parts), "omstil-chart-bar")
    notes = "".join(f"<span>{text(line)}</span>" for line in beside)
    return _markup(
        f'<div class="omstil-chart-distribution">{svg}'
        + (f'<p class="omstil-chart-beside">{notes}</p>' if notes else "")
        + "</div>"
    )


def _opt_outs(figure: Mapping[str, Any]) -> list[str]:
    """ "Ved ikke" and "Ønsker ikke at oplyse" as the figure gives them (None: not shown)."""
    lines = []
    for field, label in (
        ("dont_know", _("Ved ikke")),
        ("prefer_not", _("Ønsker ikke at oplyse")),
    ):
        value = figure.get(field)
        shown = _("skjult") if value is None else str(value)
        lines.append(_("%(answer)s: %(count)s") % {"answer": label, "count": shown})
    return lines


def _gap_note(sentence: str) -> SafeString:
    return _markup(f'<p class="omstil-chart-gap">{text(sentence)}</p>')


def _gap_text(words: str, x: float, y: float) -> str:
    """An explained gap inside a chart: the words where a mark would be, never a zero."""
    return tag("text", text(words), x=x, y=y, fill=MUTED, font_style="italic")


# 2. One statement's means on one 1-5 axis: employees (with the margin), self, superior and the
# comparisons.

DOT_WIDTH, LABEL_X, AXIS_START, AXIS_END, ROW = 340, 18, 132, 270, 24


def _x(value: float) -> float:
    return scale(max(1.0, min(5.0, value)), 1, 5, AXIS_START, AXIS_END)


def means(item: Mapping[str, Any], *, employees_only: bool = False) -> SafeString:
    """The dot plot of one statement: a row per mark, all on one 1-5 axis."""
    groups = item.get("groups") or {}
    rows: list[tuple[str, Mapping[str, Any] | None]] = []
    for group in ("employee", "self", "superior"):
        if group in groups and (not employees_only or group == "employee"):
            rows.append((group, groups[group]))
    if not employees_only and "comparisons" in item:
        for scope in ("organisation", "level"):
            rows.append((scope, (item["comparisons"] or {}).get(scope)))
    if not rows:
        return _markup("")
    chart_id = _id("means", str(item["key"]))
    top = 6
    bottom = top + ROW * len(rows)
    parts = [
        tag("line", x1=_x(v), x2=_x(v), y1=top, y2=bottom, stroke=GRID, stroke_width=1)
        for v in range(1, 6)
    ]
    said = []
    for number_, (kind, figure) in enumerate(rows):
        y = top + ROW * number_ + ROW / 2
        label = group_label(kind)
        parts.append(_mark(kind, 7, y, 4.5))
        parts.append(tag("text", text(label), x=LABEL_X, y=y + 4, fill=DARK_TEXT))
        written = _mean_row(kind, figure, y, parts)
        said.append(_("%(group)s: %(value)s") % {"group": label, "value": written})
    for v in range(1, 6):
        parts.append(
            tag("text", text(str(v)), x=_x(v), y=bottom + 14, text_anchor="middle", fill=DARK_TEXT)
        )
    parts.append(tag("text", text(_("Helt uenig")), x=AXIS_START - 4, y=bottom + 28, fill=MUTED))
    parts.append(
        tag(
            "text",
            text(_("Helt enig")),
            x=AXIS_END + 4,
            y=bottom + 28,
            text_anchor="end",
            fill=MUTED,
        )
    )
    title = _(
        "Gennemsnit på skalaen fra 1 (Helt uenig) til 5 (Helt enig) for “%(statement)s”: %(marks)s."
    ) % {
        "statement": item.get("text", ""),
        "marks": "; ".join(said),
    }
    return _markup(
        _svg(chart_id, title, DOT_WIDTH, bottom + 34, "".join(parts), "omstil-chart-dots")
    )


def _mean_row(kind: str, figure: Mapping[str, Any] | None, y: float, parts: list[str]) -> str:
    """Draw one row's mark (or its gap) and say what it shows."""
    if figure is None:
        parts.append(_gap_text(_("vises ikke"), AXIS_START, y + 4))
        return _("vises ikke")
    if figure.get("suppressed"):
        parts.append(_gap_text(hidden_label(figure), AXIS_START, y + 4))
        return hidden_reason(figure)
    mean = figure.get("mean")
    if mean is None:
        parts.append(_gap_text(_("ingen svar"), AXIS_START, y + 4))
        return _("ingen svar")
    margin = figure.get("margin") if kind == "employee" else None
    written = _one(mean)
    if margin:
        low, high = _x(mean - margin), _x(mean + margin)
        colour = MARKS[kind][1]
        parts.append(tag("line", x1=low, x2=high, y1=y, y2=y, stroke=colour, stroke_width=2))
        for end in (low, high):
            parts.append(
                tag("line", x1=end, x2=end, y1=y - 5, y2=y + 5, stroke=colour, stroke_width=2)
            )
        written = _("%(mean)s ± %(margin)s") % {"mean": _one(mean), "margin": _one(margin)}
    parts.append(_mark(kind, _x(mean), y, data_mean=mean, data_group=kind))
    parts.append(
        tag("text", text(written), x=DOT_WIDTH - 2, y=y + 4, text_anchor="end", fill=DARK_TEXT)
    )
    return written


def _grid(ticks: list[float], centre: float, zero: float | None = None) -> list[str]:
    """The grid lines of one row of a chart, around its marks only (not across its text)."""
    return [
        tag(
            "line",
            x1=tick,
            x2=tick,
            y1=centre - 9,
            y2=centre + 9,
            stroke=MUTED if tick == zero else GRID,
            stroke_width=1.5 if tick == zero else 1,
        )
        for tick in ticks
    ]


# 3. The summary at the top of the leader's report: self minus employees, per statement.

GAP_WIDTH, GAP_CENTRE, GAP_HALF, LINE = 340, 170, 120, 15
WRAP = 50  # characters of a statement on one line of a chart


def gaps(sections: Iterable[Mapping[str, Any]]) -> SafeString:
    """Every statement's gap between the leader's own rating and the employees' mean, with the
    margin of the employees' mean as an interval; a hidden or missing figure as its reason."""
    items = [item for section in sections for item in section["items"]]
    if not items:
        return _markup("")
    reach = 1.0
    for item in items:
        if item.get("gap") is not None:
            margin = item["groups"]["employee"].get("margin") or 0
            reach = max(reach, abs(item["gap"]) + margin)
    reach = float(min(4, -(-reach // 1)))  # whole points, at most the scale's 4

    def x(value: float) -> float:
        return scale(
            max(-reach, min(reach, value)),
            -reach,
            reach,
            GAP_CENTRE - GAP_HALF,
            GAP_CENTRE + GAP_HALF,
        )

    parts = [
        tag("text", text(_("← Skjult styrke")), x=0, y=12, fill=DARK_TEXT, font_weight="bold"),
        tag(
            "text",
            text(_("Blind plet →")),
            x=GAP_WIDTH,
            y=12,
            text_anchor="end",
            fill=DARK_TEXT,
            font_weight="bold",
        ),
    ]
    y = 24.0
    rows, said = [], []
    for item in items:
        lines = wrap(str(item.get("text", "")), WRAP)
        for line in lines:
            y += LINE
            rows.append(tag("text", text(line), x=0, y=y - 3, fill=DARK_TEXT))
        centre = y + 11
        if item.get("gap") is not None:
            rows.extend(
                _grid([x(step) for step in range(-int(reach), int(reach) + 1)], centre, x(0))
            )
        sentence = _gap_row(item, centre, x, rows)
        said.append(f"“{item.get('text', '')}”: {sentence}")
        y += 24
    bottom = y
    ticks = []
    for step in range(-int(reach), int(reach) + 1):
        ticks.append(
            tag(
                "text",
                text(f"+{step}" if step > 0 else f"−{-step}" if step else "0"),
                x=x(step),
                y=bottom + 14,
                text_anchor="middle",
                fill=DARK_TEXT,
            )
        )
    title = _(
        "Forskellen mellem din egen vurdering og medarbejdernes gennemsnit pr. udsagn (positiv: du "
        "vurderer dig højere, en mulig blind plet; negativ: lavere, en mulig skjult styrke), med "
        "usikkerheden på medarbejdernes gennemsnit: %(rows)s."
    ) % {"rows": "; ".join(said)}
    return _markup(
        _svg(
            _id("gaps"),
            title,
            GAP_WIDTH,
            bottom + 20,
            "".join(ticks + parts + rows),
            "omstil-chart-gaps",
        )
    )


def _gap_row(item: Mapping[str, Any], centre: float, x: Any, rows: list[str]) -> str:
    employee = item["groups"].get("employee") or {}
    own = item["groups"].get("self") or {}
    gap = item.get("gap")
    if gap is None:
        if employee.get("suppressed"):
            why = hidden_reason(employee)
        elif employee.get("mean") is None:
            why = _("ingen svar fra medarbejderne")
        elif own.get("suppressed"):
            why = hidden_reason(own)
        else:
            why = _("ingen egen vurdering")
        rows.append(_gap_text(why, 0, centre + 4))
        return why
    colour = BLIND_SPOT if gap >= 0.5 else HIDDEN_STRENGTH if gap <= -0.5 else ALIKE
    start, end = sorted((x(0), x(gap)))
    rows.append(
        tag(
            "rect",
            x=start,
            y=centre - 6,
            width=max(end - start, 1.5),
            height=12,
            fill=colour,
            data_gap=gap,
        )
    )
    margin = employee.get("margin") or 0
    outer = gap
    if margin:
        low, high = x(gap - margin), x(gap + margin)
        rows.append(
            tag("line", x1=low, x2=high, y1=centre, y2=centre, stroke=DARK_TEXT, stroke_width=1.5)
        )
        for edge in (low, high):
            rows.append(
                tag(
                    "line",
                    x1=edge,
                    x2=edge,
                    y1=centre - 4,
                    y2=centre + 4,
                    stroke=DARK_TEXT,
                    stroke_width=1.5,
                )
            )
        outer = gap + margin if gap >= 0 else gap - margin
    label = _signed(gap)
    if gap >= 0:
        rows.append(tag("text", text(label), x=x(outer) + 4, y=centre + 4, fill=DARK_TEXT))
    else:
        rows.append(
            tag(
                "text", text(label), x=x(outer) - 4, y=centre + 4, text_anchor="end", fill=DARK_TEXT
            )
        )
    if gap >= 0.5:
        kind = _("en mulig blind plet")
    elif gap <= -0.5:
        kind = _("en mulig skjult styrke")
    else:
        kind = _("omtrent ens")
    if margin:
        return _("%(gap)s (± %(margin)s), %(kind)s") % {
            "gap": label,
            "margin": _one(margin),
            "kind": kind,
        }
    return _("%(gap)s, %(kind)s") % {"gap": label, "kind": kind}


# 4. The trend: each statement's employee mean round by round (the leader report carries up to
# `services.TREND_ROUNDS` earlier rounds; a unit report, the previous one through its change).


def _trend_x(value: float) -> float:
    return scale(max(1.0, min(5.0, value)), 1, 5, TREND_START, TREND_END)


TREND_START, TREND_END = 16, 220


def _points(employee: Mapping[str, Any]) -> list[float | None]:
    """The employee means to draw, oldest first: the report's trend where it has one, else the
    previous round's mean worked back from the change the report gives."""
    trend = employee.get("trend")
    if trend and len(trend) >= 2:
        return [None if point["mean"] is None else float(point["mean"]) for point in trend]
    change, mean = employee.get("change"), employee.get("mean")
    if change is None or mean is None:
        return [None, None if mean is None else float(mean)]
    return [round(float(mean) - float(change), 2), float(mean)]


def trend(items: Iterable[Mapping[str, Any]], chart: str = "trend") -> SafeString:
    """Each statement's employee mean in the earlier rounds and in this one, where the report
    gives them (both figures shown, and the viewer could see the earlier reports)."""
    rows, said = [], []
    y = 24.0
    drawn = False
    for item in items:
        employee = (item.get("groups") or {}).get("employee")
        if employee is None or "change" not in employee:
            continue
        drawn = True
        for line in wrap(str(item.get("text", "")), WRAP):
            y += LINE
            rows.append(tag("text", text(line), x=0, y=y - 3, fill=DARK_TEXT))
        centre = y + 11
        points = _points(employee)
        if sum(point is not None for point in points) >= 2:
            rows.extend(_grid([_trend_x(v) for v in range(1, 6)], centre))
        said.append(f"“{item.get('text', '')}”: {_trend_row(points, centre, rows)}")
        y += 24
    if not drawn:
        return _markup("")
    bottom = y

    x = _trend_x
    parts = [
        tag("circle", cx=6, cy=8, r=4.5, fill="#ffffff", stroke=DARK_TEXT, stroke_width=2),
        tag("text", text(_("Tidligere runder")), x=16, y=12, fill=DARK_TEXT),
        tag(
            "circle",
            cx=156,
            cy=8,
            r=4.5,
            fill=EMPLOYEE_COLOUR,
            stroke=EMPLOYEE_COLOUR,
            stroke_width=2,
        ),
        tag("text", text(_("Denne runde")), x=166, y=12, fill=DARK_TEXT),
    ]
    for v in range(1, 6):
        parts.append(
            tag("text", text(str(v)), x=x(v), y=bottom + 14, text_anchor="middle", fill=DARK_TEXT)
        )
    title = _(
        "Medarbejdernes gennemsnit pr. udsagn på skalaen fra 1 til 5, runde for runde: %(rows)s."
    ) % {"rows": "; ".join(said)}
    return _markup(
        _svg(_id(chart), title, GAP_WIDTH, bottom + 20, "".join(parts + rows), "omstil-chart-trend")
    )


def _trend_row(points: list[float | None], centre: float, rows: list[str]) -> str:
    shown = [point for point in points if point is not None]
    if len(shown) < 2 or points[-1] is None:
        why = _("kan ikke vises for begge runder")
        rows.append(_gap_text(why, 0, centre + 4))
        return why
    x = _trend_x
    rows.append(
        tag(
            "polyline",
            points=" ".join(f"{number(x(point))},{number(centre)}" for point in shown),
            fill="none",
            stroke=MUTED,
            stroke_width=2,
        )
    )
    for index, point in enumerate(points):
        if point is None:
            continue
        latest = index == len(points) - 1
        rows.append(
            tag(
                "circle",
                cx=x(point),
                cy=centre,
                r=5,
                fill=EMPLOYEE_COLOUR if latest else "#ffffff",
                stroke=EMPLOYEE_COLOUR if latest else DARK_TEXT,
                stroke_width=2,
                data_mean=point,
            )
        )
    # Oldest shown, then the newest and the change between the last two shown: the row's text.
    change = round(shown[-1] - shown[-2], 2)
    written = " → ".join(_one(point) if point is not None else "–" for point in points)
    written = f"{written} ({_signed(change)})"
    rows.append(
        tag("text", text(written), x=GAP_WIDTH - 2, y=centre + 4, text_anchor="end", fill=DARK_TEXT)
    )
    return written


# 5. How many answered, per rater group, as bars.

RATE_LABELS = ("employee", "self", "superior", "peer")
RATE_START, RATE_END = 124, 222


def rates(
    rates: Mapping[str, Mapping[str, Any]] | None, minimum: int, chart: str = "rates"
) -> SafeString:
    """How many of those invited answered, per rater group, as bars; a count that is not shown
    as its reason."""
    if not rates:
        return _markup("")
    labels = {
        "employee": _("Medarbejdere"),
        "self": _("Lederne selv"),
        "superior": _("Overordnede ledere"),
        "peer": _("Kolleger"),
    }
    groups = [group for group in RATE_LABELS if group in rates]
    parts, said = [], []
    for number_, group in enumerate(groups):
        rate = rates[group]
        y = 4 + number_ * ROW
        centre = y + ROW / 2
        parts.append(tag("text", text(labels[group]), x=0, y=centre + 4, fill=DARK_TEXT))
        completed, invited = rate.get("completed"), rate.get("invited") or 0
        if completed is None:
            if rate.get("hidden") == "derived":
                why = _("skjult: kan regnes ud")
            else:
                why = _("færre end %(minimum)s inviteret") % {"minimum": minimum}
            parts.append(_gap_text(why, RATE_START, centre + 4))
            said.append(f"{labels[group]}: {why}")
            continue
        share = completed / invited if invited else 0.0
        parts.append(
            tag(
                "rect",
                x=RATE_START,
                y=centre - 7,
                width=RATE_END - RATE_START,
                height=14,
                fill="#ffffff",
                stroke=MUTED,
                stroke_width=1,
            )
        )
        if completed:
            parts.append(
                tag(
                    "rect",
                    x=RATE_START,
                    y=centre - 7,
                    width=share * (RATE_END - RATE_START),
                    height=14,
                    fill=EMPLOYEE_COLOUR,
                    data_completed=completed,
                    data_invited=invited,
                )
            )
        written = _("%(completed)s af %(invited)s (%(percent)s %%)") % {
            "completed": completed,
            "invited": invited,
            "percent": round(share * 100),
        }
        parts.append(tag("text", text(written), x=RATE_END + 6, y=centre + 4, fill=DARK_TEXT))
        said.append(f"{labels[group]}: {written}")
    title = _("Hvor mange af de inviterede der har svaret: %(rows)s.") % {"rows": "; ".join(said)}
    height = 8 + ROW * len(groups)
    return _markup(_svg(_id(chart), title, GAP_WIDTH, height, "".join(parts), "omstil-chart-rates"))


def answer_legend() -> SafeString:
    """The colours of the answers 1-5 in the distribution bars, as a list."""
    entries = []
    for value, colour in enumerate(ANSWER_COLOURS, start=1):
        name = {1: _("Helt uenig"), 5: _("Helt enig")}.get(value)
        swatch = (
            f'<svg xmlns="{SVG_NS}" width="16" height="16" viewBox="0 0 16 16" '
            f'aria-hidden="true" focusable="false">'
            + tag("rect", x=0.5, y=0.5, width=15, height=15, fill=colour, stroke=MUTED)
            + "</svg>"
        )
        label = f"{value} ({name})" if name else str(value)
        entries.append(f"<li>{swatch} {text(label)}</li>")
    return _markup('<ul class="unstyled-list omstil-chart-legend">' + "".join(entries) + "</ul>")
