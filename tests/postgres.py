"""A private PostgreSQL server for the test run, started from Debian's binaries in a temp dir."""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{self.user}@{self.host}:{self.port}/{database}"


def _bin_dir() -> Path:
    for candidate in [
        os.environ.get("OMSTIL_PG_BIN", ""),
        *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True),
    ]:
        if candidate and (Path(candidate) / "postgres").exists():
            return Path(candidate)
    raise RuntimeError(
        "PostgreSQL's server binaries were not found; `make test` installs them (apt: postgresql)"
    )


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def private_server() -> Iterator[PostgresServer]:
    """Start a throw-away server on a free loopback port; stop and delete it afterwards.

    PostgreSQL refuses to run as root, so as root the server runs as `nobody`.
    """
    bin_dir = _bin_dir()
    run_as = "nobody" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="omstil-pg-"))
    data = root / "data"
    data.mkdir()
    if run_as:
        shutil.chown(root, run_as)
        shutil.chown(data, run_as)
    port = free_port()
    user = "omstil"

    def run(*args: str) -> None:
        subprocess.run(args, check=True, user=run_as, capture_output=True, cwd=root)

    try:
        run(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            user,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(root / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )
        deadline = time.monotonic() + 30
        while subprocess.run(
            [str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True
        ).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError((root / "server.log").read_text())
            time.sleep(0.1)
        yield PostgresServer("127.0.0.1", port, user)
    finally:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def benchmark_database(kind: str, workdir: Path, name: str = "bench") -> Iterator[str]:
    """A database URL for a benchmark: a SQLite file in `workdir`, or a private PostgreSQL."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / (name + '.sqlite3')}"
        return
    import psycopg

    with private_server() as server:
        with psycopg.connect(server.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        yield server.url(name)
