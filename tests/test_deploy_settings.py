"""Production settings: `omstil check --deploy` is clean with the documented ones, every page
carries a Content Security Policy, and a session ends with the working day or the browser. The
database pool and the shared cache come out of the environment as docs/configuration.md says,
and the systemd units and nginx files in deploy/ run commands and options Omstil accepts."""

import os
import re
import runpy
import secrets
import shlex
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.urls import reverse

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
# Where docs/deployment.md puts the checkout and its virtual environment.
OMSTIL = "/srv/omstil/.venv/bin/omstil"
# The instances docs/deployment.md enables of each template unit.
INSTANCES = {"omstil-web@.service": ["8001", "8002"], "omstil-worker@.service": ["email", "files"]}
SECRET = "a-secret-key-long-enough-for-the-checks-0123456789-abcdefghijklmnop"


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    """The settings from docs/configuration.md's "Running in production" (with a local SQLite
    standing in for PostgreSQL, which the check does not reach)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "OMSTIL_", "DATABASE_", "EMAIL_"))
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL=f"sqlite:///{tmp_path / 'omstil.sqlite3'}",
        OMSTIL_BASE_URL="https://omstil.example.dk",
        ALLOWED_HOSTS="omstil.example.dk",
        EMAIL_URL="submission://omstil:secret@mail.example.dk:587",
    )
    done = subprocess.run(
        [sys.executable, "-m", "omstil.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_every_page_carries_the_policy(client, db, system_admin):
    for url in [reverse("accounts:login"), reverse("signin:ask"), "/findes-ikke/"]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
    client.force_login(system_admin)
    assert "object-src 'none'" in client.get(reverse("site:home"))["Content-Security-Policy"]


def test_a_session_lasts_a_working_day_and_ends_with_the_browser(client, db, system_admin):
    response = client.post(
        reverse("accounts:login"), {"username": system_admin.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""  # a browser session's cookie: closing the browser ends it
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert client.session.get_expiry_age() == 8 * 60 * 60


def _clean_environment() -> dict[str, str]:
    """This process's environment without any of Omstil's settings."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "OMSTIL_", "DATABASE_", "EMAIL_", "CACHE_"))
        and key not in ("SECRET_KEY", "PORT", "NOTIFY_SOCKET")
    }


def _settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **environment: str
) -> dict[str, Any]:
    """`omstil/settings.py` run afresh with only `environment` set: the settings it makes."""
    for key in list(os.environ):
        if key not in _clean_environment():
            monkeypatch.delenv(key)
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("OMSTIL_VAR_DIR", str(tmp_path / "var"))
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "omstil" / "settings.py"))


POSTGRES = "postgres://omstil:secret@db.example.dk:5432/omstil"


def test_postgresql_connections_are_pooled_four_per_process_by_default(monkeypatch, tmp_path):
    database = _settings(monkeypatch, tmp_path, DATABASE_URL=POSTGRES)["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10}
    assert database["CONN_MAX_AGE"] == 0  # the pool keeps the connections
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is False


def test_the_pool_takes_its_size_from_the_environment(monkeypatch, tmp_path):
    database = _settings(
        monkeypatch,
        tmp_path,
        DATABASE_URL=POSTGRES,
        DATABASE_POOL_SIZE="12",
        DATABASE_POOL_MIN_SIZE="2",
        DATABASE_POOL_TIMEOUT="5",
        OMSTIL_THREADS="6",
    )["DATABASES"]["default"]
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 12, "timeout": 5}


def test_without_a_pool_size_the_pool_holds_one_connection_per_server_thread(monkeypatch, tmp_path):
    database = _settings(monkeypatch, tmp_path, DATABASE_URL=POSTGRES, OMSTIL_THREADS="6")[
        "DATABASES"
    ]["default"]
    assert database["OPTIONS"]["pool"]["max_size"] == 6


