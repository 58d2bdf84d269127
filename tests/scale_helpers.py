"""Several Omstil processes on one database of the test's own: servers, a proxy, workers and
respondents, as an operator runs them when Omstil is scaled out.

The database is a SQLite file, or a database on the suite's PostgreSQL server with
--db=postgresql. Every process is started in a process group of its own and killed with it when
the test ends; every wait has a deadline.
"""

import contextlib
import csv
import http.client
import http.cookiejar
import io
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import psycopg
from django.conf import settings
from django.test import override_settings

from omstil.rounds import tokens
from omstil.site.demo.organisation import generate, to_csv

OMSTIL = str(Path(sys.executable).with_name("omstil"))
SECRET = "a-secret-key-for-the-scale-out-tests-0123456789-abcdefghijklmnopqrstu"
ROOT = Path(__file__).resolve().parent.parent

# Collects the static files with their manifest, as `omstil serve` does, without compressing them
# (a minute of CPU that these tests do not need: WhiteNoise serves the uncompressed files).
COLLECT_STATIC = """
import os
os.environ["DJANGO_SETTINGS_MODULE"] = "omstil.settings"
import omstil.settings
omstil.settings.STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
)
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail naming `what` when `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


class Database:
    """A database of the test's own, reached by the processes and read directly by the test."""

    def __init__(self, url: str, env: dict[str, str]) -> None:
        self.url = url
        self.env = {**env, "DATABASE_URL": url}

    def omstil(self, *args: str) -> str:
        result = subprocess.run(
            [OMSTIL, *args], env=self.env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, f"omstil {' '.join(args)}: {result.stderr}"
        return result.stdout

    def rows(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        if self.url.startswith("sqlite"):
            path = self.url.removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(path, timeout=30)) as connection:
                return list(connection.execute(sql.replace("%s", "?"), params).fetchall())
        with psycopg.connect(self.url) as connection:
            return list(connection.execute(sql, params).fetchall())

    def count(self, sql: str, *params: object) -> int:
        return int(str(self.rows(sql, *params)[0][0]))


def environment(var_dir: Path) -> dict[str, str]:
    """This process's environment without the suite's settings, with a production's instead."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "OMSTIL_", "EMAIL_", "CACHE_"))
    }
    env.update(
        SECRET_KEY=SECRET,
        DEBUG="0",
        OMSTIL_HTTPS="0",
        OMSTIL_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def collect_static(var_dir: Path) -> None:
    """Collect the static files into `var_dir`/static, where the servers look for them."""
    subprocess.run(
        [sys.executable, "-c", COLLECT_STATIC],
        env=environment(var_dir),
        check=True,
        capture_output=True,
        timeout=300,
    )


def _server() -> str:
    db = settings.DATABASES["default"]
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}"


@contextlib.contextmanager
def template_database(kind: str, directory: Path) -> Iterator[str]:
    """A migrated database of `kind` with the instrument library, to be copied by
    `scale_database` (migrating takes longer than copying); its URL."""
    name = None
    if kind == "postgresql":
        name = f"scale_template_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{_server()}/postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        url = f"{_server()}/{name}"
    else:
        url = f"sqlite:///{directory / 'template.sqlite3'}"
    try:
        template = Database(url, environment(directory))
        template.omstil("migrate", "-v0")
        template.omstil("instruments", "sync")
        yield url
    finally:
        if name is not None:
            with psycopg.connect(f"{_server()}/postgres", autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def scale_database(
    template: str, tmp_path: Path, *, people: int = 0, static: Path | None = None
) -> Iterator[Database]:
    """A new database, a copy of `template`; with `people`, a generated kommune of about that
    many and an open round in which every employee answers about their leader (its e-mails
    queued). `static`: a directory of collected static files the servers are to use."""
    if static is not None:
        (tmp_path / "static").symlink_to(static, target_is_directory=True)
    name = None
    if template.startswith("postgresql"):
        name = f"scale_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{_server()}/postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name} TEMPLATE {template.rsplit('/', 1)[1]}")
        url = f"{_server()}/{name}"
    else:
        path = tmp_path / "omstil.sqlite3"
        source = sqlite3.connect(template.removeprefix("sqlite:///"))
        with contextlib.closing(source), contextlib.closing(sqlite3.connect(path)) as copy:
            source.backup(copy)
        url = f"sqlite:///{path}"
    database = Database(url, environment(tmp_path))
    try:
        if people:
            hr_file = tmp_path / "hr.csv"
            hr_file.write_bytes(to_csv(generate(people, seed=14)))
            database.omstil("org", "import", str(hr_file), "--org", "fjordby", "--json")
            today = date.today()
            database.omstil(
                "round", "create", "--org", "fjordby", "--instrument", "digital-omstilling",
                "--opens", today.isoformat(), "--closes", (today + timedelta(days=20)).isoformat(),
                "--raters", "employee", "--json",
            )  # fmt: skip
            database.omstil("round", "open", "1")
        yield database
    finally:
        if name is not None:
            with psycopg.connect(f"{_server()}/postgres", autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def invitation_tokens(database: Database, round_id: int = 1) -> list[str]:
    """Every invitation's token, from the round's salt and the invitations in its database."""
    [(salt,)] = database.rows("SELECT token_salt FROM rounds_round WHERE id = %s", round_id)
    rows = database.rows(
        "SELECT i.person_id, l.employee_id, i.rater_group FROM rounds_invitation i "
        "JOIN rounds_evaluatedleader l ON l.id = i.leader_id WHERE i.round_id = %s ORDER BY i.id",
        round_id,
    )
    with override_settings(SECRET_KEY=SECRET):
        return [
            tokens.token_for(str(salt), int(str(person)), str(leader), str(group))
            for person, leader, group in rows
        ]


def invitation_hash(token: str) -> str:
    """What the servers store of `token` in its invitation."""
    with override_settings(SECRET_KEY=SECRET):
        return tokens.invitation_hash(token)


class Processes:
    """The processes a test starts, each in a process group of its own, its output in a log."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        with open(self.log_dir / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append((name, process))
        return process

    def log(self, process: subprocess.Popen[bytes]) -> str:
        name = next(name for name, started in self.started if started is process)
        return (self.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]

    def kill(self, process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the process's whole group (a server's master and its workers)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)

    def stop(self, process: subprocess.Popen[bytes], timeout: float = 30) -> int:
        """Stop it as an operator does (SIGTERM), killing it if it does not end in time."""
        self.kill(process, signal.SIGTERM)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill(process)
            return process.wait(timeout)

    def kill_all(self) -> None:
        for _, process in self.started:
            self.kill(process)
        for _, process in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(30)

    def serve(self, name: str, database: Database, port: int) -> subprocess.Popen[bytes]:
        """`omstil serve` on `port`, behind a proxy; returns once it answers /healthz."""
        env = {
            **database.env,
            "OMSTIL_BEHIND_PROXY": "1",
            "OMSTIL_BASE_URL": f"http://127.0.0.1:{port}",
        }
        process = self.start(
            name,
            [OMSTIL, "serve", "--port", str(port), "--workers", "2", "--threads", "2",
             "--no-collectstatic"],
            env,
        )  # fmt: skip
        self.wait_until_healthy(process, f"http://127.0.0.1:{port}")
        return process

    def wait_until_healthy(self, process: subprocess.Popen[bytes], base: str) -> None:
        def healthy() -> bool:
            assert process.poll() is None, self.log(process)
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    return bool(response.status == 200)
            except (OSError, http.client.HTTPException):
                return False

        wait_for(healthy, 60, f"{base}/healthz")

    def haproxy(self, tmp_path: Path, port: int, backends: list[int]) -> subprocess.Popen[bytes]:
        """HAProxy on `port` spreading requests round-robin over the servers on `backends`."""
        config = tmp_path / "haproxy.cfg"
        servers = "\n".join(
            f"    server web{number} 127.0.0.1:{backend} check"
            for number, backend in enumerate(backends, start=1)
        )
        config.write_text(
            HAPROXY.format(port=port, servers=servers, socket=tmp_path / "haproxy.sock")
        )
        # Debian puts it in /usr/sbin, which is not on an ordinary user's PATH.
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        process = self.start("haproxy", [haproxy, "-db", "-f", str(config)], os.environ.copy())
        self.wait_until_healthy(process, f"http://127.0.0.1:{port}")
        return process

    def in_flight(self, tmp_path: Path) -> dict[str, int]:
        """The requests each server behind HAProxy is handling now (its stats socket)."""
        with socket.socket(socket.AF_UNIX) as stats:
            stats.settimeout(5)
            stats.connect(str(tmp_path / "haproxy.sock"))
            stats.sendall(b"show stat -1 4 -1\n")
            answer = b""
            while chunk := stats.recv(65536):
                answer += chunk
        rows = list(csv.DictReader(io.StringIO(answer.decode().removeprefix("# "))))
        return {row["svname"]: int(row["scur"] or 0) for row in rows if row.get("scur")}


