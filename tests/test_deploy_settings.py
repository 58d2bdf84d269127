"""Production settings: `omstil check --deploy` is clean with the documented ones, every page
carries a Content Security Policy, and a session ends with the working day or the browser."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]


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
