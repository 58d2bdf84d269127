"""Benchmark: importing a generated organisation, first time and again with no changes.

Reports each import's time as a ratio to merely parsing the same file (`read_hr_file`), measured
in the same run, and each step's peak memory (max RSS of a fresh process). Run from the checkout:

    .venv/bin/python bench/org_import.py [--sizes kommune,region,stress]
                                         [--databases sqlite,postgresql]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _django(database_url: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        SECRET_KEY="benchmark-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",  # noqa: S106
        DEBUG="0",
        OMSTIL_HTTPS="0",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omstil.settings")
    import django

    django.setup()


def step(kind: str, database_url: str, file: str) -> dict[str, float]:
    """Run one measured step in this (fresh) process and report time and peak memory."""
    _django(database_url)
    from omstil.organisations.hrfile import read_hr_file
    from omstil.organisations.services import import_people

    data = Path(file).read_bytes()
    started = time.perf_counter()
    if kind == "parse":
        parsed = read_hr_file(data)
        assert not parsed.errors, parsed.errors[:3]
        result = {"rows": len(parsed.rows)}
    else:
        plan = import_people("bench", data, name="Bench")
        result = plan.counts()
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": elapsed, "peak_mb": peak_mb, **result}


def run_step(kind: str, database_url: str, file: Path) -> dict[str, float]:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--step",
            kind,
            "--database-url",
            database_url,
            "--file",
            str(file),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="kommune,region,stress")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--step", choices=["parse", "import"])
    parser.add_argument("--database-url")
    parser.add_argument("--file")
    options = parser.parse_args()
    if options.step:
        print(json.dumps(step(options.step, options.database_url, options.file)))
        return

    _django("sqlite://:memory:")
    from omstil.site.demo.organisation import SIZES, generate, to_csv
    from tests.postgres import benchmark_database

    rows = []
    with tempfile.TemporaryDirectory(prefix="omstil-bench-") as tmp:
        workdir = Path(tmp)
        for size_name in options.sizes.split(","):
            people = generate(SIZES[size_name], name="Bench Region", domain="bench.example", seed=7)
            file = workdir / f"{size_name}.csv"
            file.write_bytes(to_csv(people))
            for db_kind in options.databases.split(","):
                with benchmark_database(db_kind, workdir) as env_url:
                    subprocess.run(
                        [str(ROOT / ".venv" / "bin" / "omstil"), "migrate", "-v0"],
                        check=True,
                        env={**os.environ, "DATABASE_URL": env_url, "DEBUG": "0"},
                    )
                    parse = run_step("parse", env_url, file)
                    first = run_step("import", env_url, file)
                    again = run_step("import", env_url, file)
                    assert again["unchanged"] == len(people), again
                    rows.append(
                        {
                            "size": size_name,
                            "people": len(people),
                            "database": db_kind,
                            "parse_s": round(parse["seconds"], 3),
                            "first_import_s": round(first["seconds"], 3),
                            "first_import_ratio": round(first["seconds"] / parse["seconds"], 2),
                            "reimport_s": round(again["seconds"], 3),
                            "reimport_ratio": round(again["seconds"] / parse["seconds"], 2),
                            "peak_mb_first": round(first["peak_mb"]),
                            "peak_mb_reimport": round(again["peak_mb"]),
                        }
                    )
                    print(json.dumps(rows[-1]), flush=True)
                if db_kind == "sqlite":
                    (workdir / "bench.sqlite3").unlink(missing_ok=True)
    print()
    print(
        "| size | people | database | parse s | first import s (× parse) "
        "| re-import, no change s (× parse) | peak MB first / re-import |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['size']} | {row['people']:,} | {row['database']} | {row['parse_s']} | "
            f"{row['first_import_s']} ({row['first_import_ratio']}×) | "
            f"{row['reimport_s']} ({row['reimport_ratio']}×) | "
            f"{row['peak_mb_first']} / {row['peak_mb_reimport']} |"
        )


if __name__ == "__main__":
    main()
