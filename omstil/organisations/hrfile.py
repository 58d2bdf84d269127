"""Read an HR system's export (CSV as Danish Excel writes it, or XLSX) into checked rows.

Every problem is collected with its row (the line in the file, header = 1), its column and a
reason, so HR can fix the whole file in one go. Nothing here touches the database.
"""

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from omstil.organisations.models import PATH_SEPARATOR

MAX_FILE_BYTES = 50 * 1024 * 1024
# A workbook is a zip: its members are refused by their uncompressed sizes before any is read,
# so that a small file cannot inflate in memory (a "zip bomb"). The largest real HR file, some
# 200,000 people, takes about a tenth of these.
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_SHARED_STRINGS = 64 * 1024 * 1024
# Every other part but the sheets (which are read as a stream) is read whole: styles, themes.
MAX_XLSX_OTHER_PART = 10 * 1024 * 1024
MAX_XLSX_RATIO = 100  # uncompressed ÷ compressed, for members over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
MAX_XLSX_MEMBERS = 1000
# Rows, columns and cells: far above any HR file, far below what would exhaust a worker.
# openpyxl fills the rows a sheet skips, each to the width read: the product bounds the work.
MAX_RECORDS = 300_000
MAX_COLUMNS = 50
MAX_CELL_CHARACTERS = 10_000
# What a damaged workbook makes openpyxl and the zip and XML readers under it raise.
XLSX_FAULTS = (
    OSError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    zipfile.BadZipFile,
    zlib.error,
    ElementTree.ParseError,
)

# Canonical field → accepted headers (compared case-insensitively, spaces and "-" ignored).
COLUMNS: dict[str, tuple[str, ...]] = {
    "employee_id": ("medarbejdernummer", "employee_id", "medarbejdernr", "employeeid"),
    "name": ("navn", "name"),
    "email": ("email", "e-mail", "mail"),
    "unit": ("enhed", "unit"),
    "is_leader": ("leder", "is_leader", "isleader"),
    "reports_to": ("refererer_til", "reports_to", "reportsto"),
    "job_family": ("faggruppe", "job_family", "jobfamily"),
    "language": ("sprog", "language"),
}
REQUIRED = ("employee_id", "name", "email", "unit")
DANISH_NAMES = {
    "employee_id": "medarbejdernummer",
    "name": "navn",
    "email": "email",
    "unit": "enhed",
    "is_leader": "leder",
    "reports_to": "refererer_til",
    "job_family": "faggruppe",
    "language": "sprog",
}
MAX_LENGTH = {
    "employee_id": 64,
    "name": 200,
    "email": 254,
    "job_family": 200,
}
MAX_UNIT_PART = 200
TRUE_WORDS = {"ja", "yes", "1", "true", "sand", "x", "j", "y"}
FALSE_WORDS = {"nej", "no", "0", "false", "falsk", "", "n"}
LANGUAGES = {"da", "en"}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    """One problem in the file: where it is and why it stops (or only warns about) the import."""

    row: int | None
    column: str | None
    message: str

    def as_json(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class PersonRow:
    """One person as the file describes them, cleaned and checked."""

    row: int
    employee_id: str
    name: str
    email: str
    unit_path: str
    is_leader: bool
    reports_to: str
    job_family: str
    language: str

    @property
    def unit_parts(self) -> list[str]:
        return self.unit_path.split(PATH_SEPARATOR)


@dataclass
class HRFile:
    """The rows of a file, or the reasons it cannot be used."""

    rows: list[PersonRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # canonical → as written in the file
    employee_ids: set[str] = field(default_factory=set)  # every id in the file, valid row or not


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "", text.strip().lstrip("\ufeff").lower())


_ALIASES = {
    _header_key(alias): canonical for canonical, aliases in COLUMNS.items() for alias in aliases
}


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class MostlyUTF8(Exception):
    """UTF-8 up to a byte that is not: a damaged UTF-8 file, not a Windows-1252 one."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _decode(data: bytes) -> str | None:
    """UTF-8 (with or without BOM), else Windows-1252 as older Danish Excel saves it.

    A file that is valid UTF-8 with letters like æøå until one bad byte is damaged UTF-8; read
    as Windows-1252 every æøå would change, and a sync would see everybody as moved.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        if any(byte >= 0x80 for byte in before):
            raise MostlyUTF8(before.count(b"\n") + 1) from None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each record; the delimiter is the one the header uses most."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", "\t", ","), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise _cell_too_long(line) from None
            raise CSVRowError(line) from None
        yield line, [cell.strip() for cell in cells]
        line = reader.line_num + 1


class CSVRowError(Exception):
    """A record the CSV reader cannot make sense of (usually a stray quotation mark)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class TooLarge(Exception):
    """A record past the limits on rows, columns or the length of a cell; `problem` says which."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _cell_too_long(line: int) -> TooLarge:
    return TooLarge(
        Problem(
            line,
            None,
            _("Et felt i rækken er længere end %(count)s tegn.")
            % {"count": number_format(MAX_CELL_CHARACTERS, force_grouping=True)},
        )
    )


