"""Rows into spreadsheets as data, never as formulas: the one helper every XLSX and CSV writer uses.

A text that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and
LibreOffice. A local statement, a leader's or a unit's name, a comment – anything that came from
a person – could be one (`=HYPERLINK("http://…","x")`). In XLSX every text is written as a
string cell; in CSV such a text gets a leading apostrophe, as OWASP recommends for CSV injection.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl is imported only by a process that writes a workbook
    from openpyxl.worksheet.worksheet import Worksheet

# The control characters an XLSX cell cannot hold (openpyxl's own `ILLEGAL_CHARACTERS_RE`).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> object:
    """A value for a CSV cell: a text that a spreadsheet would read as a formula is escaped."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_rows(rows: Iterable[Sequence[object]], *, delimiter: str = ";") -> str:
    """Rows as CSV text, every cell through `csv_text`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
    return buffer.getvalue()


def append_row(sheet: "Worksheet", row: Sequence[object]) -> None:
    """One row at the end of an XLSX sheet; every text is a string cell, never a formula."""
    sheet.append(
        [ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in row]
    )
    for cell, value in zip(sheet[sheet.max_row], row, strict=False):
        if isinstance(value, str):
            cell.data_type = "s"
