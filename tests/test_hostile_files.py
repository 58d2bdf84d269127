"""Hostile files end in a clear error, within a memory bound, never a crash or an exhausted worker.

Each file is read in a child process whose address space is capped (`resource.setrlimit`), as
a web worker's or `omstil org import`'s would be; the test asserts the error it gives and the
most memory it used.
"""

import io
import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omstil.instruments.validation import load_file
from tests.hrfiles import csv_file, xlsx_file

ROOT = Path(__file__).resolve().parent.parent
ADDRESS_SPACE = 1536 * 1024 * 1024  # the cap on the child: a worker that tried would die
MEMORY_BOUND_MB = 400  # what reading any of these may cost at most (the child starts near 70)
CHILD = """
import json, os, resource, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
import django
django.setup()
from pathlib import Path
kind, path = sys.argv[1], Path(sys.argv[2])
if kind == "hr":
    from omstil.organisations.hrfile import read_hr_file
    errors = [problem.message for problem in read_hr_file(path.read_bytes()).errors]
else:
    from omstil.instruments.validation import load_file
    errors = [error.message for error in load_file(path)[1]]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"errors": errors, "peak_mb": peak}))
"""


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def read_in_child(kind: str, path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=_cap,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _workbook_with(member: str, chunks: int, chunk: bytes) -> bytes:
    """A real workbook with one member replaced by `chunks` × `chunk`, written as a stream."""
    original = zipfile.ZipFile(io.BytesIO(xlsx_file()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in original.infolist():
            if info.filename == member:
                continue
            bomb.writestr(info.filename, original.read(info.filename))
        with bomb.open(member, "w", force_zip64=False) as stream:
            for _ in range(chunks):
                stream.write(chunk)
    return buffer.getvalue()


def shared_strings_bomb() -> bytes:
    row = b"<si><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></si>" * 1024
    return _workbook_with("xl/sharedStrings.xml", 4096, row)  # 256 MiB of shared strings


def sheet_bomb() -> bytes:
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 4096
    return _workbook_with("xl/worksheets/sheet1.xml", 1200, row)  # 240 MiB of sheet


def many_members() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for number in range(1500):
            archive.writestr(f"xl/parts/{number}.xml", "")
    return buffer.getvalue()


def a_million_columns() -> bytes:
    return b";".join([b"medarbejdernummer", b"navn", b"email", b"enhed"] + [b"x"] * 1_000_000)


def styles_bomb() -> bytes:
    # 40 MB of styles, under the ratio: read whole by openpyxl, so refused by its size.
    chunk = bytes(range(256)) * 64
    return _workbook_with("xl/styles.xml", 40 * 1024 * 1024 // len(chunk), chunk)


def rows_far_apart() -> bytes:
    # A header, then a row numbered 999,999: openpyxl would fill every row between.
    cells = "".join(
        f'<c r="{column}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for column, name in zip(
            "ABCD", ["medarbejdernummer", "navn", "email", "enhed"], strict=True
        )
    )
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1">{cells}</row>'
        '<row r="999999"><c r="A999999" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return _workbook_with("xl/worksheets/sheet1.xml", 1, sheet.encode())


def a_cell_of_40_mb() -> bytes:
    return csv_file() + b'99;"' + b"a" * (40 * 1024 * 1024) + b'";n@x.dk;A\n'


def a_cell_of_100_mb_in_a_workbook() -> bytes:
    # One 100 MB inline string: compresses to next to nothing, so the ratio gives it away.
    cell = b'<row r="9"><c r="A9" t="inlineStr"><is><t>' + b"a" * (100 * 1024 * 1024)
    return _workbook_with("xl/worksheets/sheet1.xml", 1, cell + b"</t></is></c></row>")


HOSTILE_HR_FILES = {
    "a workbook whose shared strings inflate to 256 MiB": (
        shared_strings_bomb,
        "Excel-arket har for mange tekster.",
    ),
    "a workbook whose sheet inflates to 240 MiB": (
        sheet_bomb,
        "Excel-arket fylder unormalt meget, når det pakkes ud.",
    ),
    "a workbook of 1,500 parts": (many_members, "Excel-arket har for mange dele."),
    "a truncated workbook": (
        lambda: xlsx_file()[:3000],
        "Filen er hverken en CSV-fil eller et Excel-ark (XLSX).",
    ),
    "a CSV file in UTF-16": (
        lambda: csv_file().decode("utf-8").encode("utf-16"),
        "Filen er hverken en CSV-fil eller et Excel-ark (XLSX).",
    ),
    "a workbook whose styles take 40 MB": (
        styles_bomb,
        "Excel-arket har en del, der er unormalt stor.",
    ),
    "a sheet that jumps to row 999,999": (rows_far_apart, "Filen har mere end 300.000 rækker."),
    "a header of a million columns": (a_million_columns, "Rækken har mere end 50 kolonner."),
    "a CSV cell of 40 MB": (a_cell_of_40_mb, "Et felt i rækken er længere end 10.000 tegn."),
    "a workbook cell of 100 MB": (
        a_cell_of_100_mb_in_a_workbook,
        "Excel-arket fylder unormalt meget, når det pakkes ud.",
    ),
}


@pytest.mark.parametrize("name", HOSTILE_HR_FILES)
def test_a_hostile_hr_file_is_refused_within_the_memory_bound(name, tmp_path):
    make, message = HOSTILE_HR_FILES[name]
    path = tmp_path / "hr-file"
    data = make()
    assert len(data) <= 50 * 1024 * 1024
    path.write_bytes(data)
    read = read_in_child("hr", path)
    assert message in read["errors"], read["errors"]
    assert read["peak_mb"] < MEMORY_BOUND_MB, read


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    return "\n".join(lines) + "\n"


HOSTILE_INSTRUMENT_FILES = {
    "nested aliases (billion laughs)": (
        billion_laughs,
        "ugyldig YAML: aliasser (*navn) er ikke tilladt",
    ),
    "a list nested 100,000 deep": (
        lambda: "key: " + "[" * 100_000 + "]" * 100_000,
        "ugyldig YAML: strukturen er for dybt indlejret",
    ),
    "a file of 3 MB": (lambda: "# " + "x" * 3_000_000, "filen er for stor"),
}


@pytest.mark.parametrize("name", HOSTILE_INSTRUMENT_FILES)
def test_a_hostile_instrument_file_is_refused_within_the_memory_bound(name, tmp_path):
    make, message = HOSTILE_INSTRUMENT_FILES[name]
    path = tmp_path / "hostile.yaml"
    path.write_text(make(), encoding="utf-8")
    read = read_in_child("instrument", path)
    assert any(error.startswith(message) for error in read["errors"]), read["errors"]
    assert read["peak_mb"] < MEMORY_BOUND_MB, read


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(
        st.text(max_size=400), st.binary(max_size=400).map(lambda b: b.decode("latin-1"))
    )
)
def test_no_instrument_file_however_malformed_crashes_the_validation(tmp_path, text):
    path = tmp_path / "fuzzed.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    document, errors = load_file(path)
    assert (document is None) == bool(errors)
