"""Backing up the database Omstil runs on, and restoring a backup into a new, empty database.

A backup is a consistent copy taken while Omstil runs: SQLite's online backup API, or PostgreSQL's
`pg_dump --format=custom`. It is written next to its destination under a temporary name and
renamed when complete, so an interrupted backup leaves no half file. A restore refuses a database
that already has tables, and a backup of the other kind of database (docs/backup.md).
"""

import contextlib
import glob
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

SQLITE_HEADER = b"SQLite format 3\0"
PG_DUMP_HEADER = b"PGDMP"
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# The connection settings Django and dj-database-url use, as libpq's environment variables.
LIBPQ_ENVIRONMENT = {
    "HOST": "PGHOST",
    "PORT": "PGPORT",
    "USER": "PGUSER",
    "PASSWORD": "PGPASSWORD",
    "NAME": "PGDATABASE",
}
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupFailed(Exception):
    """A backup or restore could not be made; `messages` says why, in Danish."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(*messages)
        self.messages = messages


def database_kind() -> str:
    """`sqlite` or `postgresql`: the kind of database DATABASE_URL names."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    if engine.startswith("django.db.backends.postgresql"):
        return "postgresql"
    raise BackupFailed([_("Omstil kan kun tage backup af SQLite og PostgreSQL.")])


def backup(target: Path) -> int:
    """Write a consistent copy of the database to `target`; return its size in bytes."""
    kind = database_kind()
    target = target.resolve()
    if not target.parent.is_dir():
        raise BackupFailed([_("Mappen %(folder)s findes ikke.") % {"folder": str(target.parent)}])
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
    try:
        # Only the owner may read the copy: it holds every person's data.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as error:
        raise BackupFailed(
            [
                _("Backuppen kan ikke skrives i %(folder)s: %(error)s")
                % {"folder": str(target.parent), "error": error.strerror}
            ]
        ) from None
    try:
        if kind == "sqlite":
            _sqlite_backup(Path(settings.DATABASES["default"]["NAME"]), partial)
        else:
            _run("pg_dump", ["--format=custom", "--no-password", f"--file={partial}"])
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def backup_kind(source: Path) -> str:
    """`sqlite` or `postgresql`: the kind of database the file `source` is a backup of."""
    try:
        with source.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError:
        raise BackupFailed([_("Filen %(file)s kan ikke læses.") % {"file": str(source)}]) from None
    if header.startswith(SQLITE_HEADER):
        return "sqlite"
    if header.startswith(PG_DUMP_HEADER):
        return "postgresql"
    raise _not_a_backup(source)


def restore(source: Path) -> int:
    """Load the backup `source` into the database, which must be empty; return its size."""
    kind = database_kind()
    found = backup_kind(source)
    if found != kind:
        raise BackupFailed(
            [
                _(
                    "Filen er en backup af en %(found)s-database, men DATABASE_URL peger på en "
                    "%(kind)s-database. En backup kan kun indlæses i samme slags database; "
                    "intet er skrevet."
                )
                % {"found": KIND_NAMES[found], "kind": KIND_NAMES[kind]}
            ]
        )
    holds_omstil = (
        _sqlite_has_omstil_tables(source)
        if kind == "sqlite"
        else _pg_dump_has_omstil_tables(source)
    )
    if not holds_omstil:
        raise _not_a_backup(source)
    try:
        existing = connection.introspection.table_names()
    except DatabaseError as error:
        raise BackupFailed(
            [
                _("Databasen, som DATABASE_URL peger på, kan ikke åbnes: %(error)s")
                % {"error": str(error).strip()}
            ]
        ) from None
    if existing:
        raise BackupFailed(
            [
                _(
                    "Databasen har allerede tabeller. En backup kan kun indlæses i en ny, "
                    "tom database; intet er skrevet."
                )
            ]
        )
    connection.close()
    if kind == "sqlite":
        _sqlite_copy(source, Path(settings.DATABASES["default"]["NAME"]))
    else:
        _run(
            "pg_restore",
            [
                "--no-owner",
                "--no-privileges",
                "--no-password",
                "--single-transaction",
                "--exit-on-error",
                # Empty: the database comes from PGDATABASE, like the rest of the connection.
                "--dbname=",
                str(source),
            ],
        )
    return source.stat().st_size


def _not_a_backup(source: Path) -> BackupFailed:
    return BackupFailed(
        [
            _("Filen %(file)s er ikke en backup fra Omstil; intet er skrevet.")
            % {"file": str(source)}
        ]
    )


def _sqlite_backup(source: Path, target: Path) -> None:
    """Copy the live SQLite database into `target` as one file with no write-ahead log."""
    _sqlite_copy(source, target)
    with _sqlite_errors():
        copy = sqlite3.connect(target)
        try:
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a SQLite database page by page with the online backup API, in one step.

    One step reads the whole source inside one read transaction: a consistent snapshot, while
    other connections go on writing to the write-ahead log.
    """
    with _sqlite_errors():
        reading = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            writing = sqlite3.connect(target)
            try:
                reading.backup(writing)
            finally:
                writing.close()
        finally:
            reading.close()


@contextlib.contextmanager
def _sqlite_errors() -> Iterator[None]:
    """Turn a SQLite error into BackupFailed in SQLite's own words."""
    try:
        yield
    except sqlite3.Error as error:
        raise BackupFailed([_("SQLite-fejl: %(error)s") % {"error": str(error)}]) from error


def _sqlite_has_omstil_tables(source: Path) -> bool:
    """Whether the SQLite file `source` holds Omstil's tables (Django's record of migrations)."""
    try:
        reading = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = reading.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                ["django_migrations"],
            ).fetchone()
        finally:
            reading.close()
    except sqlite3.Error:
        return False
    return bool(row and row[0])


def _pg_dump_has_omstil_tables(source: Path) -> bool:
    """Whether the `pg_dump` archive `source` holds Omstil's tables (read with `pg_restore -l`)."""
    result = subprocess.run(
        [postgresql_tool("pg_restore"), "--list", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0 and any(
        " TABLE " in line and line.split()[-2:-1] == ["django_migrations"]
        for line in result.stdout.splitlines()
    )


def postgresql_tool(name: str) -> str:
    """The path of a PostgreSQL client program: on PATH, or the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parent.parent.name.split(".")[0]),
    )
    if installed:
        return installed[-1]
    raise BackupFailed(
        [
            _(
                "Programmet %(name)s findes ikke. Installér PostgreSQL' klientprogrammer "
                "(Debian: postgresql-client)."
            )
            % {"name": name}
        ]
    )


def client_environment(database: Mapping[str, Any], inherited: Mapping[str, str]) -> dict[str, str]:
    """The environment for a PostgreSQL client program: `inherited`, with the connection of
    Django's `database` settings as libpq's variables, so no password is on a command line."""
    env = dict(inherited)
    for setting, variable in LIBPQ_ENVIRONMENT.items():
        value = database.get(setting)
        if value:
            env[variable] = str(value)
    for option, variable in LIBPQ_OPTIONS.items():
        value = database.get("OPTIONS", {}).get(option)
        if value:
            env[variable] = str(value)
    return env


def _run(program: str, args: list[str]) -> None:
    """Run a PostgreSQL client program; its connection comes from the environment only."""
    result = subprocess.run(
        [postgresql_tool(program), *args],
        env=client_environment(settings.DATABASES["default"], os.environ),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupFailed([_("%(name)s mislykkedes:") % {"name": program}, result.stderr.strip()])
