"""The `omstil` console script as an operator runs it: a fresh database, the contract's JSON."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.postgres import free_port

OMSTIL = str(Path(sys.executable).with_name("omstil"))
SHIPPED = {
    "digital-omstilling": 5,
    "topleder-kompetencer": 7,
    "ti-bud": 10,
    "digital-ledelse-fem-elementer": None,
    "medarbejder-digitale-kompetencer": None,
}


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([OMSTIL, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    directory = tmp_path_factory.mktemp("omstil")
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "OMSTIL_"))
    }
    environment.update(
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        SECRET_KEY="a-secret-key-for-the-console-script-tests-0123456789-abcdefghijklmnop",
        OMSTIL_HTTPS="0",
        OMSTIL_VAR_DIR=str(directory),
    )
    assert run("migrate", "-v0", env=environment).returncode == 0
    synced = run("instruments", "sync", "--json", env=environment)
    assert synced.returncode == 0, synced.stderr
    return environment


def test_help_lists_the_commands_in_groups(env):
    result = run("--help", env=env)
    assert result.returncode == 0
    for line in ["instruments list|show|validate|sync", "serve [--port P]", "worker [--queue Q]"]:
        assert line in result.stdout


def test_list_json_names_every_shipped_instrument(env):
    result = run("instruments", "list", "--json", env=env)
    assert result.returncode == 0
    rows = {row["key"]: row for row in json.loads(result.stdout)}
    assert set(rows) == set(SHIPPED)
    for key, count in SHIPPED.items():
        assert rows[key]["version"] == 1
        assert isinstance(rows[key]["title"], str)
        if count is not None:
            assert rows[key]["items"] == count


def test_show_json_has_every_item_with_its_text_by_role_and_language(env):
    result = run("instruments", "show", "digital-omstilling", "--json", env=env)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["key"] == "digital-omstilling"
    assert len(data["items"]) == 5
    for item in data["items"]:
        assert set(item) >= {"key", "theme", "text"}
        assert set(item["text"]) == {"employee", "self", "superior", "peer"}
        for wording in item["text"].values():
            assert set(wording) == {"da", "en"}
    self_only = json.loads(run("instruments", "show", "ti-bud", "--json", env=env).stdout)
    assert {role for item in self_only["items"] for role in item["text"]} == {"self"}


def test_a_second_sync_leaves_every_instrument_unchanged(env):
    result = run("instruments", "sync", "--json", env=env)
    assert result.returncode == 0
    assert {row["action"] for row in json.loads(result.stdout)["instruments"]} == {"unchanged"}


def test_an_unknown_instrument_exits_1_and_wrong_usage_exits_2(env):
    unknown = run("instruments", "show", "findes-ikke", env=env)
    assert unknown.returncode == 1
    assert "findes ikke" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    assert run("instruments", "vis", env=env).returncode == 2
    assert run("instruments", "validate", env=env).returncode == 2


def test_validate_prints_file_path_message_and_exits_1(env, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\nkey: bad\n", encoding="utf-8")
    result = run("instruments", "validate", str(bad), env=env)
    assert result.returncode == 1
    assert f"{bad}: kind: mangler" in result.stderr.splitlines()


def test_messages_are_in_english_with_omstil_language_en(env):
    result = run("instruments", "show", "findes-ikke", env={**env, "OMSTIL_LANGUAGE": "en"})
    assert result.returncode == 1
    assert "does not exist" in result.stderr


def test_production_settings_pass_the_deploy_check(env):
    production = {
        **env,
        "DEBUG": "0",
        "OMSTIL_BASE_URL": "https://omstil.example.dk",
        "ALLOWED_HOSTS": "omstil.example.dk",
        "EMAIL_URL": "submission://mail.example.dk:587",
    }
    production.pop("OMSTIL_HTTPS")
    result = run("check", "--deploy", "--fail-level", "WARNING", env=production)
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(env):
    without_key = {key: value for key, value in env.items() if key != "SECRET_KEY"}
    result = run("check", env=without_key)
    assert result.returncode != 0
    assert "SECRET_KEY skal være sat" in result.stderr


def fetched(address: str) -> int:
    """The status of a GET. A connection reset before the status line (gunicorn's gthread
    worker does this about once in 30 fresh starts, on a request that never reached the
    application) is retried once, as a browser retries an idempotent request."""
    for attempt in (1, 2):
        try:
            with urllib.request.urlopen(address, timeout=5) as response:
                return int(response.status)
        except ConnectionResetError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def test_serve_answers_with_pages_and_collected_static_files(env, tmp_path):
    port = free_port()
    # Unbuffered, so each log line reaches the file as it is written.
    production = {**env, "DEBUG": "0", "OMSTIL_VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "server.log"
    server = subprocess.Popen(
        [OMSTIL, "serve", "--port", str(port), "--workers", "1"],
        env=production,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    assert json.load(response) == {"ok": True}
                    break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/konto/log-ind/", timeout=5) as response:
            page = response.read().decode()
        stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
        assert len(stylesheets) == 2
        for stylesheet in stylesheets:
            assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), "collected with hashed names"
            assert fetched(f"{base}{stylesheet}") == 200
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/findes-ikke/", timeout=5)
        assert missing.value.code == 404
        assert "Siden findes ikke" in missing.value.read().decode()
        token = "abcdefghijklmnopqrstuvwxyz234567"
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/svar/{token}/side/1/", timeout=5)
        # gunicorn writes the access line just after answering: wait for it before stopping.
        deadline = time.monotonic() + 15
        while "/svar/[token]/side/1/" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    logged = log.read_text()
    assert "/svar/[token]/side/1/" in logged  # the request was logged, with the token masked
    assert token not in logged


def test_the_demo_has_two_closed_rounds_with_answers_and_an_open_round(env):
    result = run("demo", "--password", "demo-password-123", env=env)
    assert result.returncode == 0, result.stderr
    assert "/svar/" in result.stdout
    rounds = json.loads(run("round", "list", "--org", "demo-kommune", "--json", env=env).stdout)
    evaluations = [row for row in rounds if row["kind"] == "evaluation"]
    assert sorted(row["status"] for row in evaluations) == ["closed", "closed", "open"]
    closed = [row for row in evaluations if row["status"] == "closed"][-1]
    status = json.loads(run("round", "status", str(closed["round"]), "--json", env=env).stdout)
    assert status["completed"] > status["invited"] / 2
    # Two closed mappings of the employees' digital competences, so the change shows.
    mappings = [row for row in rounds if row["kind"] == "mapping"]
    assert [row["status"] for row in mappings] == ["closed", "closed"]
    organisation_map = json.loads(
        run("mapping", "unit", str(mappings[-1]["round"]), "Demo Kommune", env=env).stdout
    )
    assert organisation_map["previous_round"] == mappings[0]["round"]
    assert organisation_map["suggestions"]
    assert any(area["all"]["change"] for area in organisation_map["areas"])
    again = run("demo", "--password", "demo-password-123", env=env)
    assert again.returncode == 0
    assert len(json.loads(run("round", "list", "--json", env=env).stdout)) == 5
    leader = json.loads(run("org", "show", "--org", "demo-kommune", "--json", env=env).stdout)
    leaders = [p["employee_id"] for p in leader["people"] if p["is_leader"]]
    report = json.loads(
        run(
            "report", "leader", str(closed["round"]), leaders[-1], "--format", "json", env=env
        ).stdout
    )
    assert report["previous_round"] is not None
    assert any(item["comparisons"]["organisation"] for item in report["items"])
    # A leader login whose development plans show the way from report to action.
    login = result.stdout.split("Leder/leader:")[1].split()[0]
    assert login.endswith("@demo-kommune.example")