# A production-like configuration: health checks on /healthz, a failed connection retried on
# another server (`retries`, `option redispatch`), the client's address passed on.
HAPROXY = """\
global
    maxconn 2000
    log stderr format short local0 info
    stats socket {socket} mode 600 level operator

defaults
    mode http
    log global
    option httplog
    option forwardfor
    option redispatch 1
    retries 3
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 30s
    timeout check 5s
    default-server inter 500ms fall 2 rise 1

frontend omstil
    bind 127.0.0.1:{port}
    default_backend servers

backend servers
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
{servers}
"""

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
ACTION = re.compile(r'action="([^"]*)"')
RADIO = re.compile(r'<input[^>]*type="radio"[^>]*name="([^"]+)"')
START_LINK = re.compile(r'href="(/svar/[a-z2-7]{32}/side/1/)"')


def main_content(html: str) -> str:
    return html.split('id="main-content"', 1)[-1].split("</main>", 1)[0]


def respond(base: str, token: str) -> str | None:
    """One respondent with a browser's cookie jar: follow the link, answer every statement ("4")
    page by page, until the receipt. None when a receipt came; otherwise what went wrong
    ("HTTP 502", "RemoteDisconnected", "no receipt")."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def call(path: str, data: dict[str, str] | None = None) -> tuple[str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"{base}{path}", data=body)
        if body is not None:
            request.add_header("Origin", base)
        with opener.open(request, timeout=30) as response:
            return urllib.parse.urlparse(response.url).path, response.read().decode()

    try:
        path, html = call(f"/svar/{token}/")
        for _ in range(30):
            main = main_content(html)
            if path.endswith("/kvittering/") and "<form" not in main:
                return None
            form = FORM.search(main)
            if form is not None:
                csrf = CSRF.search(form.group(2))
                action = ACTION.search(form.group(1))
                if csrf is None:
                    return f"no receipt: a form without a CSRF token at {path}"
                data = dict.fromkeys(RADIO.findall(form.group(2)), "4")
                data["csrfmiddlewaretoken"] = csrf.group(1)
                path, html = call(action.group(1) if action else path, data)
            elif (link := START_LINK.search(main)) is not None:
                path, html = call(link.group(1))
            else:
                return f"no receipt: nothing to answer or follow at {path}"
        return "no receipt after 30 pages"
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (OSError, http.client.HTTPException, ValueError) as error:
        return type(error).__name__
