"""Every leader's PDF of a round in one zip: asked for, made in the background with progress,
given up when it stalls, deleted after `OMSTIL_ARCHIVE_DAYS`."""

import contextlib
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.tasks import task
from django.utils.timezone import now

from omstil.accounts.models import User
from omstil.core.audit import audit
from omstil.core.pdf import htmls_to_pdfs
from omstil.reports.comparisons import comparisons
from omstil.reports.models import ReportArchive
from omstil.reports.rendering import leader_html
from omstil.rounds.models import EvaluatedLeader, Round
from omstil.rounds.participation import closed_decisions

PROGRESS_EVERY = 5
# A zip whose progress has not moved for this long has lost its worker (a PDF takes a second);
# one still waiting this long for the worker to start it, likewise.
STALE_AFTER = {"running": timedelta(minutes=30), "queued": timedelta(hours=6)}


class _GivenUp(Exception):
    """The zip was given up as stale while it was being made: a newer one replaces it."""


def archive_path(archive: ReportArchive) -> Path:
    return Path(settings.MEDIA_ROOT) / "reports" / f"round-{archive.round_id}-{archive.pk}.zip"


@task(queue_name="files")
def build_leader_archive(archive_id: int) -> int:
    """Render every evaluated leader's report to PDF and zip them; the number of reports."""
    archive = ReportArchive.objects.select_related("round", "requested_by").get(pk=archive_id)
    # The reports are made for the one who asked for them: what they may see, and no more.
    viewer = archive.requested_by or AnonymousUser()
    leaders = list(
        EvaluatedLeader.objects.filter(round=archive.round, erased_at__isnull=True).order_by(
            "unit_path", "name"
        )
    )
    started = ReportArchive.objects.filter(
        pk=archive.pk, status=ReportArchive.Status.QUEUED
    ).update(status=ReportArchive.Status.RUNNING, total=len(leaders), done=0, touched_at=now())
    if not started:
        return 0  # given up on or deleted while it waited
    path = archive_path(archive)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    running = ReportArchive.objects.filter(pk=archive.pk, status=ReportArchive.Status.RUNNING)
    htmls = (
        leader_html(archive.round, leader.employee_id, archive.language, viewer=viewer)
        for leader in leaders
    )
    try:
        # Closed on the way out whatever happens, so the PDF processes stop with it.
        with (
            contextlib.closing(htmls_to_pdfs(htmls, settings.OMSTIL_PDF_PROCESSES)) as pdfs,
            zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as bundle,
        ):
            for number, (leader, pdf) in enumerate(zip(leaders, pdfs, strict=True), start=1):
                name = f"{leader.employee_id} {leader.name}.pdf".replace("/", "-")
                bundle.writestr(name, pdf)
                progress = number % PROGRESS_EVERY == 0 or number == len(leaders)
                if progress and not running.update(done=number, touched_at=now()):
                    raise _GivenUp
        partial.replace(path)
    except _GivenUp:
        partial.unlink(missing_ok=True)
        return 0
    except Exception:
        partial.unlink(missing_ok=True)
        ReportArchive.objects.filter(pk=archive.pk).update(status=ReportArchive.Status.FAILED)
        raise
    if not running.update(status=ReportArchive.Status.DONE, file=str(path), finished_at=now()):
        path.unlink(missing_ok=True)  # given up at the last moment
        return 0
    return len(leaders)


@transaction.atomic
def request_leader_archive(round_: Round, language: str, *, actor: User) -> ReportArchive:
    """The zip being made for the round, or a new one queued; a second click follows the first.

    Whether `actor` may have it is the caller's check (`access.get_round_for_all_leader_reports`).
    """
    give_up_stale_archives(round=round_)
    running = ReportArchive.objects.filter(
        round=round_,
        status__in=[ReportArchive.Status.QUEUED, ReportArchive.Status.RUNNING],
    ).first()
    if running is not None:
        return running
    archive = ReportArchive.objects.create(round=round_, requested_by=actor, language=language)
    audit(
        "report.archive.request",
        actor=actor,
        organisation=round_.organisation.slug,
        round=round_.pk,
        archive=archive.pk,
    )
    archive_id = archive.pk
    transaction.on_commit(lambda: build_leader_archive.enqueue(archive_id))
    return archive


def give_up_stale_archives(**within: object) -> int:
    """Mark zips that stopped (`STALE_AFTER`) as failed, so they can be asked for again; `within`
    narrows the archives looked at (`round=…`). The number given up."""
    given_up = 0
    for status, after in STALE_AFTER.items():
        for archive in ReportArchive.objects.filter(
            status=status, touched_at__lt=now() - after, **within
        ):
            # Only if it has not moved since it was read: a live zip is left alone.
            if ReportArchive.objects.filter(
                pk=archive.pk, status=status, touched_at=archive.touched_at
            ).update(status=ReportArchive.Status.FAILED):
                archive_path(archive).with_suffix(".part").unlink(missing_ok=True)
                given_up += 1
    return given_up


def delete_old_archives() -> int:
    """Delete finished zips after `settings.OMSTIL_ARCHIVE_DAYS` days: each holds every leader's
    report. Their rows stay, marked deleted, so the page can say what happened."""
    cutoff = now() - timedelta(days=settings.OMSTIL_ARCHIVE_DAYS)
    deleted = 0
    for archive in ReportArchive.objects.filter(
        status=ReportArchive.Status.DONE, finished_at__lt=cutoff
    ):
        if archive.file:
            Path(archive.file).unlink(missing_ok=True)
        deleted += ReportArchive.objects.filter(
            pk=archive.pk, status=ReportArchive.Status.DONE
        ).update(status=ReportArchive.Status.DELETED, file="")
    return deleted


@task(queue_name="files")
def prepare_closed_round(round_id: int) -> None:
    """Compute what every report of a closed round is made from (its figures, comparisons and
    participation decisions) into the shared cache, so no reader waits for it
    (`omstil.rounds.caching`)."""
    round_ = Round.objects.filter(pk=round_id, status=Round.Status.CLOSED).first()
    if round_ is None:
        return
    closed_decisions(round_)
    if not round_.is_mapping:  # a mapping's figures are shared when first read
        comparisons(round_)  # makes the figures first


def prepare_on_close(sender: object, round: Round, **kwargs: object) -> None:
    """When a round closes, queue the preparing of its reports once the closing commits."""
    round_id = round.pk
    transaction.on_commit(lambda: prepare_closed_round.enqueue(round_id))
