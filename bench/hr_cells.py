"""Benchmark: how much of its organisation HR sees under the default policy.

For HR, who may not see single leaders' reports, counts per level of the unit tree the cells
(statement × unit, the employees' answers) that pass primary suppression – at least the
minimum group size of answers, from the teams of at least two leaders – and how many of them
HR is shown, two ways in the same run:

- `before`: the rule Omstil had until the cheapest suppression: a unit's figure shown to HR
  only when the round-wide set of leader and unit figures shows it (which hides every unit
  that encloses a small remainder) and the unit is among those whose leaders, counted across
  statements, pass the leader rule with the nested figures hidden;
- `after`: the units-only set decided with answers and leaders together, the cheapest units
  hidden (`omstil.reports.figures`, `View.POOLED`).

Also the time to make a round's every figure, and then the units-only set, which is decided
the first time a viewer without leaders' reports asks for it, as a ratio (its cost).

    .venv/bin/python bench/hr_cells.py [--sizes demo,30000] [--database sqlite|postgresql]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="demo,30000")
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgresql"])
    options = parser.parse_args()
    from tests.postgres import benchmark_database

    with (
        tempfile.TemporaryDirectory(prefix="omstil-bench-") as tmp,
        benchmark_database(options.database, Path(tmp)) as url,
    ):
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "hr-cells-benchmark-secret-key-0123456789-abcdefghijklmnop",
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
        for size in options.sizes.split(","):
            print(json.dumps(measure(size)), flush=True)


def closed_round(size: str):  # type: ignore[no-untyped-def]
    """The demo kommune's closed round (its generator, answers simulated as the demo does), or
    a generated organisation of `size` employees with answers written straight in."""
    if size != "demo":
        from bench.fictive_round import answered_round
        from tests.rounds_helpers import KEYS

        return answered_round(int(size), keys=KEYS)
    from datetime import date, timedelta

    from omstil.organisations.models import Organisation
    from omstil.organisations.services import import_people
    from omstil.responses.closing import close_round
    from omstil.rounds.services import RoundSetup, create_round, open_round
    from omstil.site.demo import DEMO_EMPLOYEES, DEMO_ORGANISATION
    from omstil.site.demo.answers import simulate_answers
    from omstil.site.demo.organisation import generate, to_csv

    slug, name = DEMO_ORGANISATION
    import_people(slug, to_csv(generate(DEMO_EMPLOYEES, name=name, domain=f"{slug}.example")))
    round_ = create_round(
        Organisation.objects.get(slug=slug),
        RoundSetup(
            name="Demo",
            instruments=["digital-omstilling"],
            opens_on=date.today(),
            closes_on=date.today() + timedelta(days=21),
        ),
    ).round
    open_round(round_)
    round_.refresh_from_db()
    simulate_answers(round_, response_rate=0.8, seed=date.today().year - 1)
    close_round(round_)
    return round_


def old_pooled_units(round_, figures) -> set[int]:  # type: ignore[no-untyped-def]
    """The units the earlier rule let HR see at all: leaders whose employees answered counted
    as one each, the nested figures hidden where a remainder was a single leader."""
    from omstil.lib.disclosure import Counts, Table, suppress
    from omstil.organisations.models import PATH_SEPARATOR
    from omstil.responses.models import Response
    from omstil.rounds.models import EvaluatedLeader

    answered = set(
        Response.objects.filter(round=round_, rater_group="employee", submitted=True)
        .values_list("leader_id", flat=True)
        .distinct()
    )
    one, totals, table = Counts((1, 0, 0, 0, 0)), {}, Table()
    for number, leader in enumerate(EvaluatedLeader.objects.filter(round=round_)):
        parts = leader.unit_path.split(PATH_SEPARATOR)
        for depth in range(1, len(parts) + 1):
            path = PATH_SEPARATOR.join(parts[:depth])
            totals[path] = totals.get(path, Counts()) + (one if leader.pk in answered else Counts())
        if leader.pk in answered:
            table.add(("leader", number), one, ("unit", leader.unit_path))
    for path, counts in totals.items():
        parent = PATH_SEPARATOR.join(path.split(PATH_SEPARATOR)[:-1])
        table.add(("unit", path), counts, ("unit", parent) if parent else None)
    shown = suppress(table, 2, hide="nested")
    return {
        figures.cells[("unit", path)]
        for path in totals
        if not shown[("unit", path)].suppressed and (shown[("unit", path)].n or 0) > 0
    }


def measure(size: str) -> dict[str, object]:
    from omstil.lib.disclosure import MIN_LEADERS
    from omstil.reports import figures as module

    round_ = closed_round(size)
    started = time.perf_counter()
    figures = module._compute(round_)
    without_pooled_s = time.perf_counter() - started
    started = time.perf_counter()
    assert figures.pooled is not None  # decided now, the first time it is read
    with_pooled_s = without_pooled_s + time.perf_counter() - started
    threshold = round_.min_group_size
    old_units = old_pooled_units(round_, figures)
    depth = {node: key[1].count(" / ") for key, node in figures.cells.items() if key[0] == "unit"}
    passing: dict[int, int] = defaultdict(int)
    before: dict[int, int] = defaultdict(int)
    after: dict[int, int] = defaultdict(int)
    for (group, _item), layer in figures.layers.items():
        if group != "employee":
            continue
        for node, level in depth.items():
            n = int(figures.counts[node, layer, :5].sum())
            if n < threshold or figures.pooled.leaders[layer][node] < MIN_LEADERS:
                continue
            passing[level] += 1
            before[level] += figures.published[layer][node] and node in old_units
            after[level] += figures.pooled.published[layer][node]
    levels = sorted(passing)
    alike = measure_alike(figures, depth, threshold)
    cross = measure_cross(figures)
    return {
        "organisation": size,
        "leaders": round_.leaders.count(),
        "units": len(depth),
        "cells_passing_primary_by_level": [passing[level] for level in levels],
        "hr_sees_before_pct": [round(100 * before[lv] / passing[lv], 1) for lv in levels],
        "hr_sees_after_pct": [round(100 * after[lv] / passing[lv], 1) for lv in levels],
        "figures_s": round(with_pooled_s, 3),
        "figures_without_units_only_set_s": round(without_pooled_s, 3),
        "units_only_set_cost_ratio": round(with_pooled_s / without_pooled_s, 2),
        **alike,
        **cross,
    }


def measure_alike(figures, depth, threshold) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Each statement decided alone against the same sub-units preferred on every statement:
    per level, the share of passing cells shown and the number of units hidden on at least one
    statement (the columns of HR's heat map with a gap)."""
    from omstil.lib.disclosure import MIN_LEADERS
    from omstil.reports import figures as module

    alone = module._pooled_decisions(
        figures.round,
        figures.units_only,
        figures.counts,
        figures.parents,
        figures.cells,
        figures.units,
        figures.layers,
        alike=False,
    )
    result: dict[str, list[object]] = {
        "alone_sees_pct": [],
        "alike_sees_pct": [],
        "alone_units_with_a_gap": [],
        "alike_units_with_a_gap": [],
    }
    for level in sorted(set(depth.values())):
        passing, seen, gaps = 0, {"alone": 0, "alike": 0}, {"alone": set(), "alike": set()}
        for (group, _item), layer in figures.layers.items():
            if group != "employee":
                continue
            for node, node_level in depth.items():
                if node_level != level:
                    continue
                n = int(figures.counts[node, layer, :5].sum())
                if n < threshold or figures.pooled.leaders[layer][node] < MIN_LEADERS:
                    continue
                passing += 1
                for name, decided in (("alone", alone), ("alike", figures.pooled)):
                    shown = decided.published[layer][node]
                    seen[name] += shown
                    if not shown:
                        gaps[name].add(node)
        if not passing:
            continue
        for name in ("alone", "alike"):
            result[f"{name}_sees_pct"].append(round(100 * seen[name] / passing, 1))
            result[f"{name}_units_with_a_gap"].append(len(gaps[name]))
    return result


def measure_cross(figures) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """HR's views across the tree (levels, job families, their cross with the units below the
    top): the cells that pass primary suppression, the share of them shown after the audit,
    and the audit's time as a ratio of the time to make the round's figures."""
    from omstil.reports import crosscut
    from omstil.reports.figures import View

    started = time.perf_counter()
    decided = crosscut.cross_figures(figures, View.POOLED)
    audit_s = time.perf_counter() - started
    passing: dict[str, int] = defaultdict(int)
    shown: dict[str, int] = defaultdict(int)
    for (key, _item), figure in decided.items():
        kind = key[0] if len(key) == 2 else f"{key[0]}×unit"
        if figure.n is None and figure.reason == crosscut.disclosure.PRIMARY_REASON:
            continue
        if figure.n == 0 and not figure.suppressed:
            continue  # nobody answered
        passing[kind] += 1
        shown[kind] += not figure.suppressed
    return {
        "cross_cells_passing_primary": dict(passing),
        "cross_shown_pct": {k: round(100 * shown[k] / passing[k], 1) for k in passing},
        "cross_audit_s": round(audit_s, 3),
    }


if __name__ == "__main__":
    main()
