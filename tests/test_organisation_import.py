"""Importing an HR file: every format, every rejection rule, nothing written on a rejection."""

import pytest

from omstil.organisations.models import Organisation, OrganisationImport, Person, Unit
from omstil.organisations.services import ImportRejected, import_people
from tests.hrfiles import ENGLISH, PEOPLE, changed, csv_file, xlsx_file


def imported(data: bytes, slug: str = "fjordby") -> dict[str, int]:
    return import_people(slug, data, name="Fjordby Kommune").counts()


def rejected(data: bytes) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ImportRejected) as info:
        import_people("fjordby", data, name="Fjordby Kommune")
    assert not Person.objects.exists()
    assert not Unit.objects.exists()
    assert not OrganisationImport.objects.exists()
    assert not Organisation.objects.filter(slug="fjordby").exists()
    return [(p.row, p.column, p.message) for p in info.value.problems]


# Karen works in Kultur, a unit without a leader.
KAREN = [
    "10",
    "Karen Alene",
    "karen@fjordby.example",
    "Fjordby Kommune / Kultur",
    "nej",
    "",
    "",
    "",
]


def nearest_leaders() -> dict[str, str]:
    return dict(Person.objects.values_list("employee_id", "nearest_leader_employee_id"))


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [
        (";", "utf-8-sig"),
        (";", "utf-8"),
        (",", "utf-8"),
        ("\t", "utf-8-sig"),
        (";", "cp1252"),
        ("\t", "cp1252"),
    ],
)
def test_csv_in_every_encoding_and_delimiter_danish_excel_writes(db, delimiter, encoding):
    counts = imported(csv_file(delimiter=delimiter, encoding=encoding))
    assert counts["created"] == len(PEOPLE)
    assert Person.objects.get(employee_id="3").name == "Cecilie Ærø"
    assert Person.objects.get(employee_id="5").language == "en"


def test_english_headers_in_another_order_and_case(db):
    header = [name.upper() for name in ENGLISH]
    order = [3, 0, 2, 1, 4, 5, 6, 7]
    rows = [[row[i] for i in order] for row in PEOPLE]
    counts = imported(csv_file(rows, header=[header[i] for i in order]))
    assert counts["created"] == len(PEOPLE)
    assert Person.objects.get(employee_id="1").unit.path == "Fjordby Kommune"


def test_xlsx_with_numbers_as_employee_ids(db):
    rows: list[list[object]] = [
        [int(row[0]), *row[1:5], int(row[5]) if row[5] else None, *row[6:]] for row in PEOPLE
    ]
    counts = imported(xlsx_file(rows))
    assert counts["created"] == len(PEOPLE)
    assert Person.objects.get(employee_id="9").reports_to_employee_id == "2"


def test_units_form_a_tree_of_any_depth_with_their_leaders(db):
    imported(csv_file())
    team = Unit.objects.get(path="Fjordby Kommune / Social / Hjemmeplejen")
    assert team.name == "Hjemmeplejen"
    assert team.depth == 2
    assert team.parent is not None
    assert team.parent.path == "Fjordby Kommune / Social"
    assert team.parent.parent is not None
    assert team.parent.parent.path == "Fjordby Kommune"
    assert team.leader_employee_id == "3"


def test_nearest_leaders_follow_the_contract(db):
    imported(csv_file())
    assert nearest_leaders() == {
        "1": "",  # the top leader
        "2": "1",  # a unit's leader: the leader of the nearest unit above
        "3": "2",
        "4": "3",  # an employee: the leader of their own unit
        "5": "3",
        "6": "3",
        "7": "1",
        "8": "7",
        "9": "2",  # refererer_til wins over the unit tree
    }


def test_a_leader_reports_to_the_nearest_unit_above_that_has_a_leader(db):
    rows = [
        *PEOPLE,
        [
            "10",
            "Jens Teamleder",
            "jens@fjordby.example",
            "Fjordby Kommune / Kultur / Bibliotek",
            "ja",
            "",
            "",
            "",
        ],
    ]
    imported(csv_file(rows))
    assert nearest_leaders()["10"] == "1"


