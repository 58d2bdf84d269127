"""Reports as rows, and one adapter that writes rows to an Excel workbook (for HR analysts).

Every text goes in as data, never as a formula (`omstil.lib.sheets`)."""

import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

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


def _fill(sheet: Any, rows: Iterator[list[object]], freeze: str) -> None:
    """Rows into a sheet, the first one a bold header that stays in view."""
    for number, row in enumerate(rows):
        append_row(sheet, row)
        if number == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = freeze


def to_xlsx(report: dict[str, Any], title: str) -> bytes:
    """The report as a workbook: one sheet of rows, and for a unit a sheet with its heat map."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    _fill(sheet, report_rows(report), "A2")
    if report.get("sub_units"):
        _fill(workbook.create_sheet(_("Udsagn × enheder")[:31]), heat_map_rows(report), "C2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
