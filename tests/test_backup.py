"""`omstil backup` and `omstil restore`: a backup taken while Omstil runs, restored into a new,
empty database, gives the same reports; a database with tables, or a backup of the other kind of
database, is refused with nothing written; a killed backup leaves no half file.

The commands run as an operator runs them, in processes of their own, on databases of their own
(SQLite files, or databases on the suite's PostgreSQL server with --db=postgresql). The source
database holds the kommune of tests/report_fixtures.py with its closed, answered round.
"""

import glob
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from omstil.core import backup
from tests.test_deletion_killed import Database

ROOT = Path(__file__).resolve().parent.parent
# Cecilie (employee id 3) leads Hjemmeplejen; her five employees answered, so her report shows
# figures, as does the kommune's unit report.
REPORTS = {
    "leader.json": ("report", "leader", "1", "3", "--format", "json"),
    "leader.html": ("report", "leader", "1", "3", "--format", "html"),
    "unit.json": ("report", "unit", "1", "Fjordby Kommune", "--format", "json"),
    "unit.html": ("report", "unit", "1", "Fjordby Kommune", "--format", "html"),
}
BUILD = textwrap.dedent(
    """
    import os
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "omstil.settings"
    django.setup()
    from tests.report_fixtures import build_closed_round
    build_closed_round()
    """
)


@pytest.fixture(scope="module")
def kind(request: pytest.FixtureRequest, django_db_modify_db_settings: None) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What an operator's shell holds: no Django or database settings of the suite's own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "OMSTIL_", "PG"))
    }
    env.update(
        SECRET_KEY="a-secret-key-for-the-backup-tests-0123456789-abcdefghijklmnopqrstuvwxyz",
        OMSTIL_HTTPS="0",
        OMSTIL_VAR_DIR=str(tmp_path_factory.mktemp("var")),
        PYTHONPATH=str(ROOT),
    )
    return env


def new_database(kind: str, env: dict[str, str], folder: Path, name: str) -> Iterator[Database]:
    """A new database of `kind` with no tables: a SQLite file in `folder`, or on the server."""
    if kind == "sqlite":
        yield Database(f"sqlite:///{folder / (name + '.sqlite3')}", env)
        return
    db = settings.DATABASES["default"]
    server = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}"
    name = f"{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    yield Database(f"{server}/{name}", env)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def source(
    kind: str, environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """The kommune with its closed, answered round, as Omstil runs on it."""
    for database in new_database(kind, environment, tmp_path_factory.mktemp("source"), "source"):
        migrated = database.omstil("migrate", "-v0")
        assert migrated.returncode == 0, migrated.stderr.decode()
        subprocess.run(
            [sys.executable, "-c", BUILD], env=database.env, check=True, capture_output=True
        )
        yield database


@pytest.fixture
def empty(kind: str, environment: dict[str, str], tmp_path: Path) -> Iterator[Database]:
    yield from new_database(kind, environment, tmp_path, "restored")


def reports(database: Database) -> dict[str, bytes]:
    found = {}
    for name, args in REPORTS.items():
        result = database.omstil(*args)
        assert result.returncode == 0, result.stderr.decode()
        found[name] = result.stdout
    return found


def tables(database: Database) -> dict[str, int]:
    """Every table of the database with its number of rows."""
    if database.url.startswith("sqlite"):
        with sqlite3.connect(database.url.removeprefix("sqlite:///")) as connection:
            names = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
            # The names come from the database itself.
            return {
                name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
                for (name,) in names
            }
    with psycopg.connect(database.url) as connection:
        names = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
        counts = {}
        for (name,) in names:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))
            row = connection.execute(query).fetchone()
            assert row is not None
            counts[name] = int(row[0])
        return counts


def execute(database: Database, statement: str) -> None:
    """Run one statement on the database and commit it."""
    if database.url.startswith("sqlite"):
        with sqlite3.connect(database.url.removeprefix("sqlite:///")) as sqlite:
            sqlite.execute(statement)
        sqlite.close()
    else:
        with psycopg.connect(database.url) as postgresql:
            postgresql.execute(statement.encode())


def test_a_restored_backup_gives_the_same_reports(source, empty, tmp_path):
    target = tmp_path / "omstil.backup"

    made = source.omstil("backup", "-o", str(target), "--json")

    assert made.returncode == 0, made.stderr.decode()
    assert json.loads(made.stdout) == {"file": str(target), "bytes": target.stat().st_size}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["omstil.backup"]
    loaded = empty.omstil("restore", str(target), "--json")
    assert loaded.returncode == 0, loaded.stderr.decode()
    assert json.loads(loaded.stdout) == {"file": str(target), "bytes": target.stat().st_size}
    original = reports(source)
    leader = json.loads(original["leader.json"])
    assert any(group["n"] == 5 for item in leader["items"] for group in item["groups"].values())
    assert "Cecilie Ærø" in original["leader.html"].decode()
    for name, content in reports(empty).items():
        assert content == original[name], name
    assert tables(empty) == tables(source)