def test_a_missing_required_column_is_rejected(db):
    header = ["medarbejdernummer", "navn", "enhed", "leder"]
    rows = [[row[0], row[1], row[3], row[4]] for row in PEOPLE]
    [(row, column, message)] = rejected(csv_file(rows, header=header))
    assert (row, column) == (1, "email")
    assert message.startswith("Kolonnen mangler.")


def test_an_empty_or_duplicate_employee_id_is_rejected(db):
    rows = changed("4", 0, "", changed("5", 0, "3"))
    problems = rejected(csv_file(rows))
    assert (5, "medarbejdernummer", "Feltet skal udfyldes.") in problems
    assert (6, "medarbejdernummer", "Medarbejdernummeret “3” står også i række 4.") in problems


def test_a_duplicate_or_malformed_email_is_rejected(db):
    rows = changed("4", 2, "CECILIE@fjordby.example", changed("5", 2, "emil.fjordby.example"))
    problems = rejected(csv_file(rows))
    assert (5, "email", "E-mailadressen “cecilie@fjordby.example” står også i række 4.") in problems
    assert (6, "email", "“emil.fjordby.example” er ikke en gyldig e-mailadresse.") in problems


def test_reports_to_must_name_somebody_in_the_file(db):
    problems = rejected(csv_file(changed("8", 5, "99")))
    assert problems == [
        (9, "refererer_til", "Der er ingen person med medarbejdernummeret “99” i filen.")
    ]


def test_reports_to_may_not_name_a_person_who_has_left(db):
    imported(csv_file())
    rows = changed("9", 5, "6", [row for row in PEOPLE if row[0] != "6"])
    with pytest.raises(ImportRejected) as info:
        import_people("fjordby", csv_file(rows))
    [problem] = info.value.problems
    assert (problem.row, problem.column) == (9, "refererer_til")
    assert "ikke længere aktiv" in problem.message
    assert Person.objects.filter(active=True).count() == len(PEOPLE)


def test_reporting_lines_that_form_a_cycle_are_rejected(db):
    # Anne (top) → Hanne → Gustav → Anne, and Bo → Cecilie → Bo.
    rows = changed("2", 5, "3", changed("1", 5, "8"))
    assert sorted(rejected(csv_file(rows))) == [
        (
            2,
            "refererer_til",
            "Ledelseslinjerne går i ring: Anne Direktør → Hanne Lund → Gustav Berg → "
            "Anne Direktør (række 2, 9, 8).",
        ),
        (
            3,
            "refererer_til",
            "Ledelseslinjerne går i ring: Bo Socialchef → Cecilie Ærø → Bo Socialchef "
            "(række 3, 4).",
        ),
    ]


def test_two_leaders_for_one_unit_are_rejected(db):
    problems = rejected(csv_file(changed("4", 4, "ja")))
    assert problems == [
        (
            5,
            "leder",
            "Enheden “Fjordby Kommune / Social / Hjemmeplejen” har allerede en leder: "
            "Cecilie Ærø (række 4).",
        )
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \r\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04 not really a workbook",
        b"%PDF-1.7\n\x00\x01binary",
    ],
)
def test_an_empty_or_foreign_file_is_rejected(db, data):
    [(row, column, message)] = rejected(data)
    assert row is None
    assert column is None
    assert message


def test_a_file_with_only_a_header_is_rejected(db):
    assert rejected(csv_file([])) == [(None, None, "Filen har ingen personer.")]


def test_a_file_that_is_neither_utf8_nor_windows_1252_is_rejected(db):
    data = b"medarbejdernummer;navn\n1;\x81\x8d\x8f\x90\x9d\n"
    assert rejected(data) == [(None, None, "Filen kan ikke læses som UTF-8 eller Windows-1252.")]


