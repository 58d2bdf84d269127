"""`omstil backup` and `omstil restore`: a backup taken while Omstil runs, restored into a new,
empty database, gives the same reports; a database with tables, or a backup of the other kind of
database, is refused with nothing written.

The commands run as an operator runs them, in processes of their own, on databases of their own
(SQLite files, or databases on the suite's PostgreSQL server with --db=postgresql).
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
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings

from tests.test_deletion_killed import Database, built

REPORT = ("report", "unit", "1", "Fjordby Kommune", "--format")


@pytest.fixture
def kind(request: pytest.FixtureRequest, django_db_modify_db_settings: None) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture
def closed_database(kind: str, tmp_path: Path) -> Iterator[Database]:
    """The kommune with its round closed (nobody answered)."""
    for database in built(kind, tmp_path):
        result = database.omstil("round", "close", "1")
        assert result.returncode == 0, result.stderr.decode()
        yield database


def empty_database(kind: str, env: dict[str, str], folder: Path) -> Iterator[Database]:
    """A new database of `kind` with no tables, reached with the same environment."""
    if kind == "sqlite":
        yield Database(f"sqlite:///{folder / 'restored.sqlite3'}", env)
        return
    db = settings.DATABASES["default"]
    server = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}"
    name = f"restored_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    yield Database(f"{server}/{name}", env)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def empty(kind: str, closed_database: Database, tmp_path: Path) -> Iterator[Database]:
    env = {key: value for key, value in closed_database.env.items() if key != "DATABASE_URL"}
    yield from empty_database(kind, env, tmp_path)


def reports(database: Database) -> dict[str, bytes]:
    found = {}
    for form in ("json", "html"):
        result = database.omstil(*REPORT, form)
        assert result.returncode == 0, result.stderr.decode()
        found[form] = result.stdout
    return found


def test_a_restored_backup_gives_the_same_reports(closed_database, empty, tmp_path):
    target = tmp_path / "omstil.backup"

    made = closed_database.omstil("backup", "-o", str(target), "--json")

    assert made.returncode == 0, made.stderr.decode()
    assert json.loads(made.stdout) == {"file": str(target), "bytes": target.stat().st_size}
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".partial")] == []
    assert target.stat().st_mode & 0o777 == 0o600
    loaded = empty.omstil("restore", str(target), "--json")
    assert loaded.returncode == 0, loaded.stderr.decode()
    assert json.loads(loaded.stdout)["bytes"] == target.stat().st_size
    original = reports(closed_database)
    assert b"Fjordby Kommune" in original["html"]
    assert reports(empty) == original
    assert empty.state() == closed_database.state()


def test_a_backup_is_not_loaded_into_a_database_with_tables(closed_database, tmp_path):
    target = tmp_path / "omstil.backup"
    assert closed_database.omstil("backup", "-o", str(target)).returncode == 0
    before = closed_database.state()
    entries = closed_database.count("SELECT count(*) FROM core_auditentry")

    refused = closed_database.omstil("restore", str(target))

    assert refused.returncode == 1
    assert "allerede tabeller" in refused.stderr.decode()
    assert closed_database.state() == before
    assert closed_database.count("SELECT count(*) FROM core_auditentry") == entries


def test_a_backup_of_the_other_kind_of_database_is_refused(kind, empty, tmp_path):
    other = tmp_path / "other.backup"
    if kind == "sqlite":
        other.write_bytes(b"PGDMP\x01\x0e\x00" + os.urandom(64))
    else:
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    assert other.read_bytes()[:5] in (b"PGDMP", b"SQLit")

    refused = empty.omstil("restore", str(other))

    assert refused.returncode == 1
    message = refused.stderr.decode()
    assert "DATABASE_URL peger på en" in message, message
    if kind == "postgresql":
        assert (
            empty.count(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            )
            == 0
        )
    else:
        path = Path(empty.url.removeprefix("sqlite:///"))
        assert not path.exists() or sqlite3.connect(path).execute(
            "SELECT count(*) FROM sqlite_master"
        ).fetchone() == (0,)


# Runs `omstil backup` with a pause before the finished copy is renamed, where the test kills it.
PAUSING = textwrap.dedent(
    """
    import os, sys, time
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "omstil.settings"
    django.setup()
    from django.core.management import call_command

    def pause(*args):
        print("MIDWAY", flush=True)
        time.sleep(600)

    os.replace = pause
    call_command(*sys.argv[1:])
    """
)


def test_a_killed_backup_leaves_no_half_file(closed_database, tmp_path):
    target = tmp_path / "omstil.backup"
    target.write_bytes(b"the backup of yesterday")
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSING, "backup", "-o", str(target)],
        env=closed_database.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == b"MIDWAY", process.stderr.read() if process.stderr else line

    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

    assert target.read_bytes() == b"the backup of yesterday"


def test_a_backup_is_taken_while_another_transaction_writes(closed_database, kind, empty, tmp_path):
    target = tmp_path / "omstil.backup"
    insert = "INSERT INTO core_auditentry (at, event, actor_label, organisation, fields) VALUES "
    if kind == "sqlite":
        writer: Any = sqlite3.connect(
            closed_database.url.removeprefix("sqlite:///"), isolation_level=None
        )
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(insert + "(datetime('now'), '', 'uncommitted', 'fjordby', '{}')")
    else:
        writer = psycopg.connect(closed_database.url)
        writer.execute(insert + "(now(), '', 'uncommitted', 'fjordby', '{}')")
    try:
        made = closed_database.omstil("backup", "-o", str(target))
    finally:
        writer.rollback()
        writer.close()

    assert made.returncode == 0, made.stderr.decode()
    assert empty.omstil("restore", str(target)).returncode == 0
    assert empty.state() == closed_database.state()
    assert empty.count("SELECT count(*) FROM core_auditentry WHERE event = 'uncommitted'") == 0
