"""Load benchmark: server and database CPU per completed responding session.

Respondents open their link and answer, against `omstil serve` (shipped defaults: gunicorn
gthread, pooled PostgreSQL connections) and a private PostgreSQL server on loopback. What is
measured is the CPU time (user + system) of the server side only – the gunicorn master and its
workers, and the PostgreSQL postmaster and all its backends and helpers – over each measured
phase, divided by the sessions acknowledged: the load generator's share of the cores does not
count. Processes that exit during a phase (a backend per connection without a pool) are counted
through their parent's cumulative children times; live ones through their own. Both are sampled
right before and right after the phase.

For each concurrency (`--concurrency 8,32`) the same server runs two phases with the same client,
each after a warm-up:

- responding sessions: CPU per session (split into the server's and the database's), sessions
  per second, latency per HTTP request (p50/p95), HTTP requests per session;
- the trivial view, `GET /healthz` (one `SELECT 1`, a JSON answer): CPU per request, the
  reference, and how many trivial requests' CPU a session costs.

Then once more on a server with a new database connection per request (`DATABASE_POOL=0
DATABASE_CONN_MAX_AGE=0`), for comparison. Every phase checks that there were no errors and that
every acknowledged submission is stored exactly once: submitted responses = acknowledged
sessions = completed invitations, and one answer per statement sent. The exit status is 1 if
any phase had an error or a submission not stored exactly once.

The session client walks the respondent's pages as a browser would, without knowing how many
there are: it opens `/svar/<token>/`; a form with radio buttons gets every statement answered
("4") and is posted to its action with its hidden fields; another form (the start button) is
posted; otherwise a link to the first page is followed; redirects are followed, each one a
request. It stops at the receipt (`/kvittering/` with no form in the main content).

    .venv/bin/python bench/responding_load.py [--people 8000] [--sessions 1500] \
        [--concurrency 8,32] [--trivial 3000] [--compare-concurrency 8] [--server-log FILE]
"""

