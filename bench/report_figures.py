"""Benchmark: every leader's and unit's figures of a closed round, with disclosure control.

Reports the time of `omstil.reports.figures` (load the answers, pool them per leader and unit,
suppress) as a ratio to a plain DuckDB GROUP BY over the same answers in the same run – the lower
bound for merely counting them – at several sizes, and how the time per employee grows from the
smallest size. Answers are written straight into the tables (the responding path is benchmarked
by bench/responding_load.py). Both are timed `--repeat` times, alternating, and the best of each
is reported, so that a burst of load from the rest of the machine hits both alike.

    .venv/bin/python bench/report_figures.py [--sizes 3000,30000,100000] [--repeat 3] \
        [--database sqlite|postgresql]
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fictive_round import answered_round  # noqa: E402 (after the path is set)

DUCKDB_RUNS = 3  # DuckDB's GROUP BY takes milliseconds: the best of a few runs each time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="3000,30000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgresql"])
    options = parser.parse_args()
    sizes = [int(part) for part in options.sizes.split(",")]
    if options.repeat < 1 or not sizes or min(sizes) < 1:
        parser.error("--repeat and every size must be at least 1")
    from tests.postgres import benchmark_database

    with (
        tempfile.TemporaryDirectory(prefix="omstil-bench-") as tmp,
        benchmark_database(options.database, Path(tmp)) as url,
    ):
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "report-benchmark-secret-key-0123456789-abcdefghijklmnop",
            "DEBUG": "0",
            "OMSTIL_HTTPS": "0",
            "LOG_LEVEL": "WARNING",
        }
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "omstil.settings"
        omstil = str(ROOT / ".venv" / "bin" / "omstil")
        subprocess.run([omstil, "migrate", "-v0"], env=env, check=True)
        subprocess.run([omstil, "instruments", "sync"], env=env, check=True, capture_output=True)
        import django

        django.setup()

        smallest: dict[str, float] | None = None
        for size in sizes:
            result = measure(size, options.repeat, Path(tmp))
            per_employee = result["omstil_figures_s"] / size
            if smallest is None:
                smallest = {"size": size, "per_employee": per_employee}
            # Linear growth keeps the time per employee constant: 1.0 here.
            result["per_employee_vs_smallest"] = round(per_employee / smallest["per_employee"], 2)
            print(json.dumps(result), flush=True)


def measure(size: int, repeat: int, tmp: Path) -> dict[str, float]:
    """Generate an organisation of `size` employees, answer and close a round, time both."""
    import duckdb
    from django.db import connection

    from omstil.reports.figures import _compute
    from omstil.responses.counts import count as count_answers
    from omstil.responses.models import Answer
    from tests.rounds_helpers import KEYS

    started = time.perf_counter()
    round_ = answered_round(size, keys=KEYS)
    if connection.vendor == "postgresql":
        # As autovacuum would long before a round closes: the planner needs the table sizes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    generated_s = time.perf_counter() - started

    path = tmp / f"answers-{size}.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(
            Answer.objects.filter(response__round=round_).values_list(
                "response__leader_id", "response__rater_group", "item_key", "value"
            )
        )
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE answers AS SELECT * FROM read_csv(?, header = false, columns = "
        "{'leader': 'BIGINT', 'grp': 'TEXT', 'item': 'TEXT', 'value': 'TEXT'})",
        [str(path)],
    )
    count = con.execute("SELECT count(*) FROM answers").fetchone()
    duck_times, our_times, query_times, stored_times = [], [], [], []
    figures = None
    for _ in range(repeat):
        for _ in range(DUCKDB_RUNS):
            started = time.perf_counter()
            con.execute(
                "SELECT leader, grp, item, value, count(*) FROM answers "
                "GROUP BY leader, grp, item, value"
            ).fetchall()
            duck_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        figures = _compute(round_, count_answers(round_))
        our_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        count_answers(round_)
        query_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        _compute(round_)
        stored_times.append(time.perf_counter() - started)
    con.close()
    assert figures is not None
    assert count is not None
    # Reports make a figure's `Figure` object when they first read it; making every one of
    # the round's, as an export of everything would, costs this much more.
    started = time.perf_counter()
    every = figures.all()
    made_s = time.perf_counter() - started
    duck, ours = min(duck_times), min(our_times)
    return {
        "employees": size,
        "leaders": round_.leaders.count(),
        "answers": count[0],
        "figures": len(every),  # leaves out the empty ones: nobody in the group answered
        "generate_s": round(generated_s, 1),
        "duckdb_group_by_s": round(duck, 4),
        "omstil_figures_s": round(ours, 3),
        "omstil_figures_worst_s": round(max(our_times), 3),
        # Of which: the database counting the answers per leader, group and statement.
        "omstil_query_s": round(min(query_times), 3),
        # The same figures from the counts stored when the round closed, as every report uses.
        "omstil_figures_from_stored_counts_s": round(min(stored_times), 3),
        "ratio": round(ours / duck, 1),
        "every_figure_made_s": round(made_s, 3),
        "ratio_with_every_figure_made": round((ours + made_s) / duck, 1),
    }


if __name__ == "__main__":
    main()
