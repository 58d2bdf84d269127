"""Build HR files for tests: the same people in any encoding, delimiter, header language or XLSX."""

import csv
import io

from omstil.site.demo.organisation import HEADER

DANISH = HEADER
ENGLISH = [
    "employee_id",
    "name",
    "email",
    "unit",
    "is_leader",
    "reports_to",
    "job_family",
    "language",
]

# A small kommune: a director, two departments, one of them with two teams.
PEOPLE = [
    ["1", "Anne Direktør", "anne@fjordby.example", "Fjordby Kommune", "ja", "", "Direktion", "da"],
    [
        "2",
        "Bo Socialchef",
        "bo@fjordby.example",
        "Fjordby Kommune / Social",
        "ja",
        "",
        "Chef",
        "da",
    ],
    [
        "3",
        "Cecilie Ærø",
        "cecilie@fjordby.example",
        "Fjordby Kommune / Social / Hjemmeplejen",
        "ja",
        "",
        "Leder",
        "da",
    ],
    [
        "4",
        "Dorte Østergaard",
        "dorte@fjordby.example",
        "Fjordby Kommune / Social / Hjemmeplejen",
        "nej",
        "",
        "SOSU-assistent",
        "da",
    ],
    [
        "5",
        "Emil Åberg",
        "emil@fjordby.example",
        "Fjordby Kommune / Social / Hjemmeplejen",
        "nej",
        "",
        "SOSU-hjælper",
        "en",
    ],
    [
        "6",
        "Frida Holm",
        "frida@fjordby.example",
        "Fjordby Kommune / Social / Hjemmeplejen",
        "nej",
        "",
        "Sygeplejerske",
        "da",
    ],
    [
        "7",
        "Gustav Berg",
        "gustav@fjordby.example",
        "Fjordby Kommune / Teknik",
        "ja",
        "",
        "Chef",
        "da",
    ],
    [
        "8",
        "Hanne Lund",
        "hanne@fjordby.example",
        "Fjordby Kommune / Teknik",
        "nej",
        "",
        "Ingeniør",
        "da",
    ],
    [
        "9",
        "Ib Krogh",
        "ib@fjordby.example",
        "Fjordby Kommune / Teknik",
        "nej",
        "2",
        "Ingeniør",
        "da",
    ],
]


def csv_file(
    rows: list[list[str]] | None = None,
    *,
    header: list[str] | None = None,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header or DANISH)
    writer.writerows(PEOPLE if rows is None else rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows: list[list[object]] | None = None, *, header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header or DANISH)
    for row in PEOPLE if rows is None else rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def without(employee_id: str, rows: list[list[str]] | None = None) -> list[list[str]]:
    return [row for row in (PEOPLE if rows is None else rows) if row[0] != employee_id]


def changed(
    employee_id: str, column: int, value: str, rows: list[list[str]] | None = None
) -> list[list[str]]:
    return [
        [*row[:column], value, *row[column + 1 :]] if row[0] == employee_id else list(row)
        for row in (PEOPLE if rows is None else rows)
    ]