def test_without_the_pool_connections_are_kept_for_a_minute(monkeypatch, tmp_path):
    database = _settings(monkeypatch, tmp_path, DATABASE_URL=POSTGRES, DATABASE_POOL="0")[
        "DATABASES"
    ]["default"]
    assert "pool" not in database["OPTIONS"]
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    database = _settings(
        monkeypatch, tmp_path, DATABASE_URL=POSTGRES, DATABASE_POOL="0", DATABASE_CONN_MAX_AGE="0"
    )["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == 0


def test_behind_pgbouncer_omstil_keeps_no_pool_and_no_server_side_cursors(monkeypatch, tmp_path):
    database = _settings(monkeypatch, tmp_path, DATABASE_URL=POSTGRES, DATABASE_PGBOUNCER="1")[
        "DATABASES"
    ]["default"]
    assert "pool" not in database["OPTIONS"]
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert database["CONN_MAX_AGE"] == 60


def test_sqlite_keeps_its_connections_for_a_minute_and_has_no_pool(monkeypatch, tmp_path):
    for environment in ({}, {"DATABASE_POOL": "1"}):
        database = _settings(monkeypatch, tmp_path, **environment)["DATABASES"]["default"]
        assert database["ENGINE"] == "django.db.backends.sqlite3"
        assert database["NAME"] == str(tmp_path / "var" / "omstil.sqlite3")
        assert "pool" not in database["OPTIONS"]
        assert database["CONN_MAX_AGE"] == 60


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        (None, "omstil.core.cache.DatabaseCache", "omstil_cache"),
        ("redis://cache.example.dk:6379/0", "redis.RedisCache", "redis://cache.example.dk:6379/0"),
        (
            "rediss://cache.example.dk:6380/1",
            "redis.RedisCache",
            "rediss://cache.example.dk:6380/1",
        ),
        ("valkey://cache.example.dk:6379/0", "redis.RedisCache", "redis://cache.example.dk:6379/0"),
        (
            "valkeys://u:pw@cache.example.dk/2",
            "redis.RedisCache",
            "rediss://u:pw@cache.example.dk/2",
        ),
        ("unix:///run/redis/redis.sock", "redis.RedisCache", "unix:///run/redis/redis.sock"),
        ("db://", "omstil.core.cache.DatabaseCache", "omstil_cache"),
        ("locmem://", "locmem.LocMemCache", None),
    ],
)
def test_the_shared_cache_is_the_one_cache_url_names(monkeypatch, tmp_path, url, backend, location):
    environment = {} if url is None else {"CACHE_URL": url}
    cache = _settings(monkeypatch, tmp_path, **environment)["CACHES"]["default"]
    assert cache["BACKEND"].endswith(backend)
    assert cache.get("LOCATION") == location
    assert cache["KEY_PREFIX"] == "omstil"