def test_an_unknown_yes_no_value_or_language_is_rejected(db):
    problems = rejected(csv_file(changed("4", 4, "måske", changed("5", 7, "de"))))
    assert (5, "leder", "Skriv ja eller nej (yes/no, 1/0).") in problems
    assert (6, "sprog", "Sproget skal være da eller en.") in problems


def test_a_unit_path_with_an_empty_part_is_rejected(db):
    [(row, column, _message)] = rejected(csv_file(changed("4", 3, "Fjordby Kommune /  / Social")))
    assert (row, column) == (5, "enhed")


def test_every_problem_in_the_file_is_reported_at_once(db):
    rows = changed("4", 2, "", changed("5", 7, "fr", changed("6", 4, "kanske")))
    assert len(rejected(csv_file(rows))) == 3


def test_warnings_do_not_block_the_import(db):
    plan = import_people("fjordby", csv_file(), name="Fjordby Kommune")
    messages = [warning.message for warning in plan.warnings]
    assert any("færre end mindste gruppestørrelse" in message for message in messages)
    assert Person.objects.count() == len(PEOPLE)


def test_an_unknown_column_is_a_warning(db):
    header = [*ENGLISH, "cpr"]
    rows = [[*row, "010101-1234"] for row in PEOPLE]
    plan = import_people("fjordby", csv_file(rows, header=header), name="Fjordby")
    assert (1, "cpr") in [(w.row, w.column) for w in plan.warnings]


def test_a_person_in_a_unit_without_a_leader_gets_the_leader_above_and_a_warning(db):
    rows = [
        *PEOPLE,
        KAREN,
    ]
    plan = import_people("fjordby", csv_file(rows), name="Fjordby Kommune")
    messages = [warning.message for warning in plan.warnings]
    # The nearest unit above with a leader is the top unit: Anne (1) leads it (CONTRACT.md).
    assert (
        "Enheden “Fjordby Kommune / Kultur” har ingen leder, så dens 1 medarbejder får lederen "
        "af “Fjordby Kommune”, Anne Direktør, som nærmeste leder og svarer om vedkommende. Er "
        "det forkert, så angiv den rigtige leder i kolonnen refererer_til."
    ) in messages
    assert not any("ingen nærmeste leder" in message for message in messages)
    assert nearest_leaders()["10"] == "1"


def test_an_inherited_reporting_line_is_shown_on_the_unit_and_organisation_pages(
    client, db, django_user_model
):
    from django.urls import reverse

    from omstil.accounts.services import set_up_user
    from omstil.organisations.services import add_admin
    from tests.conftest import PASSWORD

    rows = [
        *PEOPLE,
        KAREN,
    ]
    import_people("fjordby", csv_file(rows), name="Fjordby Kommune")
    organisation = Organisation.objects.get(slug="fjordby")
    hr = set_up_user("hr@fjordby.example", PASSWORD)
    add_admin(organisation, hr, actor=None)
    client.force_login(hr)
    unit = organisation.units.get(path="Fjordby Kommune / Kultur")
    page = client.get(reverse("organisations:unit", args=["fjordby", unit.pk])).content.decode()
    assert "får lederen af “Fjordby Kommune”, Anne Direktør, som nærmeste leder" in page
    row = page.split("Karen Alene")[1].split("</tr>")[0]
    assert "Anne Direktør" in row
    overview = client.get(reverse("organisations:detail", args=["fjordby"])).content.decode()
    assert "Anne Direktør, som nærmeste leder" in overview


def test_refererer_til_fixes_an_inherited_line_and_the_warning_goes(db):
    rows = [
        *PEOPLE,
        [
            "10",
            "Karen Alene",
            "karen@fjordby.example",
            "Fjordby Kommune / Kultur",
            "nej",
            "2",
            "",
            "",
        ],
    ]
    plan = import_people("fjordby", csv_file(rows), name="Fjordby Kommune")
    assert nearest_leaders()["10"] == "2"
    assert not any(
        "Kultur" in warning.message for warning in plan.warnings if "får" in warning.message
    )


