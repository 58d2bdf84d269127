"""Load benchmark: many respondents open their link and submit, against `omstil serve` + PostgreSQL.

Reports completed responding sessions per second and request latency (p50/p95), as ratios to a
trivial view (`/healthz`, one `SELECT 1`) served by the same server in the same run, with the same
client and concurrency. Checks that there were no errors and that every acknowledged submission
is stored exactly once. Traffic stays on loopback; every loop is bounded.

Then, as a floor that no server set-up can get below, the same sessions and the same trivial view
in one process through Django's test client (no HTTP, no load generator, no concurrency), against
the same PostgreSQL database.

    .venv/bin/python bench/responding_load.py [--people 8000] [--sessions 2000] [--concurrency 16]
"""

import argparse
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OMSTIL = str(ROOT / ".venv" / "bin" / "omstil")
SECRET = "load-benchmark-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RADIO = re.compile(r'type="radio" id="[^"]+" name="([^"]+)" value="4"')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def trivial(base: str, count: int, concurrency: int) -> dict[str, float]:
    def one(_: int) -> tuple[float, bool]:
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}/healthz", timeout=30) as response:  # noqa: S310
            ok = response.status == 200 and response.read() == b'{"ok": true}'
        return time.perf_counter() - started, ok

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(count)))
    elapsed = time.perf_counter() - started
    latencies = [latency for latency, _ in results]
    return {
        "requests_per_s": count / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "errors": sum(1 for _, ok in results if not ok),
    }


def session(base: str, token: str) -> tuple[list[float], bool]:
    """One respondent: open the link, start, read the page, answer everything, see the receipt."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    latencies: list[float] = []

    def call(path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"{base}{path}", data=body)  # noqa: S310
        if body is not None:
            request.add_header("Origin", base)
        started = time.perf_counter()
        with opener.open(request, timeout=30) as response:
            text = response.read().decode()
            latencies.append(time.perf_counter() - started)
            return response.status, response.url, text

    status, _, html = call(f"/svar/{token}/")
    status, url, html = call(f"/svar/{token}/", {"csrfmiddlewaretoken": CSRF.search(html).group(1)})
    answers = dict.fromkeys(RADIO.findall(html), "4")
    answers["csrfmiddlewaretoken"] = CSRF.search(html).group(1)
    status, url, html = call(urllib.parse.urlparse(url).path, answers)
    main = html.split('id="main-content"')[1].split("</main>")[0]
    acknowledged = status == 200 and url.endswith("/kvittering/") and "<form" not in main
    if not acknowledged and os.environ.get("LOAD_DEBUG"):
        print(status, url, len(answers), main[:300], file=sys.stderr)
    return latencies, acknowledged


def in_process(all_tokens: list[str], count: int) -> dict[str, float]:
    """Time per request of the trivial view and of a responding session, in this process."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")

    def one_session(token: str) -> None:
        client.cookies.clear()
        html = client.get(f"/svar/{token}/").content.decode()
        data = {"csrfmiddlewaretoken": CSRF.search(html).group(1)}
        response = client.post(f"/svar/{token}/", data, follow=True)
        html = response.content.decode()
        answers = dict.fromkeys(RADIO.findall(html), "4")
        answers["csrfmiddlewaretoken"] = CSRF.search(html).group(1)
        response = client.post(response.redirect_chain[-1][0], answers, follow=True)
        if not response.redirect_chain[-1][0].endswith("/kvittering/"):
            raise RuntimeError("a session in process was not acknowledged")

    for _ in range(200):
        client.get("/healthz")
    started = time.perf_counter()
    for _ in range(count * 5):
        client.get("/healthz")
    trivial_ms = (time.perf_counter() - started) / (count * 5) * 1000
    started = time.perf_counter()
    for token in all_tokens[:count]:
        one_session(token)
    # A session is 5 requests: the introduction, start and its redirect, submit and its redirect.
    request_ms = (time.perf_counter() - started) / (count * 5) * 1000
    return {
        "in_process_trivial_ms": round(trivial_ms, 3),
        "in_process_request_ms": round(request_ms, 3),
        "in_process_ratio": round(trivial_ms / request_ms, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=8000)
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()

    from tests.postgres import benchmark_database

    with benchmark_database("postgresql", ROOT, name="load") as database_url:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "DEBUG": "0",
            "OMSTIL_HTTPS": "0",
            "OMSTIL_BASE_URL": f"http://127.0.0.1:{options.port}",
            "DATABASE_CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
        }
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "omstil.settings"
        subprocess.run([OMSTIL, "migrate", "-v0"], env=env, check=True)
        subprocess.run([OMSTIL, "instruments", "sync"], env=env, check=True, capture_output=True)
        import django

        django.setup()
        from omstil.organisations.services import import_people
        from omstil.responses.models import Response
        from omstil.rounds import tokens
        from omstil.rounds.models import Invitation, Round
        from omstil.rounds.services import RoundSetup, create_round, open_round
        from omstil.site.demo.organisation import generate, to_csv

        import_people("load", to_csv(generate(options.people, seed=3)), name="Load Kommune")
        from datetime import date, timedelta

        from omstil.organisations.models import Organisation

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
        extra = min(300, options.sessions)
        invitations = list(
            Invitation.objects.filter(round=round_).select_related("leader")[
                : options.sessions + extra
            ]
        )
        all_tokens = [
            tokens.token_for(round_.token_salt, i.person_id, i.leader.employee_id, i.rater_group)
            for i in invitations
        ]
        all_tokens, spare_tokens = all_tokens[: options.sessions], all_tokens[options.sessions :]
        web = subprocess.Popen(
            [OMSTIL, "serve", "--port", str(options.port), "--workers", "3", "--threads", "4"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{options.port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.2)
            trivial(base, 200, options.concurrency)  # warm-up
            reference = trivial(base, options.sessions * 4, options.concurrency)
            started = time.perf_counter()
            with ThreadPoolExecutor(options.concurrency) as pool:
                results = list(pool.map(lambda token: session(base, token), all_tokens))
            elapsed = time.perf_counter() - started
        finally:
            web.terminate()
            web.wait(30)
        latencies = [latency for request_latencies, _ in results for latency in request_latencies]
        acknowledged = sum(1 for _, ok in results if ok)
        stored = Response.objects.filter(round=round_, submitted=True).count()
        completed = Invitation.objects.filter(round=round_, completed=True).count()
        floor = in_process(spare_tokens, len(spare_tokens))
        result = {
            "sessions": len(all_tokens),
            "concurrency": options.concurrency,
            "sessions_per_s": round(len(all_tokens) / elapsed, 1),
            # Every session is 5 HTTP requests (3 calls, two of which follow a redirect).
            "requests_per_s": round(len(all_tokens) * 5 / elapsed, 1),
            "trivial_requests_per_s": round(reference["requests_per_s"], 1),
            "throughput_ratio": round(
                (len(all_tokens) * 5 / elapsed) / reference["requests_per_s"], 2
            ),
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
            "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
            "trivial_p95_ms": round(reference["p95_ms"], 1),
            "p95_ratio": round(percentile(latencies, 0.95) * 1000 / reference["p95_ms"], 2),
            "errors": len(all_tokens) - acknowledged + int(reference["errors"]),
            "acknowledged": acknowledged,
            "stored_once": stored == acknowledged == completed,
            "median_request_ms": round(statistics.median(latencies) * 1000, 1),
            **floor,
        }
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
