"""A deletion is whole or not at all, also when its process is killed half-way; and once it has
returned, a deleted person's name and address are nowhere in a SQLite database's files.

The commands run as an operator runs them, in a process of their own on a database of its own
(a SQLite file, or a database on the suite's PostgreSQL server with --db=postgresql).
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.hrfiles import PEOPLE, csv_file
from tests.report_fixtures import MORE

OMSTIL = str(Path(sys.executable).with_name("omstil"))
CECILIE = ("Cecilie Ærø", "cecilie@fjordby.example")

# Runs a command with a pause the first time an invitation is deleted, where the test kills it.
PAUSING = textwrap.dedent(
    """
    import os, sys, time
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "omstil.settings"
    django.setup()
    from django.core.management import call_command
    from django.db.models.signals import post_delete
    from omstil.rounds.models import Invitation

    def pause(**kwargs):
        print("MIDWAY", flush=True)
        time.sleep(600)

    post_delete.connect(pause, sender=Invitation)
    call_command(*sys.argv[1:])
    """
)


class Database:
    """A database of the test's own, reached by the commands' processes and by the test."""

    def __init__(self, url: str, env: dict[str, str]) -> None:
        self.url = url
        self.env = {**env, "DATABASE_URL": url}

    def omstil(self, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [OMSTIL, *args], env=self.env, capture_output=True, timeout=300, input=stdin
        )

    def count(self, sql: str, *params: object) -> int:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as connection:
                return int(connection.execute(sql.replace("%s", "?"), params).fetchone()[0])
        with psycopg.connect(self.url) as connection:
            row = connection.execute(sql, params).fetchone()
            assert row is not None
            return int(row[0])

    def state(self) -> dict[str, int]:
        return {
            "people": self.count("SELECT count(*) FROM organisations_person"),
            "invitations": self.count("SELECT count(*) FROM rounds_invitation"),
            "named_leaders": self.count(
                "SELECT count(*) FROM rounds_evaluatedleader WHERE name = %s", CECILIE[0]
            ),
            "audit": self.count(
                "SELECT count(*) FROM core_auditentry WHERE organisation = %s", "fjordby"
            ),
            "accounts": self.count("SELECT count(*) FROM accounts_user"),
        }


def built(kind: str, tmp_path: Path) -> Iterator[Database]:
    """A new database of `kind` with the kommune, its HR admin and an opened round."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "OMSTIL_"))
    }
    env.update(
        SECRET_KEY="a-secret-key-for-the-deletion-tests-0123456789-abcdefghijklmnopqrstuv",
        OMSTIL_HTTPS="0",
        OMSTIL_VAR_DIR=str(tmp_path),
        PYTHONPATH=str(Path(__file__).resolve().parent.parent),
    )
    name = None
    if kind == "postgresql":
        db = settings.DATABASES["default"]
        server = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}"
        name = f"killed_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        url = f"{server}/{name}"
    else:
        url = f"sqlite:///{tmp_path / 'omstil.sqlite3'}"
    database = Database(url, env)
    hr_file = tmp_path / "hr.csv"
    hr_file.write_bytes(csv_file([*PEOPLE, *MORE]))
    today = date.today()
    for args in [
        ("migrate", "-v0"),
        ("instruments", "sync"),
        ("org", "import", str(hr_file), "--org", "fjordby", "--name", "Fjordby Kommune"),
        ("org", "role", "--org", "fjordby", "hr@fjordby.example", "admin"),
        (
            "round",
            "create",
            "--org",
            "fjordby",
            "--instrument",
            "digital-omstilling",
            "--opens",
            today.isoformat(),
            "--closes",
            (today + timedelta(days=20)).isoformat(),
            "--json",
        ),
        ("round", "open", "1"),
    ]:
        result = database.omstil(*args)
        assert result.returncode == 0, result.stderr.decode()
    yield database
    if name is not None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def database(request, tmp_path, django_db_modify_db_settings) -> Iterator[Database]:
    """The kind of database the suite runs on (its PostgreSQL server with --db=postgresql)."""
    yield from built(request.config.getoption("--db"), tmp_path)


@pytest.fixture
def sqlite_file(tmp_path) -> Iterator[Database]:
    """A SQLite file, whichever database the suite runs on: the files are what is checked."""
    yield from built("sqlite", tmp_path)


def killed_midway(database: Database, *args: str) -> None:
    """Run the command, and kill it with SIGKILL when it has begun deleting invitations."""
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSING, *args],
        env=database.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == b"MIDWAY", process.stderr.read() if process.stderr else line
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


@pytest.mark.parametrize(
    "command",
    [
        ("person", "delete", "--org", "fjordby", "3", "--confirm", "3"),
        ("round", "delete", "1", "--confirm", "1"),
        ("org", "delete", "--org", "fjordby", "--confirm", "fjordby"),
    ],
    ids=["person", "round", "organisation"],
)
def test_a_killed_deletion_leaves_everything_and_a_finished_one_leaves_nothing(database, command):
    before = database.state()
    assert before["named_leaders"] == 1
    assert before["invitations"] > 0

    killed_midway(database, *command)

    assert database.state() == before
    finished = database.omstil(*command, "--json")
    assert finished.returncode == 0, finished.stderr.decode()
    assert json.loads(finished.stdout)["deleted"] is True
    after = database.state()
    assert after["named_leaders"] == 0
    assert after["invitations"] < before["invitations"]


def test_a_deleted_person_is_in_no_sqlite_file(sqlite_file):
    path = Path(sqlite_file.url.removeprefix("sqlite:///"))
    needles = [value.encode() for value in CECILIE] + [json.dumps(CECILIE[0])[1:-1].encode()]
    files = [path, path.with_name(path.name + "-wal")]
    assert any(needle in file.read_bytes() for needle in needles for file in files if file.exists())

    result = sqlite_file.omstil("person", "delete", "--org", "fjordby", "3", "--confirm", "3")

    assert result.returncode == 0, result.stderr.decode()
    for file in files:
        if file.exists():
            content = file.read_bytes()
            assert [needle for needle in needles if needle in content] == [], file.name