def test_a_dry_run_writes_nothing(db):
    plan = import_people("fjordby", csv_file(), dry_run=True)
    assert plan.counts()["created"] == len(PEOPLE)
    assert not Organisation.objects.exists()
    assert not Person.objects.exists()


def test_each_import_is_recorded(db):
    import_people("fjordby", csv_file(), name="Fjordby Kommune", file_name="hr.csv")
    record = OrganisationImport.objects.get()
    assert record.file_name == "hr.csv"
    assert record.counts["created"] == len(PEOPLE)


def test_row_errors_and_errors_between_rows_are_reported_together(db):
    rows = changed("4", 2, "ikke-en-adresse", changed("5", 4, "ja", changed("9", 5, "4")))
    problems = rejected(csv_file(rows))
    assert [(row, column) for row, column, _ in problems] == [(5, "email"), (6, "leder")]


def test_a_damaged_workbook_is_rejected_not_crashed_on(db):
    data = bytearray(xlsx_file())
    start = data.index(b"xl/worksheets/sheet1.xml") + 40
    data[start : start + 60] = bytes(range(60))
    [(row, column, message)] = rejected(bytes(data))
    assert (row, column) == (None, None)
    assert message.startswith(("Excel-arket kan ikke læses", "Filen er hverken"))


def test_only_space_slash_space_separates_units(db):
    rows = changed("8", 3, "Fjordby Kommune / Teknik / Vej/Park")
    imported(csv_file(rows))
    assert Person.objects.get(employee_id="8").unit.path == "Fjordby Kommune / Teknik / Vej/Park"
    assert Unit.objects.get(path="Fjordby Kommune / Teknik / Vej/Park").name == "Vej/Park"


def test_a_line_break_or_control_character_in_a_field_is_rejected(db):
    problems = rejected(csv_file(changed("3", 1, "Cecilie\nÆrø")))
    assert problems == [(4, "navn", "Feltet indeholder et linjeskift eller et andet styretegn.")]


def test_a_slug_the_pages_cannot_use_is_refused(db):
    with pytest.raises(ImportRejected) as info:
        import_people("ærø kommune", csv_file())
    assert "kan ikke bruges som kortnavn" in info.value.problems[0].message
    assert not Organisation.objects.exists()


def test_reports_to_a_person_who_leads_no_unit_is_a_warning(db):
    plan = import_people("fjordby", csv_file(changed("5", 5, "4")), name="Fjordby Kommune")
    assert any("som ikke er leder af en enhed" in warning.message for warning in plan.warnings)


def test_damaged_utf8_is_refused_with_its_row_not_read_as_windows_1252(db):
    data = csv_file(encoding="utf-8").replace(b"Emil", b"Em\xe9l")
    problems = rejected(data)
    assert [(row, column) for row, column, _ in problems] == [(6, None)]
    assert "gyldigt UTF-8" in problems[0][2]


def test_a_stray_quotation_mark_is_reported_with_its_row(db):
    data = csv_file().replace(b"Frida Holm", b'"Frida" Holm"')
    problems = rejected(data)
    assert [(row, column) for row, column, _ in problems] == [(7, None)]


def test_the_migration_gives_stored_people_in_a_unit_without_a_leader_the_leader_above(db):
    import importlib

    from django.apps import apps

    rows = [
        *PEOPLE,
        KAREN,
    ]
    import_people("fjordby", csv_file(rows), name="Fjordby Kommune")
    # As the first wave stored her: no nearest leader.
    Person.objects.filter(employee_id="10").update(nearest_leader_employee_id="")
    before = nearest_leaders()
    migration = importlib.import_module("omstil.organisations.migrations.0005_nearest_leader_above")
    migration.inherit(apps, None)
    assert nearest_leaders() == {**before, "10": "1"}
