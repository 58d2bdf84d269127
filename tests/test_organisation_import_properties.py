"""No file, however malformed, crashes the import; a rejected file writes nothing (Hypothesis)."""

import csv
import io

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omstil.organisations.models import Organisation, OrganisationImport, Person, Unit
from omstil.organisations.services import ImportRejected, import_people
from tests.hrfiles import DANISH, ENGLISH, PEOPLE, csv_file, xlsx_file

cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "ja", "nej", "1", "0", "da", "en", "x@y.dk", "A / B", " / ", "1", "2", "9"]
    ),
)
headers = st.lists(
    st.one_of(st.sampled_from(DANISH + ENGLISH), st.text(max_size=12)), min_size=0, max_size=10
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(headers)
    rows = draw(st.lists(st.lists(cells, max_size=10), max_size=12))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from([";", ",", "\t", "|"])))
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    return buffer.getvalue().encode(encoding, errors="replace")


# Built once: an XLSX file carries the time it was written, and Hypothesis needs its inputs stable.
VALID_FILES = [csv_file(), csv_file(delimiter=","), xlsx_file()]


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(VALID_FILES)))
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, max(0, len(data) - 1)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "drop"]))
        if action == "flip" and data:
            data[position] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[position:]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        elif action == "drop" and data:
            del data[position]
    return bytes(data)


@st.composite
def shuffled_people(draw: st.DrawFn) -> bytes:
    rows = [list(row) for row in PEOPLE]
    for _ in range(draw(st.integers(0, 6))):
        row = draw(st.integers(0, len(rows) - 1))
        column = draw(st.integers(0, len(DANISH) - 1))
        rows[row][column] = draw(cells)
    return csv_file(rows)


any_file = st.one_of(st.binary(max_size=600), csv_files(), mutated_files(), shuffled_people())


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=any_file)
def test_no_file_crashes_the_import_and_a_rejected_one_writes_nothing(db, data):
    with transaction.atomic():
        problems = []
        try:
            plan = import_people("egenskab", data, name="Egenskab Kommune")
        except ImportRejected as exc:
            problems = exc.problems
        if problems:
            assert all(problem.message for problem in problems)
            assert not Organisation.objects.filter(slug="egenskab").exists()
            assert not Person.objects.exists()
            assert not Unit.objects.exists()
            assert not OrganisationImport.objects.exists()
        else:
            assert Person.objects.filter(organisation__slug="egenskab").count() == len(
                plan.file.rows
            )
        transaction.set_rollback(True)
