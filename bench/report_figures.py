"""Benchmark: every leader's and unit's figures of a closed round, with disclosure control.

Reports the time of `omstil.reports.figures` (load the answers, pool them per leader and unit,
suppress) as a ratio to a plain DuckDB GROUP BY over the same answers in the same run – the lower
bound for merely counting them – at several sizes, to see how it grows. Answers are written
straight into the tables (the responding path is benchmarked by bench/responding_load.py).

    .venv/bin/python bench/report_figures.py [--sizes 3000,30000] [--database sqlite|postgresql]
"""

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="3000,30000")
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgresql"])
    options = parser.parse_args()
    from tests.postgres import benchmark_database

    results = []
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
        import duckdb

        from omstil.organisations.fictive import generate, to_csv
        from omstil.organisations.models import Organisation
        from omstil.organisations.services import import_people
        from omstil.reports.figures import _compute
        from omstil.responses.models import Answer, Response
        from omstil.rounds.models import Invitation, Round
        from omstil.rounds.services import RoundSetup, close_round, create_round, open_round

        for size in [int(part) for part in options.sizes.split(",")]:
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
            keys = [
                "digital-omstilling.kompetencer-opdaterede",
                "digital-omstilling.forklare-hvorfor",
                "digital-omstilling.vaerdi-for-borgerne",
                "digital-omstilling.nysgerrig-kultur",
                "digital-omstilling.it-sikkerhed",
            ]
            for invitation in Invitation.objects.filter(round=round_).values(
                "leader_id", "rater_group"
            ):
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
                for key in keys:
                    value = rng.choice(["1", "2", "3", "4", "4", "5", "5", "dont_know"])
                    answers.append(
                        Answer(id=uuid.uuid4(), response=response, item_key=key, value=value)
                    )
            Response.objects.bulk_create(responses, batch_size=5000)
            Answer.objects.bulk_create(answers, batch_size=5000)
            close_round(round_)
            round_ = Round.objects.get(pk=round_.pk)

            rows = list(
                Answer.objects.filter(response__round=round_).values_list(
                    "response__leader_id", "response__rater_group", "item_key", "value"
                )
            )
            con = duckdb.connect()
            con.execute("CREATE TABLE answers (leader BIGINT, grp TEXT, item TEXT, value TEXT)")
            con.executemany("INSERT INTO answers VALUES (?, ?, ?, ?)", rows)
            started = time.perf_counter()
            for _ in range(3):
                con.execute(
                    "SELECT leader, grp, item, value, count(*) FROM answers "
                    "GROUP BY leader, grp, item, value"
                ).fetchall()
            duck = (time.perf_counter() - started) / 3
            started = time.perf_counter()
            figures = _compute(round_)
            ours = time.perf_counter() - started
            results.append(
                {
                    "employees": size,
                    "leaders": round_.leaders.count(),
                    "answers": len(rows),
                    "figures": len(figures.figures),
                    "duckdb_group_by_s": round(duck, 4),
                    "omstil_figures_s": round(ours, 3),
                    "ratio": round(ours / duck, 1),
                }
            )
            print(json.dumps(results[-1]), flush=True)


if __name__ == "__main__":
    main()
