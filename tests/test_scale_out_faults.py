"""Omstil on several servers and workers at once, with one of them killed mid-run: no answer and
no e-mail is lost or doubled, and the rate limit counts one client the same wherever its
requests land.

Every process runs as in production (`omstil serve` behind HAProxy, `omstil worker --queue email`
sending to a real SMTP server) on a database of the test's own, of the kind the suite runs on.
"""

import os
import secrets
import signal
import subprocess
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from omstil.rounds.tokens import looks_like_token
from tests.postgres import free_port
from tests.scale_helpers import (
    OMSTIL,
    Database,
    Processes,
    collect_static,
    invitation_hash,
    invitation_tokens,
    respond,
    scale_database,
    template_database,
    wait_for,
)

TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
OWED = "SELECT count(*) FROM rounds_invitation WHERE emailed_at IS NULL"
UNDELIVERABLE = "SELECT count(*) FROM rounds_invitation WHERE delivery_failed = %s"


@pytest.fixture(scope="session")
def template(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    django_db_modify_db_settings: None,
) -> Iterator[str]:
    """A migrated database of the kind the suite runs on (on its PostgreSQL server with
    --db=postgresql), that each test copies."""
    kind = str(request.config.getoption("--db"))
    with template_database(kind, tmp_path_factory.mktemp("template")) as url:
        yield url


@pytest.fixture(scope="session")
def static_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static files collected once, for every server the tests start."""
    var_dir = tmp_path_factory.mktemp("static-files")
    collect_static(var_dir)
    return var_dir / "static"


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    started = Processes(tmp_path)
    try:
        yield started
    finally:
        started.kill_all()


def submitted(database: Database) -> dict[str, int]:
    return {
        "responses": database.count("SELECT count(*) FROM responses_response"),
        "submitted": database.count(
            "SELECT count(*) FROM responses_response WHERE submitted = %s", True
        ),
        "completed": database.count(
            "SELECT count(*) FROM rounds_invitation WHERE completed = %s", True
        ),
    }


def test_respondents_lose_nothing_when_a_server_behind_the_proxy_is_killed(
    template, tmp_path, static_files, processes
):
    with scale_database(template, tmp_path, people=300, static=static_files) as database:
        first, second, proxy = free_port(), free_port(), free_port()
        killed = processes.serve("web1", database, first)
        processes.serve("web2", database, second)
        processes.haproxy(tmp_path, proxy, [first, second])
        base = f"http://127.0.0.1:{proxy}"
        everyone = invitation_tokens(database)
        assert len(everyone) >= 290
        results: dict[str, str | None] = {}
        lock = threading.Lock()

        def respondent(token: str) -> None:
            outcome = respond(base, token)
            with lock:
                results[token] = outcome

        def receipts() -> int:
            with lock:
                return sum(1 for outcome in results.values() if outcome is None)

        pool = ThreadPoolExecutor(16)
        try:
            futures = [pool.submit(respondent, token) for token in everyone]
            wait_for(lambda: receipts() >= len(everyone) // 3, 120, "a third of the receipts")
            # Killed while it is handling requests: those respondents see an error.
            wait_for(
                lambda: processes.in_flight(tmp_path)["web1"] >= 2,
                30,
                "requests in flight at the first server",
            )
            processes.kill(killed)
            at_kill = receipts()
            for future in futures:
                future.result(timeout=120)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        assert killed.wait(30) == -signal.SIGKILL

        acknowledged = [token for token, outcome in results.items() if outcome is None]
        failed = [token for token, outcome in results.items() if outcome is not None]
        assert len(results) == len(everyone)
        assert at_kill < len(acknowledged), "nobody got a receipt after the server was killed"
        assert failed, "the kill interrupted no respondent: it was not mid-run"
        # What the kill does to a request in flight (the proxy's "Bad Gateway", an answer cut
        # off mid-page, or the proxy closing the connection when the server's went), and nothing
        # else: no server error, no refusal, no wrong page.
        reasons = {results[token] for token in failed}
        assert reasons <= {"HTTP 502", "IncompleteRead", "RemoteDisconnected"}, Counter(
            results.values()
        )
        after_kill = submitted(database)
        # Each receipt is one stored, submitted response; an interrupted session is stored at
        # most once (its last page may have been saved before its answer was lost).
        assert len(acknowledged) <= after_kill["submitted"] <= len(acknowledged) + len(failed)
        assert after_kill["submitted"] == after_kill["completed"] == after_kill["responses"]
        completed = {
            str(token_hash)
            for (token_hash,) in database.rows(
                "SELECT token_hash FROM rounds_invitation WHERE completed = %s", True
            )
        }
        assert {invitation_hash(token) for token in acknowledged} <= completed

        # The interrupted respondents open their link again, and get through.
        with ThreadPoolExecutor(8) as retry_pool:
            retried = list(retry_pool.map(lambda token: respond(base, token), failed))
        assert retried == [None] * len(failed), Counter(retried)
        assert submitted(database) == dict.fromkeys(
            ["responses", "submitted", "completed"], len(everyone)
        )


def test_the_unknown_token_limit_counts_one_client_across_two_servers(
    template, tmp_path, static_files, processes
):
    with scale_database(template, tmp_path, static=static_files) as database:
        ports = [free_port(), free_port()]
        for number, port in enumerate(ports, start=1):
            processes.serve(f"web{number}", database, port)

        def attempt(number: int, address: str) -> int:
            """An unknown but well-formed token, at server number % 2, from `address`."""
            token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(32))
            assert looks_like_token(token)
            request = urllib.request.Request(
                f"http://127.0.0.1:{ports[number % 2]}/svar/{token}/",
                headers={"X-Forwarded-For": address},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return int(response.status)
            except urllib.error.HTTPError as error:
                return int(error.code)

        one_by_one = [attempt(number, "203.0.113.7") for number in range(30)]
        # The 21st and later are refused on either server: both count in the shared cache.
        assert one_by_one == [404] * 20 + [429] * 10
        assert [attempt(number, "203.0.113.8") for number in range(2)] == [404, 404]

        with ThreadPoolExecutor(8) as pool:
            at_once = list(pool.map(lambda number: attempt(number, "203.0.113.9"), range(40)))
        assert Counter(at_once) == {404: 20, 429: 20}


class Mailbox:
    """What two SMTP servers, one per worker, accepted; kills the worker that hands over the nth
    message, before accepting that message's data."""

    def __init__(self, kill_at: int) -> None:
        self.kill_at = kill_at
        self.workers: dict[str, int] = {}  # name → process id
        self.victim = ""
        self.killed = threading.Event()
        self.before_kill: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.recipients: Counter[str] = Counter()
        self.by_worker: Counter[str] = Counter()

    def side(self, worker: str) -> "Side":
        return Side(self, worker)


