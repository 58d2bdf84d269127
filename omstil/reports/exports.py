"""Reports as rows, and one adapter that writes rows to an Excel workbook (for HR analysts).

Every text goes in as data, never as a formula (`omstil.lib.sheets`). Beside the numbers stand
native Excel charts that read those cells: the means of every row, and on the employees' sheet
their distribution 1-5 and their means with the margin. A hidden figure is an empty cell with
its reason beside it, and the charts show empty cells as gaps, never as zeros."""

import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, MultiLevelStrRef, NumDataSource, NumRef, StrRef
from openpyxl.chart.error_bar import ErrorBars
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from omstil.lib.sheets import append_row


def report_rows(report: dict[str, Any]) -> Iterator[list[object]]:
    """One row per statement and rater group; hidden figures stay empty with the reason."""
    yield [
        _("Udsagn (nøgle)"),
        _("Tema"),
        _("Udsagn"),
        _("Svargruppe"),
        _("Svar (1–5)"),
        _("Gennemsnit"),
        "1",
        "2",
        "3",
        "4",
        "5",
        _("Ved ikke"),
        _("Ønsker ikke at oplyse"),
        _("Skjult"),
        _("Ændring siden sidst"),
        _("Organisationen"),
        _("Samme niveau"),
    ]
    for item in report["items"]:
        compared = item.get("comparisons") or {}
        for group, figure in item["groups"].items():
            distribution = figure["distribution"] or {}
            employees = group == "employee"
            yield [
                item["key"],
                item["theme"],
                item["text"],
                group,
                figure["n"],
                figure["mean"],
                *(distribution.get(str(value)) for value in range(1, 6)),
                figure["dont_know"],
                figure["prefer_not"],
                figure["reason"] or "",
                figure.get("change"),
                *(
                    (compared.get(scope) or {}).get("mean") if employees else None
                    for scope in ("organisation", "level")
                ),
            ]


def heat_map_rows(report: dict[str, Any]) -> Iterator[list[object]]:
    """A unit report's heat map: one row per statement, one column per sub-unit or leader."""
    columns = report.get("sub_units") or []
    yield [_("Udsagn (nøgle)"), _("Udsagn"), *(column["label"] for column in columns)]
    for item in report["items"]:
        cells = [column["items"][item["key"]] for column in columns]
        yield [
            item["key"],
            item["text"],
            *(
                _("vises ikke")
                if cell is None
                else _("skjult")
                if cell["suppressed"]
                else cell["mean"]
                for cell in cells
            ),
        ]


def employee_rows(report: dict[str, Any]) -> Iterator[list[object]]:
    """The employees' figures, one row per statement: what the charts beside them draw."""
    yield [
        _("Udsagn (nøgle)"),
        _("Udsagn"),
        _("Svar (1–5)"),
        _("Gennemsnit"),
        _("Usikkerhed (±)"),
        "1",
        "2",
        "3",
        "4",
        "5",
        _("Ved ikke"),
        _("Ønsker ikke at oplyse"),
        _("Skjult"),
    ]
    for item in report["items"]:
        figure = item["groups"].get("employee")
        if figure is None:
            continue
        distribution = figure["distribution"] or {}
        yield [
            item["key"],
            item["text"],
            figure["n"],
            figure["mean"],
            figure.get("margin"),
            *(distribution.get(str(value)) for value in range(1, 6)),
            figure["dont_know"],
            figure["prefer_not"],
            figure["reason"] or "",
        ]


# Where the columns of the two sheets are (1 is A), as the rows above write them.
ROWS_TEXT, ROWS_GROUP, ROWS_MEAN = 3, 4, 6
EMPLOYEE_TEXT, EMPLOYEE_MEAN, EMPLOYEE_MARGIN, EMPLOYEE_ONE, EMPLOYEE_FIVE = 2, 4, 5, 6, 10


def _means_chart(sheet: Worksheet, *, last: int, anchor: str) -> None:
    """Every row's mean as a horizontal bar, the statement and rater group as its label."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = _("Gennemsnit (1–5)")
    chart.display_blanks = "gap"
    chart.add_data(
        Reference(sheet, min_col=ROWS_MEAN, min_row=1, max_row=last), titles_from_data=True
    )
    labels = Reference(sheet, min_col=ROWS_TEXT, max_col=ROWS_GROUP, min_row=2, max_row=last)
    chart.series[0].cat = AxDataSource(multiLvlStrRef=MultiLevelStrRef(f=str(labels)))
    _scale(chart)
    chart.height, chart.width = max(7.5, 0.5 * last), 18
    sheet.add_chart(chart, anchor)


def _scale(chart: BarChart) -> None:
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 5
    chart.y_axis.majorUnit = 1
    chart.x_axis.scaling.orientation = "maxMin"  # the first statement at the top
    chart.legend = None


def _employee_charts(sheet: Worksheet, *, last: int, anchor: str, beside: str) -> None:
    """The employees' distribution 1-5 as stacked bars, and their means with the margin."""
    statements = Reference(sheet, min_col=EMPLOYEE_TEXT, min_row=2, max_row=last)
    spread = BarChart()
    spread.type = "bar"
    spread.grouping = "stacked"
    spread.overlap = 100
    spread.title = _("Medarbejdernes svar 1–5")
    spread.display_blanks = "gap"
    spread.add_data(
        Reference(sheet, min_col=EMPLOYEE_ONE, max_col=EMPLOYEE_FIVE, min_row=1, max_row=last),
        titles_from_data=True,
    )
    for series in spread.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(statements)))
    spread.x_axis.scaling.orientation = "maxMin"
    spread.height, spread.width = max(7.5, 0.8 * last), 18
    sheet.add_chart(spread, anchor)

    means = BarChart()
    means.type = "bar"
    means.title = _("Medarbejdernes gennemsnit med usikkerhed")
    means.display_blanks = "gap"
    means.add_data(
        Reference(sheet, min_col=EMPLOYEE_MEAN, min_row=1, max_row=last), titles_from_data=True
    )
    means.series[0].cat = AxDataSource(strRef=StrRef(f=str(statements)))
    margin = Reference(sheet, min_col=EMPLOYEE_MARGIN, min_row=2, max_row=last)
    margins = NumDataSource(numRef=NumRef(f=str(margin)))
    means.series[0].errBars = ErrorBars(
        errBarType="both", errValType="cust", noEndCap=False, plus=margins, minus=margins
    )
    _scale(means)
    means.height, means.width = max(7.5, 0.8 * last), 18
    sheet.add_chart(means, beside)


def _fill(sheet: Any, rows: Iterator[list[object]], freeze: str) -> None:
    """Rows into a sheet, the first one a bold header that stays in view."""
    for number, row in enumerate(rows):
        append_row(sheet, row)
        if number == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = freeze


def to_xlsx(report: dict[str, Any], title: str) -> bytes:
    """The report as a workbook: one sheet of rows, one of the employees' figures by statement,
    each with charts beside the numbers, and for a unit a sheet with its heat map."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    _fill(sheet, report_rows(report), "A2")
    if sheet.max_row > 1:
        _means_chart(sheet, last=sheet.max_row, anchor="S2")
    employees = workbook.create_sheet(_("Medarbejdernes svar")[:31])
    _fill(employees, employee_rows(report), "C2")
    if employees.max_row > 1:
        _employee_charts(employees, last=employees.max_row, anchor="O2", beside="AA2")
    if report.get("sub_units"):
        _fill(workbook.create_sheet(_("Udsagn × enheder")[:31]), heat_map_rows(report), "C2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
