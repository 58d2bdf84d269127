"""Benchmark: leader report PDFs per second per core, and how that scales with processes.

For a generated organisation it opens a round, writes answers and comments straight into the
tables and closes it, then renders leader PDFs (`omstil.reports.rendering.leader_pdf`) in 1..N
processes at once. Each process sets up Django itself and is warmed (the closed round's figures,
the questionnaire texts and WeasyPrint's fonts are cached per process) before the clock starts.
The reference, measured by the same processes in the same run in slices alternating with the
leader PDFs, is WeasyPrint rendering a minimal one-page HTML document; it also shows how well the
machine itself scales at that moment. Every PDF is checked: it starts with %PDF, pypdf reads it
and its text holds the leader's name. Last, in one process, a leader PDF's time is split into the
HTML (`leader_html`) and WeasyPrint. Then the zip of every leader's PDF is made as HR would ask
for it (`build_leader_archive`), with each number of PDF processes, and timed.

    .venv/bin/python bench/report_pdf.py [--employees 3000] [--per-process 40] \
        [--processes 1,2] [--database sqlite|postgresql]
"""

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import queue
import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fictive_round import answered_round  # noqa: E402 (after the path is set)

REFERENCE_HTML = (
    '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Reference</title>'
    '<style>body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }</style></head>'
    "<body><h1>Reference</h1><p>En side med en overskrift og et afsnit.</p></body></html>"
)
TIMEOUT_S = 1800  # for one run of processes; a worker that fails breaks the others' barrier
SLICES = 4  # the reference and the leader PDFs alternate this many times in each process
REGION_LEADERS = 2000  # about as many leaders as a generated region of 30,000 employees has