class Side:
    """The SMTP handler for one worker's server."""

    def __init__(self, mailbox: Mailbox, worker: str) -> None:
        self.mailbox = mailbox
        self.worker = worker

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        mailbox = self.mailbox
        with mailbox.lock:
            accepted = sum(mailbox.by_worker.values())
            if accepted == mailbox.kill_at - 1 and not mailbox.killed.is_set():
                os.killpg(mailbox.workers[self.worker], signal.SIGKILL)
                mailbox.victim = self.worker
                mailbox.before_kill = Counter(mailbox.by_worker)
                mailbox.killed.set()
                return "451 4.3.0 Try again later"
            mailbox.by_worker[self.worker] += 1
            mailbox.recipients.update(getattr(envelope, "rcpt_tos", []))
        return "250 Message accepted for delivery"


def test_two_email_workers_one_killed_mid_batch_neither_lose_nor_repeat_an_email(
    template, tmp_path, processes
):
    mailbox = Mailbox(kill_at=700)
    ports = {"a": free_port(), "b": free_port()}
    controllers = [
        Controller(mailbox.side(worker), hostname="127.0.0.1", port=port)
        for worker, port in ports.items()
    ]
    for controller in controllers:
        controller.start()
    try:
        with scale_database(template, tmp_path, people=2001) as database:
            invitees = Counter(
                str(email) for (email,) in database.rows("SELECT email FROM rounds_invitation")
            )
            assert len(invitees) == sum(invitees.values()) == 2000
            running: dict[str, subprocess.Popen[bytes]] = {}

            def start(worker: str, log: str) -> None:
                # Each worker sends through its own SMTP server, which tells them apart.
                running[worker] = processes.start(
                    log,
                    [OMSTIL, "worker", "--queue", "email", "--no-startup-delay", "-v0"],
                    {**database.env, "EMAIL_URL": f"smtp://127.0.0.1:{ports[worker]}"},
                )
                mailbox.workers[worker] = running[worker].pid

            with mailbox.lock:
                start("a", "worker-a")
                start("b", "worker-b")

            def alive() -> None:
                for worker, process in running.items():
                    if worker != mailbox.victim:
                        assert process.poll() is None, processes.log(process)

            def killed() -> bool:
                alive()
                return mailbox.killed.is_set()

            wait_for(killed, 180, f"message {mailbox.kill_at}")
            victim, survivor = mailbox.victim, "b" if mailbox.victim == "a" else "a"
            assert running[victim].wait(30) == -signal.SIGKILL
            start(victim, f"worker-{victim}-again")

            def all_emailed() -> bool:
                alive()
                return database.count(OWED) == 0

            wait_for(all_emailed, 240, "every invitation to be e-mailed")
            for process in running.values():
                processes.stop(process)

            after_kill = mailbox.by_worker - mailbox.before_kill
            assert sum(mailbox.before_kill.values()) == mailbox.kill_at - 1
            # The one still running went on with the batch.
            assert after_kill[survivor] > 0, (mailbox.before_kill, after_kill)
            if database.url.startswith("postgresql"):
                # Side by side, each on the next invitation nobody holds. (SQLite has one writer
                # at a time, and a worker holds the write lock while it hands over an e-mail: the
                # first to get it keeps it.)
                assert mailbox.before_kill["a"] > 0, mailbox.before_kill
                assert mailbox.before_kill["b"] > 0, mailbox.before_kill
            assert mailbox.recipients == Counter(dict.fromkeys(invitees, 1))
            assert sum(mailbox.by_worker.values()) == 2000
            assert database.count(UNDELIVERABLE, True) == 0
    finally:
        for controller in controllers:
            controller.stop()