def test_a_sqlite_backup_is_one_file_without_a_write_ahead_log(kind, source, tmp_path):
    target = tmp_path / "omstil.backup"
    assert source.omstil("backup", "-o", str(target)).returncode == 0

    header = target.read_bytes()[:100]

    if kind == "sqlite":
        # Bytes 18 and 19 are 1 for a rollback journal, 2 for a write-ahead log.
        assert header[:16] == backup.SQLITE_HEADER
        assert header[18:20] == b"\x01\x01"
    else:
        assert header[:5] == backup.PG_DUMP_HEADER


def test_a_backup_is_not_loaded_into_a_database_with_tables(source, tmp_path):
    target = tmp_path / "omstil.backup"
    assert source.omstil("backup", "-o", str(target)).returncode == 0
    shown = reports(source)
    before = tables(source)

    refused = source.omstil("restore", str(target))

    assert refused.returncode == 1
    assert "Databasen har allerede tabeller" in refused.stderr.decode()
    assert "intet er skrevet" in refused.stderr.decode()
    assert tables(source) == before
    assert reports(source) == shown


def test_a_backup_of_the_other_kind_of_database_is_refused(kind, empty, tmp_path):
    other = tmp_path / "other.backup"
    if kind == "sqlite":
        other.write_bytes(backup.PG_DUMP_HEADER + b"\x01\x0e\x00" + os.urandom(64))
        named = "PostgreSQL"
    else:
        execute(Database(f"sqlite:///{other}", {}), "CREATE TABLE django_migrations (id integer)")
        named = "SQLite"

    refused = empty.omstil("restore", str(other))

    assert refused.returncode == 1
    message = refused.stderr.decode()
    assert f"Filen er en backup af en {named}-database" in message, message
    assert tables(empty) == {}


@pytest.mark.parametrize("content", ["empty", "text", "broken", "other"])
def test_a_file_that_is_no_backup_from_omstil_is_refused(kind, empty, tmp_path, content):
    file = tmp_path / "something"
    header = backup.SQLITE_HEADER if kind == "sqlite" else backup.PG_DUMP_HEADER
    if content == "other":
        # A backup of the right kind, of some other application's database.
        for other in new_database(kind, empty.env, tmp_path, "other"):
            execute(other, "CREATE TABLE orders (id integer)")
            made = other.omstil("backup", "-o", str(file))
            assert made.returncode == 0, made.stderr.decode()
    else:
        file.write_bytes(
            {"empty": b"", "text": b"not a backup at all\n", "broken": header + b"\0" * 200}[
                content
            ]
        )

    refused = empty.omstil("restore", str(file))

    assert refused.returncode == 1
    assert "er ikke en backup fra Omstil" in refused.stderr.decode()
    assert tables(empty) == {}


def test_a_missing_file_is_refused(empty, tmp_path):
    refused = empty.omstil("restore", str(tmp_path / "nowhere.backup"))

    assert refused.returncode == 1
    assert "kan ikke læses" in refused.stderr.decode()


def test_a_database_that_cannot_be_opened_is_named(kind, source, empty, tmp_path):
    target = tmp_path / "omstil.backup"
    assert source.omstil("backup", "-o", str(target)).returncode == 0
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.sqlite3'}"
    else:
        url = empty.url.rsplit("/", 1)[0] + "/no_such_database"

    refused = Database(url, empty.env).omstil("restore", str(target))

    assert refused.returncode == 1
    assert "Databasen, som DATABASE_URL peger på, kan ikke åbnes" in refused.stderr.decode()
    assert "Traceback" not in refused.stderr.decode()


def test_a_backup_into_a_missing_folder_is_refused(source, tmp_path):
    refused = source.omstil("backup", "-o", str(tmp_path / "no" / "omstil.backup"))

    assert refused.returncode == 1
    assert "findes ikke" in refused.stderr.decode()


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


def test_a_killed_backup_leaves_no_half_file(source, tmp_path):
    target = tmp_path / "omstil.backup"
    target.write_bytes(b"the backup of yesterday")
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSING, "backup", "-o", str(target)],
        env=source.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == b"MIDWAY", process.stderr.read() if process.stderr else line

    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

    assert target.read_bytes() == b"the backup of yesterday"
    partial = [path for path in tmp_path.iterdir() if path.name.endswith(".partial")]
    assert len(partial) == 1
    assert stat.S_IMODE(partial[0].stat().st_mode) == 0o600


