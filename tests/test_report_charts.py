"""The report's charts are views of the figures its tables show: checked against those figures.

The SVG of a generated round is read with xml.etree: bar segments as wide as the counts, dots
where the means are, hidden figures absent and explained; the same charts in the PDF (their
labels as text, each inside the page); the workbook's native charts over the right cells; and
the colour scale of the heat maps, shared with the competence mapping.
"""

import itertools
import re
import xml.etree.ElementTree as ET
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse

from omstil.accounts.services import set_up_user
from omstil.lib import charts as scale
from omstil.reports import charts
from omstil.reports.rendering import leader_context, leader_html
from omstil.reports.services import unit_report
from tests.conftest import PASSWORD
from tests.rounds_helpers import KEYS

SVG = "{http://www.w3.org/2000/svg}"
SOCIAL = "Fjordby Kommune / Social"
HIDDEN = "skjult for at beskytte en mindre gruppe"


def svgs(html: str) -> dict[str, ET.Element]:
    """Every chart of a page, by the id of its title (`chart-<kind>-<statement>`)."""
    found = {}
    for markup in re.findall(r"<svg .*?</svg>", html, flags=re.S):
        element = ET.fromstring(markup)  # noqa: S314 (our own page, in a test)
        if element.get("role") != "img":
            continue  # a legend's swatch
        title = element.find(f"{SVG}title")
        assert title is not None
        assert element.get("aria-labelledby") == title.get("id")
        assert (title.text or "").strip()
        found[str(title.get("id")).removesuffix("-title")] = element
    return found


def title_of(chart: ET.Element) -> str:
    title = chart.find(f"{SVG}title")
    assert title is not None
    return title.text or ""


def texts(chart: ET.Element) -> list[str]:
    return [element.text or "" for element in chart.iter(f"{SVG}text")]


def centre_x(mark: ET.Element) -> float:
    """Where a mark of the dot plot stands: a circle's centre, a square's or polygon's middle."""
    if mark.tag == f"{SVG}circle":
        return float(mark.get("cx", "nan"))
    if mark.tag == f"{SVG}rect":
        return float(mark.get("x", "nan")) + float(mark.get("width", "nan")) / 2
    xs = [float(point.split(",")[0]) for point in mark.get("points", "").split()]
    return (min(xs) + max(xs)) / 2


def axis_x(value: float) -> float:
    return charts.AXIS_START + (value - 1) / 4 * (charts.AXIS_END - charts.AXIS_START)


@pytest.fixture
def cecilie(db):
    return set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")


def leader_page(client, user, round_, **params):
    client.login(username=user.email, password=PASSWORD)
    response = client.get(reverse("reports:leader", args=[round_.pk, "3"]), params)
    assert response.status_code == 200
    return response


def test_each_bar_segment_is_as_wide_as_its_count(client, closed, cecilie):
    html = leader_page(client, cecilie, closed).content.decode()
    drawn = svgs(html)
    report = leader_context(closed, "3", "da", cecilie)["report"]
    shown = [item for item in report["items"] if not item["groups"]["employee"]["suppressed"]]
    assert len(shown) == 3  # the fixture's two others are hidden
    for item in shown:
        figure = item["groups"]["employee"]
        bar = drawn[f"chart-distribution-{item['key']}"]
        segments = list(bar.iter(f"{SVG}rect"))
        counts = {int(key): count for key, count in figure["distribution"].items() if count}
        assert [int(rect.get("data-value", "0")) for rect in segments] == sorted(counts)
        for rect in segments:
            count = counts[int(rect.get("data-value", "0"))]
            assert int(rect.get("data-count", "0")) == count
            assert float(rect.get("width", "0")) == pytest.approx(
                count / figure["n"] * charts.BAR_WIDTH, abs=0.01
            )
        assert sum(float(rect.get("width", "0")) for rect in segments) == pytest.approx(
            charts.BAR_WIDTH, abs=0.05
        )
        # The opt-outs stand beside the bar, never in it.
        assert "Ved ikke" not in " ".join(texts(bar))
        beside = html.split(f'id="chart-distribution-{item["key"]}-title"')[1].split("</div>")[0]
        assert f"Ved ikke: {figure['dont_know']}" in beside
        assert f"Ønsker ikke at oplyse: {figure['prefer_not']}" in beside


