"""A real OpenID Connect provider on loopback for the tests (tests/oidc_provider/).

`running_provider()` migrates a fresh SQLite database in a temporary directory, makes the
provider's RSA signing key and starts Django's server on a free loopback port as a subprocess,
as tests/postgres.py starts PostgreSQL; it yields a `Provider` that adds users and clients.
"""

import contextlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

from tests.postgres import free_port

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Provider:
    url: str
    env: dict[str, str]

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def setup(
        self, *, users: Sequence[dict[str, Any]] = (), clients: Sequence[dict[str, Any]] = ()
    ) -> None:
        """Add or update users (username, password, email, name, employee_id) and clients
        (client_id, client_secret, redirect_uris)."""
        _manage(
            self.env,
            "provider_setup",
            stdin=json.dumps({"users": list(users), "clients": list(clients)}),
        )


def _manage(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


@contextlib.contextmanager
def running_provider() -> Iterator[Provider]:
    root = Path(tempfile.mkdtemp(prefix="omstil-oidc-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PYTHONPATH": str(ROOT),
        "OIDC_PROVIDER_DB": str(root / "provider.sqlite3"),
        "OIDC_PROVIDER_URL": url,
    }
    log = (root / "server.log").open("w")
    server = None
    try:
        _manage(env, "migrate", "--verbosity=0")
        _manage(env, "creatersakey")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "django",
                "runserver",
                f"127.0.0.1:{port}",
                "--noreload",
                "--skip-checks",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{url}/openid/.well-known/openid-configuration", timeout=2)
                break
            except requests.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((root / "server.log").read_text()) from None
                time.sleep(0.1)
        yield Provider(url, env)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    """The test OpenID Connect provider, running for the whole test session."""
    with running_provider() as provider:
        yield provider


def sign_in_at_provider(authorize_url: str, username: str, password: str) -> str:
    """Follow Omstil's redirect to the provider, log in on its page as a browser would, and
    return the address the provider sends the browser back to (not followed)."""
    with requests.Session() as browser:
        response = browser.get(authorize_url, allow_redirects=True, timeout=10)
        assert response.status_code == 200, response.text[:500]
        assert "/login/" in response.url
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        nxt = re.search(r'name="next" value="([^"]*)"', response.text)
        assert token
        assert nxt
        response = browser.post(
            response.url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": username,
                "password": password,
                "next": html.unescape(nxt.group(1)),
            },
            headers={"Referer": response.url},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text[:500]
        location = urljoin(response.url, response.headers["Location"])
        # The provider's authorize endpoint now answers with the way back to Omstil.
        response = browser.get(location, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        return str(response.headers["Location"])
