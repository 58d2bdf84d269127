"""Background work for reports: every leader's PDF of a round in one zip, with progress."""

import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.tasks import task
from django.utils.timezone import now

from omstil.core.pdf import htmls_to_pdfs
from omstil.reports.models import ReportArchive
from omstil.reports.rendering import leader_html
from omstil.rounds.models import EvaluatedLeader

PROGRESS_EVERY = 5
# A zip whose progress has not moved for this long has lost its worker (a PDF takes a second).
STALE_AFTER = timedelta(minutes=30)


def archive_path(archive: ReportArchive) -> Path:
    return Path(settings.MEDIA_ROOT) / "reports" / f"round-{archive.round_id}-{archive.pk}.zip"


@task()
def build_leader_archive(archive_id: int) -> int:
    """Render every evaluated leader's report to PDF and zip them; the number of reports."""
    archive = ReportArchive.objects.select_related("round", "requested_by").get(pk=archive_id)
    # The reports are made for the one who asked for them: what they may see, and no more.
    viewer = archive.requested_by or AnonymousUser()
    leaders = list(
        EvaluatedLeader.objects.filter(round=archive.round).order_by("unit_path", "name")
    )
    started = ReportArchive.objects.filter(
        pk=archive.pk, status=ReportArchive.Status.QUEUED
    ).update(status=ReportArchive.Status.RUNNING, total=len(leaders), done=0, touched_at=now())
    if not started:
        return 0  # given up on or deleted while it waited
    path = archive_path(archive)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    try:
        htmls = (
            leader_html(archive.round, leader.employee_id, archive.language, viewer=viewer)
            for leader in leaders
        )
        pdfs = htmls_to_pdfs(htmls, settings.OMSTIL_PDF_PROCESSES)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for number, (leader, pdf) in enumerate(zip(leaders, pdfs, strict=True), start=1):
                name = f"{leader.employee_id} {leader.name}.pdf".replace("/", "-")
                bundle.writestr(name, pdf)
                if number % PROGRESS_EVERY == 0 or number == len(leaders):
                    ReportArchive.objects.filter(pk=archive.pk).update(
                        done=number, touched_at=now()
                    )
        partial.replace(path)
    except Exception:
        partial.unlink(missing_ok=True)
        ReportArchive.objects.filter(pk=archive.pk).update(status=ReportArchive.Status.FAILED)
        raise
    finished = ReportArchive.objects.filter(
        pk=archive.pk, status=ReportArchive.Status.RUNNING
    ).update(status=ReportArchive.Status.DONE, file=str(path), finished_at=now())
    if not finished:  # given up on as stale meanwhile: a newer zip replaces it
        path.unlink(missing_ok=True)
    return len(leaders)


def give_up_stale_archives(**within: object) -> int:
    """Mark zips whose progress stopped `STALE_AFTER` ago as failed, so they can be asked for
    again; `within` narrows the archives looked at (`round=…`). The number given up."""
    stale = ReportArchive.objects.filter(
        status=ReportArchive.Status.RUNNING, touched_at__lt=now() - STALE_AFTER, **within
    )
    given_up = 0
    for archive in stale:
        archive_path(archive).with_suffix(".part").unlink(missing_ok=True)
        given_up += ReportArchive.objects.filter(
            pk=archive.pk, status=ReportArchive.Status.RUNNING, touched_at=archive.touched_at
        ).update(status=ReportArchive.Status.FAILED)
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