def test_the_dots_stand_at_the_means_with_the_employees_margin(client, closed, cecilie):
    drawn = svgs(leader_page(client, cecilie, closed).content.decode())
    report = leader_context(closed, "3", "da", cecilie)["report"]
    for item in report["items"]:
        plot = drawn[f"chart-means-{item['key']}"]
        marks = {mark.get("data-group"): mark for mark in plot.iter() if mark.get("data-group")}
        for group in ("employee", "self", "superior"):
            figure = item["groups"][group]
            if figure["suppressed"]:
                assert group not in marks  # no mark at all, not a zero
                continue
            assert float(marks[group].get("data-mean", "nan")) == figure["mean"]
            assert centre_x(marks[group]) == pytest.approx(axis_x(figure["mean"]), abs=0.01)
        shapes = {marks[group].tag for group in marks}
        assert len(shapes) == len(marks)  # each mark its own shape, not only its own colour
        employee = item["groups"]["employee"]
        if not employee["suppressed"]:
            ends = sorted(
                float(line.get("x1", "nan"))
                for line in plot.iter(f"{SVG}line")
                if line.get("x1") == line.get("x2")
                and line.get("stroke") == charts.MARKS["employee"][1]
            )
            low = max(1, employee["mean"] - employee["margin"])
            high = min(5, employee["mean"] + employee["margin"])
            assert ends == pytest.approx([axis_x(low), axis_x(high)], abs=0.01)
            assert f"{employee['mean']:.1f} ± {employee['margin']:.1f}".replace(".", ",") in (
                texts(plot)
            )
        # The comparisons are hidden here (too few leaders): said, not drawn as a mark.
        assert item["comparisons"] == {"organisation": None, "level": None}
        assert texts(plot).count("vises ikke") == 2


def test_a_hidden_figure_is_an_explained_gap_never_a_zero(client, closed, cecilie):
    html = leader_page(client, cecilie, closed).content.decode()
    drawn = svgs(html)
    hidden = KEYS[3]  # one of her five employees did not know: four answers, below five
    assert f"chart-distribution-{hidden}" not in drawn
    assert f"Medarbejdernes fordeling: {HIDDEN}." in html
    plot = drawn[f"chart-means-{hidden}"]
    assert not [mark for mark in plot.iter() if mark.get("data-group") == "employee"]
    assert "skjult: lille gruppe" in texts(plot)
    assert f"Medarbejdere: {HIDDEN}" in title_of(plot)
    summary = drawn["chart-gaps"]
    assert len([rect for rect in summary.iter(f"{SVG}rect") if rect.get("data-gap")]) == 3
    assert texts(summary).count(HIDDEN) == 2
    assert not any(
        rect.get("data-count") == "0" for chart in drawn.values() for rect in chart.iter()
    )


def test_the_summary_draws_every_gap_from_zero_with_the_margin(client, closed, cecilie):
    drawn = svgs(leader_page(client, cecilie, closed).content.decode())
    sections = leader_context(closed, "3", "da", cecilie)["sections"]
    gaps = [item for section in sections for item in section["items"] if item["gap"] is not None]
    bars = [rect for rect in drawn["chart-gaps"].iter(f"{SVG}rect") if rect.get("data-gap")]
    assert [float(rect.get("data-gap", "nan")) for rect in bars] == [item["gap"] for item in gaps]
    reach = 3  # her largest gap (1.6) and its margin (1.1) reach 2.7: the axis runs to ±3
    for rect, item in zip(bars, gaps, strict=True):
        assert item["gap"] > 0  # she rates herself 5 on everything: blind spots, to the right
        assert float(rect.get("x", "nan")) == pytest.approx(charts.GAP_CENTRE)
        assert float(rect.get("width", "nan")) == pytest.approx(
            item["gap"] / reach * charts.GAP_HALF, abs=0.01
        )
        assert rect.get("fill") == charts.BLIND_SPOT
    assert "en mulig blind plet" in title_of(drawn["chart-gaps"])


def test_the_employees_only_version_has_no_self_and_no_summary(client, closed, cecilie):
    from omstil.rounds.models import Round

    Round.objects.filter(pk=closed.pk).update(
        visibility={**closed.visibility, "employee_version": True}
    )
    drawn = svgs(leader_page(client, cecilie, closed, version="medarbejdere").content.decode())
    assert "chart-gaps" not in drawn
    for key in KEYS:
        groups = {mark.get("data-group") for mark in drawn[f"chart-means-{key}"].iter()}
        assert groups - {None} <= {"employee"}


def test_the_trend_shows_then_and_now_where_the_report_has_the_change(client, later, cecilie):
    drawn = svgs(leader_page(client, cecilie, later).content.decode())
    report = leader_context(later, "3", "da", cecilie)["report"]
    trend = drawn["chart-trend"]
    dots = [float(circle.get("data-mean", "nan")) for circle in trend.iter(f"{SVG}circle")
            if circle.get("data-mean")]  # fmt: skip
    expected = []
    for item in report["items"]:
        employee = item["groups"]["employee"]
        if employee["change"] is not None:
            expected += [round(employee["mean"] - employee["change"], 2), employee["mean"]]
    assert dots == expected
    assert len(expected) == 6  # three statements shown in both rounds
    assert texts(trend).count("kan ikke vises for begge runder") == 2
    assert "3,6 → 5,0 (+1,4)" in texts(trend)


