"""Every text Omstil writes to a spreadsheet is data: a formula from a person's text stays text."""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from omstil.lib.sheets import FORMULA_TRIGGERS, append_row, csv_rows
from omstil.rounds.models import EvaluatedLeader, LocalStatement

HOSTILE = '=HYPERLINK("http://evil.example","x")'
TEXTS = [trigger + "1+1" for trigger in FORMULA_TRIGGERS] + [HOSTILE, "@SUM(A1:A2)"]


def _formulas(workbook_bytes: bytes) -> list[str]:
    """Every formula element in any sheet of the workbook."""
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


def test_an_xlsx_row_keeps_every_text_as_a_string_cell():
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    append_row(sheet, [*TEXTS, 3, 2.5, None, "tab\x01"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _formulas(buffer.getvalue()) == []
    cells = next(load_workbook(buffer).worksheets[0].iter_rows())
    expected = [text.replace("\r", "\n") for text in TEXTS]  # XML reads a lone CR as LF
    assert [cell.value for cell in cells] == [*expected, 3, 2.5, None, "tab"]
    assert [cell.data_type for cell in cells[: len(TEXTS)]] == ["s"] * len(TEXTS)


def test_a_csv_row_escapes_every_text_a_spreadsheet_would_run():
    text = csv_rows([[*TEXTS, "Helt almindelig tekst", 4, -2]])
    cells = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert cells[: len(TEXTS)] == ["'" + value for value in TEXTS]
    assert cells[len(TEXTS) :] == ["Helt almindelig tekst", "4", "-2"]


@pytest.mark.parametrize("kind", ["leader", "unit"])
def test_report_workbooks_write_names_and_local_statements_as_text(closed, tmp_path, kind):
    LocalStatement.objects.create(
        round=closed, key="lokal-1", text={"da": HOSTILE, "en": HOSTILE}, position=0
    )
    leader = EvaluatedLeader.objects.get(round=closed, employee_id="3")
    EvaluatedLeader.objects.filter(round=closed, employee_id="7").update(name="-" + HOSTILE)
    subject = "3" if kind == "leader" else leader.unit_path.split(" / ")[0]
    path = tmp_path / "rapport.xlsx"
    call_command("report", kind, str(closed.pk), subject, "--format", "xlsx", "-o", str(path))
    data = path.read_bytes()
    assert _formulas(data) == []
    values = {
        cell.value
        for sheet in load_workbook(io.BytesIO(data)).worksheets
        for row in sheet.iter_rows()
        for cell in row
    }
    assert HOSTILE in values
