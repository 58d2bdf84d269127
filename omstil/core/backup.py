"""Backing up the database Omstil runs on, and restoring a backup into a new, empty database.

A backup is a consistent copy taken while Omstil runs: SQLite's online backup API, or PostgreSQL's
`pg_dump --format=custom`. It is written next to its destination under a temporary name and
renamed when complete, so an interrupted backup leaves no half file. A restore refuses a database
that already has tables, and a backup of the other kind of database (docs/backup.md).
"""

import glob
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

SQLITE_HEADER = b"SQLite format 3\0"
PG_DUMP_HEADER = b"PGDMP"


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
        if kind == "sqlite":
            _sqlite_copy(Path(settings.DATABASES["default"]["NAME"]), partial)
        else:
            _run(
                "pg_dump",
                ["--format=custom", "--no-password", f"--file={partial}"],
            )
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def restore(source: Path) -> int:
    """Load the backup `source` into the database, which must be empty; return its size."""
    try:
        with source.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError:
        raise BackupFailed([_("Filen %(file)s kan ikke læses.") % {"file": str(source)}]) from None
    if header.startswith(SQLITE_HEADER):
        found = "sqlite"
    elif header.startswith(PG_DUMP_HEADER):
        found = "postgresql"
    else:
        raise BackupFailed(
            [_("Filen %(file)s er ikke en backup fra Omstil.") % {"file": str(source)}]
        )
    kind = database_kind()
    if found != kind:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupFailed(
            [
                _(
                    "Filen er en backup af en %(found)s-database, men DATABASE_URL peger på en "
                    "%(kind)s-database."
                )
                % {"found": names[found], "kind": names[kind]}
            ]
        )
    if connection.introspection.table_names():
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
                "--no-password",
                "--single-transaction",
                "--exit-on-error",
                "--dbname=",
                str(source),
            ],
        )
    return source.stat().st_size


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a SQLite database page by page with the online backup API, as one transaction."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as reading:
        writing = sqlite3.connect(target)
        try:
            reading.backup(writing)
        finally:
            writing.close()
    reading.close()


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


def _connection_environment() -> dict[str, str]:
    """The connection parameters of Django's database as libpq's environment variables."""
    db = settings.DATABASES["default"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for variable, setting in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ]:
        value = db.get(setting)
        if value:
            env[variable] = str(value)
    sslmode = db.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(program: str, args: list[str]) -> None:
    """Run a PostgreSQL client program; its connection comes from the environment only."""
    result = subprocess.run(
        [postgresql_tool(program), *args],
        env=_connection_environment(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupFailed([_("%(name)s mislykkedes:") % {"name": program}, result.stderr.strip()])