def _omstil(*args: str, tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = _clean_environment()
    env.update(
        SECRET_KEY=SECRET,
        DATABASE_URL=f"sqlite:///{tmp_path / 'omstil.sqlite3'}",
        OMSTIL_VAR_DIR=str(tmp_path / "var"),
        **environment,
    )
    return subprocess.run(
        [sys.executable, "-m", "omstil.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_cache_url_of_an_unknown_kind_stops_omstil_with_a_message(tmp_path):
    done = _omstil("check", tmp_path=tmp_path, CACHE_URL="memcached://cache.example.dk:11211")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("omstil: CACHE_URL='memcached://cache.example.dk:11211': ")
    assert "ukendt type / unknown scheme" in done.stderr


def test_a_worker_for_a_queue_that_does_not_exist_says_so_in_danish_and_english(tmp_path):
    done = _omstil("worker", "--queue", "email,nosuch", "--burst", tmp_path=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Ukendt kø: nosuch (kendte: email, files)." in done.stderr
    assert "Unknown queue: nosuch (known: email, files)." in done.stderr


def _exec_lines(unit: Path) -> list[tuple[str, str]]:
    """The (Exec… key, command line) pairs of a unit file."""
    found = []
    for line in unit.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.startswith("Exec"):
            found.append((key, value))
    return found


def _parse(command: str, arguments: list[str]) -> dict[str, Any]:
    """The options `omstil COMMAND ARGUMENTS` is run with; CommandError if its parser refuses."""
    assert command in get_commands(), f"omstil has no command {command!r}"
    parser = load_command_class(get_commands()[command], command).create_parser("omstil", command)
    return vars(parser.parse_args(arguments))


def test_every_service_runs_an_omstil_command_with_options_it_accepts():
    services = sorted(DEPLOY.glob("*.service"))
    assert {unit.name for unit in services} >= {
        "omstil-web@.service",
        "omstil-worker@.service",
        "omstil-tick.service",
        "omstil-backup.service",
    }
    for unit in services:
        lines = _exec_lines(unit)
        assert [key for key, _ in lines].count("ExecStart") == 1, unit.name
        instances = INSTANCES[unit.name] if unit.name.endswith("@.service") else [""]
        for instance in instances:
            for key, line in lines:
                words = shlex.split(line.replace("%i", instance))
                assert not any("%" in word for word in words), (unit.name, line)
                if key == "ExecStart":
                    assert words[0] == OMSTIL, (unit.name, line)
                if words[0] == OMSTIL:
                    options = _parse(words[1], words[2:])
                else:  # a script of deploy/ that the unit runs from the checkout
                    assert words[0].startswith("/srv/omstil/deploy/"), (unit.name, line)
                    script = DEPLOY / words[0].removeprefix("/srv/omstil/deploy/")
                    assert script.stat().st_mode & stat.S_IXUSR, script
                    subprocess.run(["sh", "-n", str(script)], check=True)
                    continue
                if words[1] == "serve":
                    assert options["port"] == int(instance)
                    assert options["collectstatic"] is False
                if words[1] == "worker":
                    assert options["queues"] == [instance]
                    assert instance in settings.TASK_QUEUES


def test_each_timer_starts_a_service_of_deploy_and_every_file_is_in_the_guide():
    timers = sorted(DEPLOY.glob("*.timer"))
    assert {timer.name for timer in timers} == {"omstil-tick.timer", "omstil-backup.timer"}
    for timer in timers:
        assert (DEPLOY / timer.name.replace(".timer", ".service")).exists()
        assert "Persistent=true" in timer.read_text()
    guide = (ROOT / "docs" / "deployment.md").read_text()
    for path in DEPLOY.iterdir():
        assert f"deploy/{path.name}" in guide, path.name
    for unit in DEPLOY.glob("*.service"):
        text = unit.read_text()
        for option in ("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes"):
            assert option in text, (unit.name, option)
        assert "ReadWritePaths=/var/lib/omstil" in text or (
            "ReadWritePaths=/var/backups/omstil /var/lib/omstil" in text
        ), unit.name


def _env_file(path: Path) -> dict[str, str]:
    """The KEY=value lines of a systemd environment file, commented-out ones included."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.fullmatch(r"#?([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            found[match[1]] = match[2].removeprefix('"').removesuffix('"')
    return found


def test_the_example_settings_are_documented_and_make_a_pooled_production_set_up(
    monkeypatch, tmp_path
):
    example = _env_file(DEPLOY / "omstil.env.example")
    documented = (ROOT / "docs" / "configuration.md").read_text()
    for key in example:
        assert f"`{key}`" in documented, key
    active = {
        key: value
        for key, value in example.items()
        if key not in ("CACHE_URL", "DATABASE_PGBOUNCER", "OMSTIL_VAR_DIR")
    }
    made = _settings(monkeypatch, tmp_path, **active)
    assert made["BEHIND_PROXY"] is True
    assert made["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert made["HTTPS"] is True
    assert made["DATABASES"]["default"]["OPTIONS"]["pool"]["max_size"] == 4
    assert made["DEFAULT_FROM_EMAIL"] == "Omstil <omstil@example.dk>"
    assert made["CACHES"]["default"]["BACKEND"] == "omstil.core.cache.DatabaseCache"


def test_the_scripts_of_deploy_are_executable_shell_scripts():
    scripts = [
        path
        for path in DEPLOY.iterdir()
        if path.suffix not in (".service", ".timer", ".target", ".conf", ".example")
    ]
    assert {path.name for path in scripts} == {"omstil-admin", "omstil-backup-rotate"}
    for script in scripts:
        assert script.read_text().startswith("#!/bin/sh\n"), script.name
        assert script.stat().st_mode & stat.S_IXUSR, script.name
        subprocess.run(["sh", "-n", str(script)], check=True)


def test_the_web_server_tells_systemd_when_it_is_ready(tmp_path):
    """omstil-web@.service is `Type=notify`: gunicorn says READY=1 on $NOTIFY_SOCKET."""
    assert "Type=notify" in (DEPLOY / "omstil-web@.service").read_text()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(tmp_path / "notify"))
    listener.settimeout(60)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = _clean_environment()
    env.update(
        SECRET_KEY=SECRET,
        DATABASE_URL=f"sqlite:///{tmp_path / 'omstil.sqlite3'}",
        OMSTIL_VAR_DIR=str(tmp_path / "var"),
        NOTIFY_SOCKET=str(tmp_path / "notify"),
        OMSTIL_WORKERS="1",
        OMSTIL_THREADS="1",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "omstil.cli", "serve", "--port", str(port), "--no-collectstatic"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        message = listener.recv(4096).decode()
        assert "READY=1" in message.split("\n")
        with socket.create_connection(("127.0.0.1", port), timeout=10):
            pass  # listening once it says so
    finally:
        server.terminate()
        server.wait(timeout=60)
        listener.close()


def _nginx_directives(name: str, directive: str) -> list[str]:
    return re.findall(rf"^\s*{directive}\s+([^;]*);", (DEPLOY / name).read_text(), re.M)


def test_nginx_logs_no_token_and_sends_a_post_to_one_server_only():
    (log_format,) = re.findall(
        r"log_format omstil (.*?);", (DEPLOY / "nginx-omstil.conf").read_text(), re.S
    )
    for leaky in ("$request ", "$request_uri", "$uri", "$args", "$query_string", "$http_referer"):
        assert leaky not in log_format + " ", leaky
    assert "$omstil_logged_path" in log_format
    assert "map $request_uri $omstil_logged_path {" in (DEPLOY / "nginx-omstil.conf").read_text()
    # The map's patterns, PCRE as nginx reads them, applied the way nginx applies a map.
    patterns = [
        (re.compile(pattern.replace("(?<", "(?P<")), value)
        for pattern, value in re.findall(
            r'^\s*"~(.*?)"\s+"(.*?)";', (DEPLOY / "nginx-omstil.conf").read_text(), re.M
        )
    ]

    def logged(uri: str) -> str:
        for pattern, value in patterns:
            if found := pattern.search(uri):
                return re.sub(r"\$(\w+)", lambda name: found[name[1]] or "", value)
        raise AssertionError(uri)

    token = "abcdefghijklmnopqrstuvwxyz234567"
    assert logged(f"/svar/{token}/") == "/svar/[token]/"
    assert logged(f"/svar/{token}/side/2/?sprog=en") == "/svar/[token]/side/2/"
    assert logged(f"/svar/{token}") == "/svar/[token]"
    assert logged("/rapporter/3/?enhed=Fjordby") == "/rapporter/3/"
    everywhere, *in_locations = _nginx_directives("nginx-omstil.conf", "proxy_next_upstream")
    assert everywhere == "error timeout"
    assert in_locations == ["error timeout http_404"]  # /static/ only
    assert _nginx_directives("nginx-omstil.conf", "proxy_set_header")[:3] == [
        "Host $host",
        "X-Forwarded-For $remote_addr",
        "X-Forwarded-Proto $scheme",
    ]