INSERT = "INSERT INTO core_auditentry (at, event, actor_label, organisation, fields) VALUES "


def connect(database: Database) -> Any:
    """A connection of the test's own, outside Omstil, that commits only when told."""
    if database.url.startswith("sqlite"):
        return sqlite3.connect(database.url.removeprefix("sqlite:///"), timeout=30)
    return psycopg.connect(database.url)


def now(database: Database) -> str:
    return "datetime('now')" if database.url.startswith("sqlite") else "now()"


def test_a_backup_leaves_out_a_transaction_that_has_not_committed(source, empty, tmp_path):
    target = tmp_path / "omstil.backup"
    before = tables(source)
    writer = connect(source)
    writer.execute(INSERT + f"({now(source)}, 'uncommitted', '', 'fjordby', '{{}}')")
    try:
        made = source.omstil("backup", "-o", str(target))
    finally:
        writer.rollback()
        writer.close()

    assert made.returncode == 0, made.stderr.decode()
    assert empty.omstil("restore", str(target)).returncode == 0
    assert tables(empty) == before
    assert empty.count("SELECT count(*) FROM core_auditentry WHERE event = 'uncommitted'") == 0


def test_a_backup_taken_while_another_connection_writes_holds_whole_transactions(
    source, empty, tmp_path
):
    """Each of the writer's transactions adds two rows; the backup holds both or neither."""
    target = tmp_path / "omstil.backup"
    committed: list[int] = []
    stop = threading.Event()
    first = threading.Event()

    def write() -> None:
        writer = connect(source)
        try:
            number = 0
            while not stop.is_set():
                time.sleep(0.005)
                number += 1
                for _half in range(2):
                    writer.execute(
                        INSERT + f"({now(source)}, 'pair', '{number}', 'fjordby', '{{}}')"
                    )
                writer.commit()
                committed.append(number)
                first.set()
        finally:
            writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert first.wait(timeout=30)
        started = len(committed)
        made = source.omstil("backup", "-o", str(target))
        ended = len(committed)
    finally:
        stop.set()
        thread.join(timeout=30)

    assert made.returncode == 0, made.stderr.decode()
    assert ended > started, "the writer went on writing while the backup ran"
    loaded = empty.omstil("restore", str(target))
    assert loaded.returncode == 0, loaded.stderr.decode()
    pairs = empty.count("SELECT count(*) FROM core_auditentry WHERE event = 'pair'")
    assert pairs % 2 == 0
    assert started <= pairs // 2 <= ended
    assert (
        empty.count(
            "SELECT count(*) FROM (SELECT actor_label FROM core_auditentry WHERE event = 'pair'"
            " GROUP BY actor_label HAVING count(*) <> 2) AS halves"
        )
        == 0
    )
    assert reports(empty) == reports(source)


def test_the_postgresql_password_is_handed_over_in_the_environment_only(monkeypatch, tmp_path):
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "omstil",
        "USER": "omstil",
        "PASSWORD": "hemmeligt-kodeord",
        "HOST": "db.example",
        "PORT": "5433",
        "OPTIONS": {"sslmode": "require"},
    }
    monkeypatch.setitem(settings.DATABASES, "default", database)
    for variable in [key for key in os.environ if key.startswith("PG")]:
        monkeypatch.delenv(variable)
    calls: list[tuple[list[str], dict[str, str]]] = []

    def run(args: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        calls.append((args, options["env"]))
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(subprocess, "run", run)

    backup.backup(tmp_path / "omstil.backup")

    [(args, env)] = calls
    assert Path(args[0]).name == "pg_dump"
    assert not any(
        secret in argument
        for argument in args
        for secret in ("hemmeligt-kodeord", "db.example", "5433", "postgresql://")
    ), args
    assert {key: env[key] for key in env if key.startswith("PG")} == {
        "PGHOST": "db.example",
        "PGPORT": "5433",
        "PGUSER": "omstil",
        "PGPASSWORD": "hemmeligt-kodeord",
        "PGDATABASE": "omstil",
        "PGSSLMODE": "require",
    }


def test_missing_postgresql_programs_are_named(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(glob, "glob", lambda pattern: [])

    with pytest.raises(backup.BackupFailed) as failure:
        backup.postgresql_tool("pg_dump")

    assert failure.value.messages == [
        "Programmet pg_dump findes ikke. Installér PostgreSQL' klientprogrammer "
        "(Debian: postgresql-client)."
    ]
