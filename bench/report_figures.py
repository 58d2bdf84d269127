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
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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

    from omstil.organisations.fictive import generate, to_csv
    from omstil.organisations.models import Organisation
    from omstil.organisations.services import import_people
    from omstil.reports.figures import _compute, _counts_by_leader
    from omstil.responses.models import Answer, Response
    from omstil.rounds.models import Invitation, Round
    from omstil.rounds.services import RoundSetup, close_round, create_round, open_round
    from tests.rounds_helpers import KEYS

    started = time.perf_counter()
    slug = f"bench-{size}"
    import_people(slug, to_csv(generate(size, seed=size)), name=f"Bench {size}")
    round_ = create_round(
        Organisation.objects.get(slug=slug),
        RoundSetup(
            name="Bench",
            instruments=["digital-omstilling"],
            opens_on=date.today(),
            closes_on=date.today() + timedelta(days=7),
        ),
    ).round
    open_round(round_)
    rng = random.Random(size)  # noqa: S311
    responses, answers = [], []
    for invitation in Invitation.objects.filter(round=round_).values("leader_id", "rater_group"):
        if rng.random() > 0.8:
            continue
        response = Response(
            id=uuid.uuid4(),
            round=round_,
            leader_id=invitation["leader_id"],
            rater_group=invitation["rater_group"],
            language="da",
            submitted=True,
            day=date.today(),
        )
        responses.append(response)
        for key in KEYS:
            value = rng.choice(["1", "2", "3", "4", "4", "5", "5", "dont_know"])
            answers.append(Answer(id=uuid.uuid4(), response=response, item_key=key, value=value))
    Response.objects.bulk_create(responses, batch_size=5000)
    Answer.objects.bulk_create(answers, batch_size=5000)
    close_round(round_)
    round_ = Round.objects.get(pk=round_.pk)
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
    duck_times, our_times, query_times = [], [], []
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
        figures = _compute(round_)
        our_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        _counts_by_leader(round_)
        query_times.append(time.perf_counter() - started)
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
        "ratio": round(ours / duck, 1),
        "every_figure_made_s": round(made_s, 3),
        "ratio_with_every_figure_made": round((ours + made_s) / duck, 1),
    }


if __name__ == "__main__":
    main()
