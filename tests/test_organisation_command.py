"""`omstil org import|show|list|delete|role` as the contract describes them."""

import io
import json

import pytest
from django.core.management import call_command

from omstil.organisations.models import Organisation, Person
from tests.hrfiles import PEOPLE, changed, csv_file, without


@pytest.fixture
def hr_csv(tmp_path):
    def write(data: bytes, name: str = "hr.csv"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def run_json(capsys, *args) -> tuple[int, dict]:
    try:
        call_command(*args, "--json")
        code = 0
    except SystemExit as exit_info:
        code = int(exit_info.code or 0)
    return code, json.loads(capsys.readouterr().out)


def test_import_prints_the_counts_as_json(db, capsys, hr_csv):
    code, data = run_json(
        capsys, "org", "import", hr_csv(csv_file()), "--org", "fjordby", "--name", "Fjordby Kommune"
    )
    assert code == 0
    assert {
        key: data[key] for key in ["ok", "created", "updated", "moved", "deactivated", "unchanged"]
    } == {
        "ok": True,
        "created": len(PEOPLE),
        "updated": 0,
        "moved": 0,
        "deactivated": 0,
        "unchanged": 0,
    }
    assert Organisation.objects.get(slug="fjordby").name == "Fjordby Kommune"


def test_a_rejected_file_exits_1_with_every_error_and_writes_nothing(db, capsys, hr_csv):
    code, data = run_json(
        capsys, "org", "import", hr_csv(csv_file(changed("4", 2, "x"))), "--org", "fjordby"
    )
    assert code == 1
    assert data == {
        "ok": False,
        "errors": [
            {"row": 5, "column": "email", "message": "“x” er ikke en gyldig e-mailadresse."}
        ],
    }
    assert not Organisation.objects.exists()


def test_dry_run_reports_without_writing(db, capsys, hr_csv):
    call_command("org", "import", hr_csv(csv_file()), "--org", "fjordby", stdout=io.StringIO())
    code, data = run_json(
        capsys, "org", "import", hr_csv(csv_file(without("6"))), "--org", "fjordby", "--dry-run"
    )
    assert (code, data["deactivated"], data["dry_run"]) == (0, 1, True)
    assert Person.objects.get(employee_id="6").active


def test_show_lists_units_and_people_as_the_contract_says(db, capsys, hr_csv):
    call_command("org", "import", hr_csv(csv_file()), "--org", "fjordby")
    call_command("org", "import", hr_csv(csv_file(without("6"))), "--org", "fjordby")
    capsys.readouterr()
    code, data = run_json(capsys, "org", "show", "--org", "fjordby")
    assert code == 0
    units = {unit["path"]: unit for unit in data["units"]}
    assert units["Fjordby Kommune / Social / Hjemmeplejen"] == {
        "path": "Fjordby Kommune / Social / Hjemmeplejen",
        "leader": "3",
        "people": 3,
    }
    assert units["Fjordby Kommune"]["leader"] == "1"
    people = {person["employee_id"]: person for person in data["people"]}
    assert {key: people["9"][key] for key in ["unit", "is_leader", "nearest_leader", "active"]} == {
        "unit": "Fjordby Kommune / Teknik",
        "is_leader": False,
        "nearest_leader": "2",
        "active": True,
    }
    assert people["1"]["nearest_leader"] is None
    assert people["6"]["active"] is False


def test_show_of_an_unknown_organisation_exits_1(db, capsys):
    code, data = run_json(capsys, "org", "show", "--org", "findes-ikke")
    assert code == 1
    assert data["ok"] is False


def test_an_unreadable_file_exits_1(db, capsys, tmp_path):
    code, data = run_json(capsys, "org", "import", str(tmp_path / "findes-ikke.csv"), "--org", "x")
    assert code == 1
    assert data["ok"] is False


def test_delete_needs_the_slug_repeated(db, capsys, hr_csv):
    call_command("org", "import", hr_csv(csv_file()), "--org", "fjordby")
    with pytest.raises(SystemExit):
        call_command("org", "delete", "--org", "fjordby", "--confirm", "forkert")
    assert Organisation.objects.filter(slug="fjordby").exists()
    call_command("org", "delete", "--org", "fjordby", "--confirm", "fjordby")
    assert not Organisation.objects.exists()
    assert not Person.objects.exists()


def test_org_role_makes_an_account_an_administrator_and_takes_it_away(db, capsys, organisation):
    from omstil.accounts.models import Membership, User
    from omstil.core.models import AuditEntry
    from omstil.organisations.access import administers

    code, data = run_json(
        capsys, "org", "role", "--org", organisation.slug, "Ny.HR@Test.example", "admin"
    )
    assert (code, data) == (
        0,
        {"ok": True, "org": "aarhus-test", "email": "ny.hr@test.example", "role": "admin"},
    )
    user = User.objects.get(email="ny.hr@test.example")
    assert not user.has_usable_password()  # an account, made now, with no password yet
    assert administers(user, organisation.pk)
    code, data = run_json(capsys, "org", "role", "--org", organisation.slug, user.email, "none")
    assert code == 0
    assert not Membership.objects.filter(user=user).exists()
    assert not administers(user, organisation.pk)
    assert list(AuditEntry.objects.order_by("pk").values_list("event", flat=True)) == [
        "account.create",
        "organisation.admin.add",
        "organisation.admin.remove",
    ]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("ikke-en-adresse", "“ikke-en-adresse” er ikke en gyldig e-mailadresse."),
        ("ingen@test.example", "Der er ingen konto med adressen “ingen@test.example”."),
    ],
)
def test_org_role_refuses_what_it_cannot_do_and_writes_nothing(
    db, capsys, organisation, email, message
):
    from omstil.accounts.models import User

    role = "admin" if "@" not in email else "none"
    code, data = run_json(capsys, "org", "role", "--org", organisation.slug, email, role)
    assert (code, data) == (1, {"ok": False, "error": message})
    assert not User.objects.exists()


def test_org_role_with_an_unknown_role_is_wrong_usage(db, organisation):
    from django.core.management.base import CommandError

    # The console script turns this into exit 2, as every wrong usage.
    with pytest.raises(CommandError, match="invalid choice: 'leader'"):
        call_command("org", "role", "--org", organisation.slug, "a@test.example", "leader")