def _within_limits(records: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """The records, stopping with TooLarge at the first one past a limit."""
    for count, (line, cells) in enumerate(records, start=1):
        if count > MAX_RECORDS:
            raise TooLarge(
                Problem(
                    line,
                    None,
                    _("Filen har mere end %(count)s rækker.")
                    % {"count": number_format(MAX_RECORDS, force_grouping=True)},
                )
            )
        if len(cells) > MAX_COLUMNS and any(cells[MAX_COLUMNS:]):
            raise TooLarge(
                Problem(
                    line,
                    None,
                    _("Rækken har mere end %(count)s kolonner.") % {"count": MAX_COLUMNS},
                )
            )
        if any(len(cell) > MAX_CELL_CHARACTERS for cell in cells):
            raise _cell_too_long(line)
        yield line, cells[:MAX_COLUMNS]


def _zip_entries(data: bytes) -> int | None:
    """The number of members the zip's end record declares, read before the directory is;
    None when there is no plain end record (a damaged zip, or a ZIP64 one no workbook needs)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    entries = int.from_bytes(data[end + 10 : end + 12], "little")
    return None if entries == 0xFFFF else entries


def _workbook_problem(archive: zipfile.ZipFile) -> str | None:
    """Why the workbook would take too much memory to read, judged from its zip directory."""
    members = archive.infolist()
    if len(members) > MAX_XLSX_MEMBERS:
        return _("Excel-arket har for mange dele.")
    total = 0
    for member in members:
        total += member.file_size
        if member.filename == "xl/sharedStrings.xml":
            if member.file_size > MAX_XLSX_SHARED_STRINGS:
                return _("Excel-arket har for mange tekster.")
        elif (
            not member.filename.startswith("xl/worksheets/")
            and member.file_size > MAX_XLSX_OTHER_PART
        ):
            return _("Excel-arket har en del, der er unormalt stor.")
        if member.file_size > RATIO_FROM and member.file_size > MAX_XLSX_RATIO * max(
            member.compress_size, 1
        ):
            return _("Excel-arket fylder unormalt meget, når det pakkes ud.")
    if total > MAX_XLSX_UNCOMPRESSED:
        return _("Excel-arket fylder mere end %(size)s MB, når det pakkes ud.") % {
            "size": MAX_XLSX_UNCOMPRESSED // (1024 * 1024)
        }
    return None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # Read-only mode streams the sheet row by row; one column past the limit is read so that a
    # row that uses it can be refused.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InvalidFileException as exc:
        raise ValueError(str(exc)) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        for number, values in enumerate(rows, start=1):
            yield number, [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _records(data: bytes, result: HRFile) -> Iterator[tuple[int, list[str]]] | None:
    if not data.strip():
        result.errors.append(Problem(None, None, _("Filen er tom.")))
        return None
    if len(data) > MAX_FILE_BYTES:
        result.errors.append(Problem(None, None, _("Filen er større end 50 MB.")))
        return None
    if data.startswith(b"PK\x03\x04"):
        entries = _zip_entries(data)
        if entries is not None and entries > MAX_XLSX_MEMBERS:
            result.errors.append(Problem(None, None, _("Excel-arket har for mange dele.")))
            return None
        try:
            if entries is None:
                raise zipfile.BadZipFile
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    raise zipfile.BadZipFile
                too_large = _workbook_problem(archive)
        except zipfile.BadZipFile:
            result.errors.append(
                Problem(None, None, _("Filen er hverken en CSV-fil eller et Excel-ark (XLSX)."))
            )
            return None
        if too_large is not None:
            result.errors.append(Problem(None, None, too_large))
            return None
        return _within_limits(_xlsx_rows(data))
    if b"\x00" in data[:4096]:
        result.errors.append(
            Problem(None, None, _("Filen er hverken en CSV-fil eller et Excel-ark (XLSX)."))
        )
        return None
    try:
        text = _decode(data)
    except MostlyUTF8 as exc:
        result.errors.append(
            Problem(
                exc.line,
                None,
                _(
                    "Filen er gemt som UTF-8, men række %(row)s indeholder et tegn, der ikke er "
                    "gyldigt UTF-8. Gem filen igen som UTF-8 (eller CSV fra Excel)."
                )
                % {"row": exc.line},
            )
        )
        return None
    if text is None:
        result.errors.append(
            Problem(None, None, _("Filen kan ikke læses som UTF-8 eller Windows-1252."))
        )
        return None
    return _within_limits(_csv_rows(text))


def _map_headers(cells: list[str], result: HRFile) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    for index, header in enumerate(cells):
        if not header:
            continue
        canonical = _ALIASES.get(_header_key(header))
        if canonical is None:
            result.warnings.append(Problem(1, header, _("Ukendt kolonne; den bliver ikke læst.")))
            continue
        if canonical in positions:
            result.errors.append(Problem(1, header, _("Kolonnen står to gange i overskriften.")))
            continue
        positions[canonical] = index
        result.headers[canonical] = header
    for canonical in REQUIRED:
        if canonical not in positions:
            result.errors.append(
                Problem(
                    1,
                    DANISH_NAMES[canonical],
                    _(
                        "Kolonnen mangler. Filen skal have kolonnerne medarbejdernummer, navn, "
                        "email og enhed (eller employee_id, name, email og unit)."
                    ),
                )
            )
    return None if result.errors else positions


def _unit_path(raw: str) -> str | None:
    parts = [part.strip() for part in raw.split(PATH_SEPARATOR)]
    if not parts or any(not part or len(part) > MAX_UNIT_PART for part in parts):
        return None
    return PATH_SEPARATOR.join(parts)


def read_hr_file(data: bytes) -> HRFile:
    """Parse and check an HR file; `errors` is empty exactly when every row can be imported."""
    result = HRFile()
    try:
        records = _records(data, result)
        if records is None:
            return result
        header_seen = False
        positions: dict[str, int] = {}
        for line, cells in records:
            if not header_seen:
                header_seen = True
                mapped = _map_headers(cells, result)
                if mapped is None:
                    return result
                positions = mapped
                continue
            if not any(cells):
                continue
            _read_row(line, cells, positions, result)
        if not header_seen:
            result.errors.append(Problem(None, None, _("Filen er tom.")))
        elif not result.rows and not result.errors:
            result.errors.append(Problem(None, None, _("Filen har ingen personer.")))
    except TooLarge as exc:
        result.errors.append(exc.problem)
    except CSVRowError as exc:
        result.errors.append(
            Problem(
                exc.line,
                None,
                _(
                    "Rækken kan ikke læses som CSV. Tjek anførselstegnene: et felt, der begynder "
                    'med ", skal også slutte med ".'
                ),
            )
        )
    except XLSX_FAULTS as exc:
        result.errors.append(
            Problem(None, None, _("Excel-arket kan ikke læses: %(reason)s") % {"reason": exc})
        )
    _check_uniqueness(result)
    return result


def _read_row(line: int, cells: list[str], positions: dict[str, int], result: HRFile) -> None:
    def value(canonical: str) -> str:
        index = positions.get(canonical)
        return cells[index] if index is not None and index < len(cells) else ""

    def error(canonical: str, message: str) -> None:
        result.errors.append(Problem(line, result.headers.get(canonical, canonical), message))

    if value("employee_id"):
        result.employee_ids.add(value("employee_id"))
    ok = True
    for canonical in REQUIRED:
        if not value(canonical):
            error(canonical, _("Feltet skal udfyldes."))
            ok = False
    for canonical in COLUMNS:
        if CONTROL_CHARACTERS.search(value(canonical)):
            error(canonical, _("Feltet indeholder et linjeskift eller et andet styretegn."))
            ok = False
    for canonical, limit in MAX_LENGTH.items():
        if len(value(canonical)) > limit:
            error(canonical, _("Feltet er længere end %(limit)s tegn.") % {"limit": limit})
            ok = False
    email = value("email").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            error("email", _("“%(value)s” er ikke en gyldig e-mailadresse.") % {"value": email})
            ok = False
    unit_path = _unit_path(value("unit")) if value("unit") else None
    if value("unit") and unit_path is None:
        error(
            "unit",
            _(
                "Enheden skal skrives som en sti fra toppen, fx “Kommune / Forvaltning / "
                "Afdeling”, uden tomme dele."
            ),
        )
        ok = False
    leader_word = value("is_leader").lower()
    if leader_word not in TRUE_WORDS | FALSE_WORDS:
        error("is_leader", _("Skriv ja eller nej (yes/no, 1/0)."))
        ok = False
    language = value("language").lower() or "da"
    if language not in LANGUAGES:
        error("language", _("Sproget skal være da eller en."))
        ok = False
    reports_to = value("reports_to")
    if reports_to and reports_to == value("employee_id"):
        error("reports_to", _("En person kan ikke referere til sig selv."))
        ok = False
    if ok and unit_path is not None:
        result.rows.append(
            PersonRow(
                row=line,
                employee_id=value("employee_id"),
                name=value("name"),
                email=email,
                unit_path=unit_path,
                is_leader=leader_word in TRUE_WORDS,
                reports_to=reports_to,
                job_family=value("job_family"),
                language=language,
            )
        )


def _check_uniqueness(result: HRFile) -> None:
    """Employee ids and e-mail addresses must each name one person only."""
    messages = {
        "employee_id": _("Medarbejdernummeret “%(value)s” står også i række %(row)s."),
        "email": _("E-mailadressen “%(value)s” står også i række %(row)s."),
    }
    for canonical, message in messages.items():
        first: dict[str, int] = {}
        for person in result.rows:
            value = getattr(person, canonical)
            if value in first:
                result.errors.append(
                    Problem(
                        person.row,
                        result.headers.get(canonical, DANISH_NAMES[canonical]),
                        message % {"value": value, "row": first[value]},
                    )
                )
            else:
                first[value] = person.row