def reference_pdf() -> bytes:
    """The reference: WeasyPrint's PDF of a minimal one-page HTML document."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=REFERENCE_HTML).write_pdf()
    return pdf


def worker(
    index: int,
    round_id: int,
    leaders: list[str],
    references: int,
    barrier: Any,
    results: Any,
) -> None:
    """One process: set up Django, warm up, then time the reference and the leaders' PDFs.

    The two alternate in SLICES slices, every process starting each slice together, so that
    both are measured under the same load from the rest of the machine.
    """
    import django

    django.setup()
    from omstil.reports.figures import compute
    from omstil.reports.rendering import leader_pdf
    from omstil.rounds.models import Round

    round_ = Round.objects.get(pk=round_id)
    compute(round_)
    leader_pdf(round_, leaders[0])
    reference_pdf()

    times: dict[str, list[tuple[float, float]]] = {"reference": [], "leaders": []}
    pdfs = []
    for number in range(SLICES):
        barrier.wait(timeout=TIMEOUT_S)
        started = time.perf_counter()
        for _ in range(references * (number + 1) // SLICES - references * number // SLICES):
            reference_pdf()
        times["reference"].append((started, time.perf_counter()))

        barrier.wait(timeout=TIMEOUT_S)
        started = time.perf_counter()
        part = leaders[len(leaders) * number // SLICES : len(leaders) * (number + 1) // SLICES]
        pdfs += [leader_pdf(round_, employee_id) for employee_id in part]
        times["leaders"].append((started, time.perf_counter()))
    results.put({"index": index, **times, "pdfs": pdfs})


def check_pdf(pdf: bytes, name: str) -> int:
    """Fail unless `pdf` is a PDF that pypdf reads and whose text holds `name`; its page count."""
    from pypdf import PdfReader

    if not pdf.startswith(b"%PDF"):
        raise AssertionError(f"not a PDF: {pdf[:20]!r}")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    if name not in text:
        raise AssertionError(f"{name!r} is not in the PDF's text: {text[:200]!r}")
    return len(reader.pages)


def run_processes(
    count: int, round_id: int, leaders: list[tuple[str, str]], per_process: int, references: int
) -> dict[str, Any]:
    """Render `per_process` leader PDFs in each of `count` processes started together."""
    load_before = os.getloadavg()[0]  # other work on the machine, for reading the results
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(count)
    results = context.Queue()
    shares = [
        [leaders[(index * per_process + offset) % len(leaders)] for offset in range(per_process)]
        for index in range(count)
    ]
    processes = [
        context.Process(
            target=worker,
            args=(
                index,
                round_id,
                [employee_id for employee_id, _ in part],
                references,
                barrier,
                results,
            ),
        )
        for index, part in enumerate(shares)
    ]
    for process in processes:
        process.start()
    outcomes: list[dict[str, Any]] = []
    deadline = time.monotonic() + TIMEOUT_S
    while len(outcomes) < count:
        failed = [process.exitcode for process in processes if process.exitcode]
        if failed or time.monotonic() > deadline:
            for process in processes:
                process.terminate()
            raise RuntimeError(f"a worker failed (exit codes {failed}) or the run timed out")
        with contextlib.suppress(queue.Empty):
            outcomes.append(results.get(timeout=1))
    for process in processes:
        process.join()
    pages = sum(
        check_pdf(pdf, name)
        for outcome in outcomes
        for (_, name), pdf in zip(shares[outcome["index"]], outcome["pdfs"], strict=True)
    )
    pdfs = [pdf for outcome in outcomes for pdf in outcome["pdfs"]]

    def wall(phase: str) -> float:
        """From the first process's start to the last one's end, summed over the slices."""
        return sum(
            max(outcome[phase][number][1] for outcome in outcomes)
            - min(outcome[phase][number][0] for outcome in outcomes)
            for number in range(SLICES)
        )

    return {
        "processes": count,
        "load_before": load_before,
        "pdfs": len(pdfs),
        "pages": pages,
        "leader_pdfs_per_s": len(pdfs) / wall("leaders"),
        "reference_pages_per_s": count * references / wall("reference"),
        "_pdfs": pdfs,
    }


def summarise(run: dict[str, Any], single: dict[str, Any] | None) -> dict[str, Any]:
    """Per-process throughput, the cost against the reference and, given the 1-process run, the
    scaling efficiency (throughput at N / (N × throughput at 1)) of both."""
    count, leader, reference = (
        run["processes"],
        run["leader_pdfs_per_s"],
        run["reference_pages_per_s"],
    )
    summary = {
        **run,
        "load_before": round(run["load_before"], 2),
        "leader_pdfs_per_s": round(leader, 2),
        "leader_pdfs_per_s_per_process": round(leader / count, 2),
        "reference_pages_per_s": round(reference, 1),
        "leader_pdf_cost_x_reference": round(reference / leader, 2),
    }
    if single:
        efficiency = leader / (count * single["leader_pdfs_per_s"])
        reference_efficiency = reference / (count * single["reference_pages_per_s"])
        summary["scaling_efficiency"] = round(efficiency, 2)
        summary["reference_scaling_efficiency"] = round(reference_efficiency, 2)
        # Below 1 only where the leader PDFs scale worse than WeasyPrint alone does on the same
        # machine at the same moment.
        summary["scaling_vs_reference"] = round(efficiency / reference_efficiency, 2)
    return summary


def breakdown(round_: Any, leaders: list[tuple[str, str]]) -> dict[str, Any]:
    """In this process: how much of a leader PDF is the HTML (`leader_html`) and how much PDF."""
    from weasyprint import HTML

    from omstil.reports.figures import compute
    from omstil.reports.rendering import leader_html

    compute(round_)
    HTML(string=leader_html(round_, leaders[0][0])).write_pdf()
    html_s, pdf_s = [], []
    for employee_id, _ in leaders:
        started = time.perf_counter()
        html = leader_html(round_, employee_id)
        middle = time.perf_counter()
        HTML(string=html).write_pdf()
        html_s.append(middle - started)
        pdf_s.append(time.perf_counter() - middle)
    html_ms, pdf_ms = statistics.mean(html_s) * 1000, statistics.mean(pdf_s) * 1000
    return {
        "leaders": len(leaders),
        "leader_html_ms": round(html_ms, 1),
        "weasyprint_ms": round(pdf_ms, 1),
        "html_share": round(html_ms / (html_ms + pdf_ms), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=3000)
    parser.add_argument("--instruments", default="digital-omstilling")
    parser.add_argument("--per-process", type=int, default=40, help="leader PDFs per process")
    parser.add_argument("--references", type=int, default=40, help="reference pages per process")
    parser.add_argument(
        "--processes", default="", help="comma-separated; default 1..the number of cores"
    )
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgresql"])
    options = parser.parse_args()
    cores = os.cpu_count() or 1
    counts = (
        [int(part) for part in options.processes.split(",")]
        if options.processes
        else list(range(1, cores + 1))
    )
    from tests.postgres import benchmark_database

    with (
        tempfile.TemporaryDirectory(prefix="omstil-bench-") as tmp,
        benchmark_database(options.database, Path(tmp)) as url,
    ):
        os.environ.update(  # the worker processes inherit it
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "report-benchmark-secret-key-0123456789-abcdefghijklmnop",
                "DEBUG": "0",
                "OMSTIL_HTTPS": "0",
                "OMSTIL_VAR_DIR": tmp,
                "LOG_LEVEL": "WARNING",
                "DJANGO_SETTINGS_MODULE": "omstil.settings",
            }
        )
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        call_command("instruments", "sync", stdout=io.StringIO())
        from django.db.models import Count

        from omstil.reports.rendering import comment_threshold
        from omstil.responses.models import Answer, Comment
        from omstil.rounds.models import EvaluatedLeader

        started = time.perf_counter()
        round_ = answered_round(
            options.employees, instruments=options.instruments.split(","), comments=True
        )
        leaders = list(
            EvaluatedLeader.objects.filter(round=round_)
            .order_by("unit_path", "name")
            .values_list("employee_id", "name")
        )
        result: dict[str, Any] = {
            "database": options.database,
            "cores": cores,
            "employees": options.employees,
            "leaders": len(leaders),
            "answers": Answer.objects.filter(response__round=round_).count(),
            "comments": Comment.objects.filter(round=round_).count(),
            "leaders_with_comments_shown": sum(
                1
                for row in Comment.objects.filter(round=round_, rater_group="employee")
                .values("leader")
                .annotate(count=Count("id"))
                if row["count"] >= comment_threshold(round_)
            ),
            "setup_s": round(time.perf_counter() - started, 1),
            "reference": "WeasyPrint, a minimal one-page HTML document, in the same processes",
        }
        print(json.dumps(result), file=sys.stderr, flush=True)
        # Spread the leaders over the organisation, so that no process gets only one unit.
        rng = random.Random(0)  # noqa: S311
        rng.shuffle(leaders)
        runs, pdfs = [], []
        for count in counts:
            run = run_processes(count, round_.pk, leaders, options.per_process, options.references)
            pdfs = run.pop("_pdfs")
            runs.append(run)
            print(json.dumps(summarise(run, None)), file=sys.stderr, flush=True)
        single = next((run for run in runs if run["processes"] == 1), None)
        result["runs"] = [summarise(run, single) for run in runs]
        result["pdf_kb_mean"] = round(statistics.mean(len(pdf) for pdf in pdfs) / 1024, 1)
        started = time.perf_counter()
        with zipfile.ZipFile(io.BytesIO(), "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for number, pdf in enumerate(pdfs):
                bundle.writestr(f"{number}.pdf", pdf)
        result["zip_ms_per_pdf"] = round((time.perf_counter() - started) * 1000 / len(pdfs), 2)
        result["breakdown"] = breakdown(round_, leaders[: options.per_process])
        result["region_2000_leaders_s_by_processes"] = {
            str(run["processes"]): round(REGION_LEADERS / run["leader_pdfs_per_s"])
            for run in result["runs"]
        }
        result["zip_of_every_leader"] = time_archives(round_, counts)
        print(json.dumps(result, indent=2))


def time_archives(round_: Any, counts: list[int]) -> dict[str, Any]:
    """The zip of every leader's PDF as HR asks for it (`build_leader_archive`), made with each
    number of PDF processes in turn; its speed-up against one process in the same run."""
    from django.conf import settings

    from omstil.accounts.services import set_up_user
    from omstil.organisations.services import add_admin
    from omstil.reports.models import ReportArchive
    from omstil.reports.tasks import build_leader_archive

    type(round_).objects.filter(pk=round_.pk).update(
        visibility={**round_.visibility, "org_admins": True}
    )
    hr = set_up_user("hr@bench.example", "bench-password-0123456789")
    add_admin(round_.organisation, hr, actor=None)
    seconds: dict[int, float] = {}
    for count in counts:
        settings.OMSTIL_PDF_PROCESSES = count
        archive = ReportArchive.objects.create(round=round_, requested_by=hr, language="da")
        started = time.perf_counter()
        made = build_leader_archive.call(archive.pk)
        seconds[count] = time.perf_counter() - started
        archive.refresh_from_db()
        assert archive.status == "done", archive.status
        with zipfile.ZipFile(archive.file) as bundle:
            assert len(bundle.namelist()) == made == archive.total
    first = seconds[min(seconds)]
    return {
        "leaders": made,
        "s_by_processes": {str(count): round(s, 1) for count, s in seconds.items()},
        "speed_up_by_processes": {str(count): round(first / s, 2) for count, s in seconds.items()},
    }


if __name__ == "__main__":
    main()