import argparse
import functools
import html as html_lib
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import psutil  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OMSTIL = str(ROOT / ".venv" / "bin" / "omstil")
SECRET = "load-benchmark-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
INPUT = re.compile(r"<(input|textarea)\b([^>]*)>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
# Environment that would change the server's defaults; the benchmark's server runs without it.
SERVER_SETTINGS = (
    "DATABASE_CONN_MAX_AGE",
    "DATABASE_POOL",
    "DATABASE_POOL_SIZE",
    "DATABASE_POOL_MIN_SIZE",
    "DATABASE_POOL_TIMEOUT",
    "DATABASE_PGBOUNCER",
    "OMSTIL_WORKERS",
    "OMSTIL_THREADS",
    "CACHE_URL",
)

# One HTTP request: method, path and form in; status, Location header and body out.
Fetch = Callable[[str, str, dict[str, str] | None], tuple[int, str, str]]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


# --- Server-side CPU -------------------------------------------------------------------------


def cpu_seconds(roots: list[int]) -> tuple[float, float]:
    """CPU seconds of each root process and all below it, living or reaped: user + system, system.

    Every process counts its own time while it lives; once it has exited and been waited for,
    its time is in its parent's cumulative children times.
    """
    total = system = 0.0
    for pid in roots:
        root = psutil.Process(pid)
        for process in [*root.children(recursive=True), root]:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system + times.children_user + times.children_system
            system += times.system + times.children_system
    return total, system


# --- The respondent ------------------------------------------------------------------------


@dataclass
class Session:
    acknowledged: bool = False
    requests: int = 0
    statements: int = 0
    latencies: list[float] = field(default_factory=list)
    error: str = ""


def _attributes(text: str) -> dict[str, str]:
    return {name: html_lib.unescape(value) for name, value in ATTRIBUTE.findall(text)}


def _form_data(inner: str) -> tuple[dict[str, str], int]:
    """What a browser posts for the form, every radio group answered "4"; and how many groups."""
    data: dict[str, str] = {}
    radios: set[str] = set()
    for tag, attributes_text in INPUT.findall(inner):
        attributes = _attributes(attributes_text)
        name = attributes.get("name")
        if not name:
            continue
        kind = attributes.get("type", "text") if tag == "input" else "textarea"
        if kind == "radio":
            radios.add(name)
            data[name] = "4"
        elif kind in ("hidden", "text", "textarea"):
            data[name] = attributes.get("value", "")
    return data, len(radios)


def walk(fetch: Fetch, token: str) -> Session:
    """One respondent from the link to the receipt, whatever the number of pages in between."""
    session = Session()
    start = f"/svar/{token}/"
    method, path, form = "GET", start, None
    for _ in range(30):
        started = time.perf_counter()
        try:
            status, location, body = fetch(method, path, form)
        except (OSError, http.client.HTTPException) as error:
            session.error = f"{method} {path}: {error!r}"
            return session
        session.latencies.append(time.perf_counter() - started)
        session.requests += 1
        if status in (301, 302, 303):
            method, path, form = "GET", urllib.parse.urljoin(path, location), None
            continue
        if status != 200 or 'id="main-content"' not in body:
            session.error = f"{method} {path}: {status}"
            return session
        main = body.split('id="main-content"', 1)[1].split("</main>", 1)[0]
        forms = FORM.findall(main)
        if not forms:
            if path.endswith("/kvittering/"):
                session.acknowledged = True
                return session
            if f'href="{start}side/1/"' in main:
                method, path, form = "GET", f"{start}side/1/", None
                continue
            session.error = f"{method} {path}: neither a form, a start link nor the receipt"
            return session
        attributes, inner = next(((a, i) for a, i in forms if 'type="radio"' in i), forms[0])
        data, statements = _form_data(inner)
        session.statements += statements
        action = _attributes(attributes).get("action") or path
        method, path, form = "POST", urllib.parse.urljoin(path, action), data
    session.error = "no receipt after 30 requests"
    return session


def http_fetch(port: int) -> Callable[[], Fetch]:
    """A new respondent's transport: a cookie jar and a new connection per request."""
    origin = f"http://127.0.0.1:{port}"

    def respondent() -> Fetch:
        cookies: dict[str, str] = {}

        def fetch(method: str, path: str, form: dict[str, str] | None) -> tuple[int, str, str]:
            headers = {"Connection": "close"}
            if cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                headers["Origin"] = origin
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request(method, path, body, headers)
                response = connection.getresponse()
                text = response.read().decode()
                for cookie in response.headers.get_all("Set-Cookie") or []:
                    name, _, value = cookie.split(";", 1)[0].partition("=")
                    cookies[name.strip()] = value.strip()
                return response.status, response.headers.get("Location", ""), text
            finally:
                connection.close()

        return fetch

    return respondent


def healthz(port: int) -> tuple[float, bool]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    try:
        connection.request("GET", "/healthz", headers={"Connection": "close"})
        response = connection.getresponse()
        ok = response.status == 200 and response.read() == b'{"ok": true}'
    except (OSError, http.client.HTTPException):
        ok = False
    finally:
        connection.close()
    return time.perf_counter() - started, ok


# --- Phases ----------------------------------------------------------------------------------


@dataclass
class Server:
    label: str
    process: subprocess.Popen[bytes]
    port: int
    postmaster: int

    @property
    def roots(self) -> list[int]:
        return [self.process.pid, self.postmaster]

    def workers(self) -> int:
        return len(psutil.Process(self.process.pid).children())


@dataclass
class Phase:
    result: Any
    serve: float  # CPU seconds of the gunicorn master and workers
    database: float  # CPU seconds of the PostgreSQL server
    system: float  # the part of both spent in the kernel
    elapsed: float  # wall-clock seconds
    load: float  # the machine's load average (1 minute) at the end
    client: float  # CPU seconds of this process, the load generator
    parts: list["Phase"] = field(default_factory=list)


def combined(parts: list[Phase]) -> Phase:
    """Consecutive measured parts of one phase as one, keeping the parts."""
    return Phase(
        [item for part in parts for item in part.result],
        sum(part.serve for part in parts),
        sum(part.database for part in parts),
        sum(part.system for part in parts),
        sum(part.elapsed for part in parts),
        max(part.load for part in parts),
        sum(part.client for part in parts),
        parts,
    )


def measured(server: Server, run: Callable[[], Any]) -> Phase:
    """Run a phase and measure the server side's CPU over it."""
    time.sleep(0.5)
    before = [cpu_seconds([pid]) for pid in server.roots]
    client = time.process_time()
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    client = time.process_time() - client
    time.sleep(0.5)  # let the last connections close and their backends be reaped
    after = [cpu_seconds([pid]) for pid in server.roots]
    (serve, serve_system), (database, database_system) = (
        (a[0] - b[0], a[1] - b[1]) for a, b in zip(after, before, strict=True)
    )
    return Phase(
        result,
        serve,
        database,
        serve_system + database_system,
        elapsed,
        os.getloadavg()[0],
        client,
    )


def trivial_phase(server: Server, count: int, concurrency: int, chunks: int) -> dict[str, Any]:
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda _: healthz(server.port), range(min(count, 300))))  # warm-up

    def run(part: int) -> list[tuple[float, bool]]:
        with ThreadPoolExecutor(concurrency) as pool:
            return list(pool.map(lambda _: healthz(server.port), range(part)))

    parts = [count // chunks] * chunks
    phase = combined([measured(server, functools.partial(run, part)) for part in parts])
    results: list[tuple[float, bool]] = phase.result
    latencies = [latency for latency, _ in results]
    return {
        "trivial_cpu_ms_per_request": round((phase.serve + phase.database) / count * 1000, 2),
        "trivial_cpu_ms_per_request_parts": [
            round((p.serve + p.database) / part * 1000, 2)
            for p, part in zip(phase.parts, parts, strict=True)
        ],
        "trivial_serve_database_ms": [
            round(phase.serve / count * 1000, 2),
            round(phase.database / count * 1000, 2),
        ],
        "trivial_system_share": round(phase.system / (phase.serve + phase.database), 2),
        "trivial_requests_per_s": round(count / phase.elapsed, 1),
        "trivial_p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "trivial_p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "trivial_errors": sum(1 for _, ok in results if not ok),
    }


def stored(round_id: int) -> tuple[int, int, int]:
    """Submitted responses, their answers and completed invitations of the round."""
    from omstil.responses.models import Answer, Response
    from omstil.rounds.models import Invitation

    return (
        Response.objects.filter(round_id=round_id, submitted=True).count(),
        Answer.objects.filter(response__round_id=round_id, response__submitted=True).count(),
        Invitation.objects.filter(round_id=round_id, completed=True).count(),
    )


def sessions_phase(
    server: Server, tokens: list[str], concurrency: int, round_id: int, chunks: int
) -> dict[str, Any]:
    respondent = http_fetch(server.port)
    with ThreadPoolExecutor(concurrency) as pool:  # warm-up: every worker, every page
        warm = list(pool.map(lambda token: walk(respondent(), token), tokens[:30]))
    tokens = tokens[30:]
    before = stored(round_id)

    def run(part: list[str]) -> list[Session]:
        with ThreadPoolExecutor(concurrency) as pool:
            return list(pool.map(lambda token: walk(respondent(), token), part))

    size = -(-len(tokens) // chunks)
    parts = [tokens[i : i + size] for i in range(0, len(tokens), size)]
    phase = combined([measured(server, functools.partial(run, part)) for part in parts])
    sessions: list[Session] = phase.result
    serve, database = phase.serve, phase.database
    after = stored(round_id)
    acknowledged = [s for s in sessions if s.acknowledged]
    errors = [s.error for s in [*warm, *sessions] if not s.acknowledged]
    latencies = [latency for s in sessions for latency in s.latencies]
    responses, answers, completed = (a - b for a, b in zip(after, before, strict=True))
    sent = sum(s.statements for s in acknowledged)
    return {
        "sessions": len(sessions),
        "cpu_ms_per_session": round((serve + database) / max(1, len(acknowledged)) * 1000, 2),
        "serve_database_ms": [
            round(serve / max(1, len(acknowledged)) * 1000, 2),
            round(database / max(1, len(acknowledged)) * 1000, 2),
        ],
        "cpu_ms_per_session_parts": [
            round((p.serve + p.database) / max(1, sum(x.acknowledged for x in p.result)) * 1000, 2)
            for p in phase.parts
        ],
        "system_share": round(phase.system / (serve + database), 2),
        "client_cpu_ms_per_session": round(phase.client / max(1, len(sessions)) * 1000, 2),
        "sessions_per_s": round(len(sessions) / phase.elapsed, 1),
        "requests_per_session": round(sum(s.requests for s in sessions) / max(1, len(sessions)), 2),
        "statements_per_session": round(sent / max(1, len(acknowledged)), 2),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "acknowledged": len(acknowledged),
        "stored_once": responses == len(acknowledged) == completed and answers == sent,
        "stored": {"responses": responses, "completed": completed, "answers": answers},
        "load_average": round(phase.load, 1),
    }


def start_server(
    label: str,
    env: dict[str, str],
    port: int,
    postmaster: int,
    log: int | IO[bytes],
    collectstatic: bool,
) -> Server:
    process = subprocess.Popen(
        [OMSTIL, "serve", "--port", str(port), *([] if collectstatic else ["--no-collectstatic"])],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    server = Server(label, process, port, postmaster)
    deadline = time.monotonic() + 120
    while not healthz(port)[1]:
        if process.poll() is not None:
            raise RuntimeError(f"omstil serve exited with {process.returncode}")
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError("omstil serve did not answer /healthz within 120 s")
        time.sleep(0.2)
    return server


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(10)


def postmaster_pid(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as connection:
        row = connection.execute("SELECT pg_backend_pid()").fetchone()
    assert row is not None
    return int(psutil.Process(int(row[0])).ppid())


def prepare(people: int, needed: int) -> tuple[int, list[str]]:
    """A generated kommune, an open round about digital-omstilling, and `needed` tokens."""
    from datetime import date, timedelta

    from omstil.organisations.models import Organisation
    from omstil.organisations.services import import_people
    from omstil.rounds import tokens
    from omstil.rounds.models import Invitation, Round
    from omstil.rounds.services import RoundSetup, create_round, open_round
    from omstil.site.demo.organisation import generate, to_csv

    import_people("load", to_csv(generate(people, seed=3)), name="Load Kommune")
    round_ = create_round(
        Organisation.objects.get(slug="load"),
        RoundSetup(
            name="Load",
            instruments=["digital-omstilling"],
            opens_on=date.today(),
            closes_on=date.today() + timedelta(days=7),
        ),
    ).round
    open_round(round_)
    round_ = Round.objects.get(pk=round_.pk)
    invitations = list(
        Invitation.objects.filter(round=round_).select_related("leader").order_by("pk")[:needed]
    )
    if len(invitations) < needed:
        raise SystemExit(
            f"{people} people give {len(invitations)} invitations; {needed} are needed: "
            "more --people or fewer --sessions"
        )
    return round_.pk, [
        tokens.token_for(round_.token_salt, i.person_id, i.leader.employee_id, i.rater_group)
        for i in invitations
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=8000)
    parser.add_argument("--sessions", type=int, default=1500, help="per measured phase")
    parser.add_argument("--concurrency", default="8,32", help="comma-separated")
    parser.add_argument("--trivial", type=int, default=3000, help="requests per trivial phase")
    parser.add_argument(
        "--compare-concurrency",
        type=int,
        default=0,
        help="concurrency of the run without a pool (default: the first)",
    )
    parser.add_argument(
        "--chunks", type=int, default=3, help="measured parts of each phase, reported one by one"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server-log", type=Path, help="append the servers' error output here")
    options = parser.parse_args()
    concurrencies = [int(c) for c in options.concurrency.split(",") if c.strip()]
    compare = options.compare_concurrency or concurrencies[0]
    per_phase = options.sessions + 30
    phases = len(concurrencies) + 1

    from tests.postgres import benchmark_database

    load_before = os.getloadavg()
    with benchmark_database("postgresql", ROOT, name="load") as database_url:
        env = {key: value for key, value in os.environ.items() if key not in SERVER_SETTINGS} | {
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "DEBUG": "0",
            "OMSTIL_HTTPS": "0",
            "OMSTIL_BASE_URL": f"http://127.0.0.1:{options.port}",
            "LOG_LEVEL": "WARNING",
        }
        os.environ.clear()
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "omstil.settings"
        subprocess.run([OMSTIL, "migrate", "-v0"], env=env, check=True)
        subprocess.run([OMSTIL, "instruments", "sync"], env=env, check=True, capture_output=True)
        import django

        django.setup()
        round_id, all_tokens = prepare(options.people, per_phase * phases)
        batches: Iterator[list[str]] = (
            all_tokens[i : i + per_phase] for i in range(0, per_phase * phases, per_phase)
        )
        postmaster = postmaster_pid(database_url)
        rows: list[dict[str, Any]] = []
        configurations = [
            ("pooled (shipped defaults)", {}, concurrencies),
            (
                "new connection per request",
                {"DATABASE_POOL": "0", "DATABASE_CONN_MAX_AGE": "0"},
                [compare],
            ),
        ]
        for index, (label, extra, levels) in enumerate(configurations):
            log = options.server_log.open("ab") if options.server_log else subprocess.DEVNULL
            server = start_server(
                label, env | extra, options.port, postmaster, log, collectstatic=index == 0
            )
            try:
                for concurrency in levels:
                    row: dict[str, Any] = {
                        "server": label,
                        "workers": server.workers(),
                        "concurrency": concurrency,
                    }
                    row |= sessions_phase(
                        server, next(batches), concurrency, round_id, options.chunks
                    )
                    row |= trivial_phase(server, options.trivial, concurrency, options.chunks)
                    row["session_per_trivial_request"] = round(
                        row["cpu_ms_per_session"] / row["trivial_cpu_ms_per_request"], 1
                    )
                    rows.append(row)
                    print(json.dumps(row), file=sys.stderr)
            finally:
                stop_server(server)
                if not isinstance(log, int):
                    log.close()
    result = {
        "runs": rows,
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    if any(row["errors"] or row["trivial_errors"] or not row["stored_once"] for row in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