def test_no_trend_without_a_previous_round(client, closed, cecilie):
    assert "chart-trend" not in svgs(leader_page(client, cecilie, closed).content.decode())


@pytest.mark.parametrize("path", ["Fjordby Kommune", SOCIAL])
def test_a_unit_report_colours_its_heat_map_and_draws_rates_and_distributions(client, later, path):
    anne = set_up_user("anne@fjordby.example", PASSWORD)
    client.login(username=anne.email, password=PASSWORD)
    response = client.get(reverse("reports:unit", args=[later.pk]), {"enhed": path})
    html = response.content.decode()
    report = unit_report(later, path, "da", viewer=anne)
    drawn = svgs(html)
    bars = {
        rect.get("data-completed"): rect
        for rect in drawn["chart-rates"].iter(f"{SVG}rect")
        if rect.get("data-completed")
    }
    for rate in report["response_rate"].values():
        if rate["completed"] is None:
            continue  # its reason instead of a bar
        bar = bars.pop(str(rate["completed"]))
        assert int(bar.get("data-invited", "0")) == rate["invited"]
        assert float(bar.get("width", "nan")) == pytest.approx(
            rate["completed"] / rate["invited"] * (charts.RATE_END - charts.RATE_START), abs=0.01
        )
    assert not bars
    reasons = [
        text for text in texts(drawn["chart-rates"]) if "inviteret" in text or "regnes" in text
    ]
    assert len(reasons) == sum(
        1 for r in report["response_rate"].values() if r["completed"] is None
    )
    for item in report["items"]:
        figure = item["groups"]["employee"]
        assert (f"chart-distribution-{item['key']}" in drawn) == (not figure["suppressed"])
    heat = html.split("Udsagn × enheder", 1)[1].split("På tværs af enhederne")[0]
    coloured = 0
    for column in report["sub_units"]:
        for cell in column["items"].values():
            if cell["suppressed"] or cell["mean"] is None:
                continue
            number = f"{cell['mean']:.1f}".replace(".", ",")
            assert f'<td class="{scale.heat_class(cell["mean"])}">{number}' in heat
            coloured += 1
    assert coloured
    assert heat.count('<td class="omstil-heat-step-') == coloured


def test_the_colour_scale_reads_in_greyscale_and_every_number_on_it(db):
    steps = scale.steps()
    lightness = [scale.luminance(step.background) for step in steps]
    assert lightness == sorted(lightness, reverse=True)  # lighter to darker, step by step
    assert all(a - b > 0.03 for a, b in itertools.pairwise(lightness))
    for step in steps:
        assert scale.contrast(step.text, step.background) >= 4.5
    answers = [scale.luminance(colour) for colour in scale.ANSWER_COLOURS]
    assert answers == sorted(answers, reverse=True)
    assert [scale.heat_step(v) for v in (1.0, 1.44, 1.45, 2.94, 2.96, 4.49, 4.5, 5.0)] == [
        0, 0, 1, 3, 4, 7, 7, 7,  # 2.96 is written 3,0
    ]  # fmt: skip
    assert scale.heat_step(None) is None


def test_the_pages_and_the_pdfs_colour_the_heat_map_with_the_same_rules():
    root = Path(__file__).resolve().parents[1] / "omstil"
    css = (root / "core" / "static" / "omstil" / "omstil.css").read_text()
    for rule in scale.heat_css().splitlines():
        assert rule in css
    from django.template.loader import render_to_string

    assert scale.heat_css() in render_to_string("reports/_print_style.html")


def test_the_competence_map_uses_the_same_scale(client, db):
    from tests.mapping_helpers import EVERYONE, HJEMMEPLEJEN, closed_mapping, mapping_kommune

    round_ = closed_mapping(mapping_kommune(), EVERYONE)
    client.force_login(set_up_user("cecilie@fjordby.example", PASSWORD))
    html = client.get(
        reverse("mapping:unit", args=[round_.pk]), {"enhed": HJEMMEPLEJEN}
    ).content.decode()
    cells = re.findall(r'<td class="(omstil-heat-step-\d)">(\d,\d)', html)
    assert cells
    for css_class, written in cells:
        assert css_class == scale.heat_class(float(written.replace(",", ".")))
    assert 'omstil-heat-legend"' in html


