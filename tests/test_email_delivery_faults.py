"""A worker killed while sending a round's e-mails: on restart none is lost or doubled."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.hrfiles import csv_file
from tests.postgres import free_port
from tests.rounds_helpers import links_in

OMSTIL = str(Path(sys.executable).with_name("omstil"))


class SlowServer:
    """Accepts mail, but holds the sender at MAIL FROM; can stop at the nth message."""

    def __init__(self, stop_at: int) -> None:
        self.messages: list = []
        self.started = 0
        self.stop_at = stop_at
        self.reached = threading.Event()
        self.release = threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, options):
        import asyncio

        self.started += 1
        if self.started == self.stop_at:
            self.reached.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def run(env, *args) -> str:
    result = subprocess.run([OMSTIL, *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("stop_at", [1, 6, 15])
def test_a_killed_worker_neither_loses_nor_repeats_an_email(tmp_path, stop_at):
    server = SlowServer(stop_at)
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "OMSTIL_", "EMAIL_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SECRET_KEY="a-secret-key-for-the-delivery-tests-0123456789-abcdefghijklmnop",
        OMSTIL_HTTPS="0",
        OMSTIL_VAR_DIR=str(tmp_path),
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
    )
    try:
        run(env, "migrate", "-v0")
        run(env, "instruments", "sync")
        (tmp_path / "hr.csv").write_bytes(csv_file())
        run(env, "org", "import", str(tmp_path / "hr.csv"), "--org", "fjordby")
        created = json.loads(
            run(env, "round", "create", "--org", "fjordby", "--instrument", "digital-omstilling",
                "--opens", "2026-01-01", "--closes", "2099-12-31", "--json")
        )  # fmt: skip
        run(env, "round", "open", str(created["round"]))

        worker = subprocess.Popen(
            [OMSTIL, "worker", "--no-startup-delay", "-v0"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert server.reached.wait(60), "the worker never reached the message to be killed at"
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
        assert len(server.messages) == stop_at - 1
        server.release.set()

        run(env, "worker", "--burst", "-v0")
        time.sleep(0.2)
        links = [links_in(m)[0] for m in server.messages]
        assert len(server.messages) == 15
        assert len(set(links)) == 15
        status = json.loads(run(env, "round", "status", str(created["round"]), "--json"))
        assert status["invited"] == 15
    finally:
        server.release.set()
        controller.stop()
