"""Reports as rows, and one adapter that writes rows to an Excel workbook (for HR analysts)."""

import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


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
    ]
    for item in report["items"]:
        for group, figure in item["groups"].items():
            distribution = figure["distribution"] or {}
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
            ]


def to_xlsx(report: dict[str, Any], title: str) -> bytes:
    """The report as a workbook with one sheet of rows and a header row in bold."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    for number, row in enumerate(report_rows(report)):
        sheet.append(row)
        if number == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