def test_the_pdf_has_the_charts_as_text_and_inside_the_page(client, closed, cecilie):
    from pypdf import PdfReader

    pdf = leader_page(client, cecilie, closed, format="pdf").content
    assert pdf.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", " ", text)
    for label in ("← Skjult styrke", "Blind plet →", "Helt uenig", "Overordnet leder", "+1,4"):
        assert label in flat
    assert "3,6 ± 1,4" in flat
    assert "Ved ikke: 0" in flat
    # Laid out, every chart fits the page's width.
    from weasyprint import HTML

    document = HTML(string=leader_html(closed, "3", viewer=cecilie)).render()
    boxes = []

    def walk(box, page_width):
        if str(getattr(box, "element_tag", "") or "").endswith("svg"):
            boxes.append((box.position_x, box.width, page_width))
        for child in getattr(box, "children", []):
            walk(child, page_width)

    for page in document.pages:
        walk(page._page_box, page.width)
    svgs_in_pdf = [box for box in boxes if box[1] > 50]
    assert len(svgs_in_pdf) >= 1 + 2 * 3 + 2  # the summary, 3 bars and 5 dot plots
    for x, width, page_width in svgs_in_pdf:
        assert x >= 0
        assert x + width <= page_width


def test_the_workbook_has_native_charts_over_its_numbers(client, closed, cecilie):
    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(leader_page(client, cecilie, closed, format="xlsx").content))
    rows, employees = workbook.worksheets[0], workbook["Medarbejdernes svar"]
    last = rows.max_row
    (means,) = rows._charts  # type: ignore[attr-defined]
    assert means.series[0].val.numRef.f == f"'{rows.title}'!$F$2:$F${last}"
    assert means.series[0].tx.strRef.f.replace("$", "") == f"'{rows.title}'!F1"
    assert means.series[0].cat.multiLvlStrRef.f == f"'{rows.title}'!$C$2:$D${last}"
    assert means.display_blanks == "gap"  # a hidden mean is a gap, not a zero

    spread, with_margin = employees._charts  # type: ignore[attr-defined]
    assert len(employees["A"]) == 1 + len(KEYS)
    refs = [series.val.numRef.f for series in spread.series]
    assert refs == [f"'Medarbejdernes svar'!${c}$2:${c}$6" for c in "FGHIJ"]
    assert spread.grouping == "stacked"
    assert spread.series[0].cat.strRef.f == "'Medarbejdernes svar'!$B$2:$B$6"
    assert with_margin.series[0].val.numRef.f == "'Medarbejdernes svar'!$D$2:$D$6"
    assert with_margin.series[0].errBars.plus.numRef.f == "'Medarbejdernes svar'!$E$2:$E$6"
    values = {row[0].value: [cell.value for cell in row] for row in employees.iter_rows(min_row=2)}
    first = leader_context(closed, "3", "da", cecilie)["report"]["items"][0]["groups"]["employee"]
    assert values[KEYS[0]][2:10] == [5, 3.6, first["margin"], 0, 1, 1, 2, 1]
    assert values[KEYS[3]][3] is None  # hidden: an empty cell the charts skip
    assert values[KEYS[3]][12] == HIDDEN


@pytest.fixture
def third(later):
    """A third closed round a day after `later`: the leader's trend has three rounds."""
    from tests.report_fixtures import next_round

    return next_round(later, ["4", "4", "4", "4", "4"])


def test_the_trend_follows_the_leader_round_by_round_from_the_same_figures(
    client, closed, later, third, cecilie
):
    report = leader_context(third, "3", "da", cecilie)["report"]
    first = report["items"][0]["groups"]["employee"]
    # The first statement: 3.6 (round 1), 5.0 (round 2), 4.0 (now), each the shown figure.
    assert [point["round"] for point in first["trend"]] == [closed.pk, later.pk, third.pk]
    assert [point["mean"] for point in first["trend"]] == [3.6, 5.0, 4.0]
    drawn = svgs(leader_page(client, cecilie, third).content.decode())
    trend = drawn["chart-trend"]
    dots = [
        float(c.get("data-mean", "nan")) for c in trend.iter(f"{SVG}circle") if c.get("data-mean")
    ]
    expected = [
        point["mean"]
        for item in report["items"]
        for point in item["groups"]["employee"]["trend"]
        if point["mean"] is not None
    ]
    assert dots == expected
    assert "3,6 → 5,0 → 4,0 (-1,0)" in texts(trend)
    assert "runde for runde" in title_of(trend)


def test_the_trend_stops_at_a_round_the_viewer_could_not_see(client, closed, later, third):
    from omstil.rounds.models import Round

    Round.objects.filter(pk=later.pk).update(visibility={"leader": False})
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    report = leader_context(third, "3", "da", cecilie)["report"]
    # The middle round's report was not hers to see: no trend, no change through it.
    assert report["previous_round"] is None
    assert "trend" not in report["items"][0]["groups"]["employee"]
