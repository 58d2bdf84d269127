"""Benchmark: the first leader report page in a fresh server process, against the same page warm,
and the memory of a server process once every figure of a region's round is made.

For a generated organisation (a region: 30,000 employees by default) it answers and closes a
round (`bench/fictive_round.py`; closing stores the round's counts), makes an administrator who
may see every leader's report, collects the static files, and then starts fresh processes. Each
sets up Django as `omstil serve` does, signs in and reads one page that has nothing to do with
the round (so that the frame's templates and the URL configuration are loaded, as in a server
that has served anything at all), and then, through Django's test client:

- **cold** – the first leader report page of the round in that process;
- **warm** – other leaders' report pages and the first one again, after it (the median).

The target (issue 14) is cold ≤ 3× warm. Three variants, in fresh processes each: **prepared**
– as in production, the worker has put the round's figures, comparisons and participation
decisions in the shared cache after closing (`prepare_closed_round`), and the process loads them;
**stored counts only** – a process with a cache of its own, which makes everything from the counts
stored at closing; **counting the answers** – as before the counts were stored. Last, one
fresh process reads a leader report and the unit report, then makes every figure of the round
(`RoundFigures.all()` and the units-only set) and reports its resident memory after each step
and its peak (VmHWM); target ≤ 150 MB.

    .venv/bin/python bench/report_cold.py [--employees 30000] [--processes 3] \
        [--database postgresql|sqlite]
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fictive_round import answered_round  # noqa: E402 (after the path is set)

WARM_PAGES = 6


def child(options: argparse.Namespace) -> None:
    """One fresh process: time the pages, or make every figure, and print the result as JSON."""
    import django

    django.setup()
    if options.count_answers:
        # As before the counts were stored: the figures count the answers in the database.
        from omstil.reports import figures
        from omstil.responses.counts import count

        figures.counts_of = count  # type: ignore[attr-defined]
    from django.test import Client
    from django.urls import reverse

    from omstil.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=options.user))
    started = time.perf_counter()
    assert client.get(reverse("site:home"), follow=True).status_code == 200
    first_request_s = time.perf_counter() - started
    leaders = options.leaders.split(",")

    def page(employee_id: str) -> float:
        address = reverse("reports:leader", args=[options.round, employee_id])
        started = time.perf_counter()
        response = client.get(address)
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or b"<h1" not in response.content:
            raise RuntimeError(f"{address}: {response.status_code}")
        return elapsed

    result: dict[str, Any] = {"unrelated_first_page_s": round(first_request_s, 4)}
    if options.memory:
        import psutil

        process = psutil.Process()

        def resident() -> float:
            return round(process.memory_info().rss / 2**20, 1)

        result["rss_mb_after_an_unrelated_page"] = resident()
        page(leaders[0])
        result["rss_mb_after_a_leader_report"] = resident()
        from omstil.reports.figures import compute
        from omstil.rounds.models import EvaluatedLeader, Round

        top = EvaluatedLeader.objects.filter(round_id=options.round).values_list(
            "unit_path", flat=True
        )[0]
        unit = (
            reverse("reports:unit", args=[options.round])
            + "?"
            + urlencode({"enhed": top.split(" / ")[0]})
        )
        assert client.get(unit).status_code == 200
        result["rss_mb_after_a_unit_report"] = resident()

        made = compute(Round.objects.get(pk=options.round))
        result["figures"] = len(made.all())
        result["units_only_layers"] = len(made.pooled.published)
        result["rss_mb_after_every_figure"] = resident()
        # The peak of this process's own memory (VmHWM; `ru_maxrss` would carry the parent's
        # peak over the fork and exec that started this process).
        status = Path("/proc/self/status").read_text()
        peak_kb = int(status.split("VmHWM:")[1].split()[0])
        result["peak_rss_mb"] = round(peak_kb / 1024, 1)
    else:
        profile = os.environ.get("BENCH_PROFILE", "") if not options.count_answers else ""
        profile += "-shared" if profile and "CACHE_URL" not in os.environ else ""
        if profile:  # where the time of the cold page and of a warm one goes
            import cProfile

            profiler = cProfile.Profile()
            cold = profiler.runcall(page, leaders[0])
            profiler.dump_stats(f"{profile}.cold")
            profiler = cProfile.Profile()
            profiler.runcall(page, leaders[-1])
            profiler.dump_stats(f"{profile}.warm")
        else:
            cold = page(leaders[0])
        warm = [page(employee_id) for employee_id in leaders[1 : WARM_PAGES + 1]]
        warm += [page(leaders[0]) for _ in range(3)]
        result.update(cold_s=round(cold, 4), warm_s=round(statistics.median(warm), 4))
    print(json.dumps(result))


def run_child(script_args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *script_args],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    loaded: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=30000)
    parser.add_argument("--processes", type=int, default=3, help="fresh processes per variant")
    parser.add_argument("--database", default="postgresql", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count-answers", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--user", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--leaders", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options)
        return
    from tests.postgres import benchmark_database

    with (
        tempfile.TemporaryDirectory(prefix="omstil-bench-") as tmp,
        benchmark_database(options.database, Path(tmp), name="cold") as url,
    ):
        os.environ.update(  # the fresh processes inherit it
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "report-cold-benchmark-secret-key-0123456789-abcdefghijkl",
                "DEBUG": "0",
                "OMSTIL_HTTPS": "0",
                "OMSTIL_VAR_DIR": tmp,
                "ALLOWED_HOSTS": "testserver",
                # The administrator signs in with the test client, which has no second factor.
                "OMSTIL_TWO_FACTOR_REQUIRED": "0",
                "LOG_LEVEL": "WARNING",
                "DJANGO_SETTINGS_MODULE": "omstil.settings",
            }
        )
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        call_command("instruments", "sync", stdout=io.StringIO())
        call_command("collectstatic", interactive=False, verbosity=0)
        from omstil.accounts.services import set_up_user
        from omstil.organisations.services import add_admin
        from omstil.responses.models import Answer
        from omstil.rounds.models import EvaluatedLeader, Round

        started = time.perf_counter()
        round_ = answered_round(options.employees)
        setup_s = time.perf_counter() - started
        # The administrator may see every leader's report under this round's policy.
        Round.objects.filter(pk=round_.pk).update(
            visibility={**round_.visibility, "org_admins": True}
        )
        user = set_up_user("hr@bench.example", "a-long-benchmark-password-123")
        add_admin(round_.organisation, user, actor=None)
        leaders = list(
            EvaluatedLeader.objects.filter(round=round_)
            .order_by("unit_path", "employee_id")
            .values_list("employee_id", flat=True)
        )
        chosen = leaders[len(leaders) // 2 :: max(1, len(leaders) // 40)][: WARM_PAGES + 1]
        common = ["--round", str(round_.pk), "--user", str(user.pk)]
        # As the worker does after closing: the round's figures, comparisons and participation
        # decisions into the shared cache.
        from omstil.reports.tasks import prepare_closed_round

        started = time.perf_counter()
        prepare_closed_round.call(round_.pk)
        prepare_s = time.perf_counter() - started
        # Each fresh process alone: a cache of its own (nothing shared), and the figures made
        # from the stored counts, or by counting the answers as before they were stored.
        alone = {"CACHE_URL": "locmem://"}
        variants = {
            "prepared": ([], {}),
            "stored_counts_only": ([], alone),
            "counting_the_answers": (["--count-answers"], alone),
        }
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
        for number in range(options.processes):
            # A different first leader in each process, the variants alternating.
            order = chosen[number:] + chosen[:number]
            for name, (extra, env) in variants.items():
                runs[name].append(run_child([*common, "--leaders", ",".join(order), *extra], env))
        memory = run_child([*common, "--leaders", chosen[0], "--memory"])

        def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
            ratios = [run["cold_s"] / run["warm_s"] for run in runs]
            return {
                "cold_ms": [round(run["cold_s"] * 1000, 1) for run in runs],
                "warm_ms": [round(run["warm_s"] * 1000, 1) for run in runs],
                "cold_over_warm": [round(ratio, 2) for ratio in ratios],
                "cold_over_warm_median": round(statistics.median(ratios), 2),
            }

        print(
            json.dumps(
                {
                    "database": options.database,
                    "employees": options.employees,
                    "leaders": len(leaders),
                    "answers": Answer.objects.filter(response__round=round_).count(),
                    "setup_s": round(setup_s, 1),
                    "prepare_closed_round_s": round(prepare_s, 2),
                    **{name: summary(found) for name, found in runs.items()},
                    "every_figure_made": memory,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
