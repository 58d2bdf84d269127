"""Background work for reports: every leader's PDF of a round in one zip, with progress."""

import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from omstil.reports.models import ReportArchive
from omstil.reports.rendering import leader_pdf
from omstil.rounds.models import EvaluatedLeader

PROGRESS_EVERY = 5


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
    ReportArchive.objects.filter(pk=archive.pk).update(
        status=ReportArchive.Status.RUNNING, total=len(leaders), done=0
    )
    path = archive_path(archive)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for number, leader in enumerate(leaders, start=1):
                name = f"{leader.employee_id} {leader.name}.pdf".replace("/", "-")
                bundle.writestr(
                    name,
                    leader_pdf(archive.round, leader.employee_id, archive.language, viewer=viewer),
                )
                if number % PROGRESS_EVERY == 0 or number == len(leaders):
                    ReportArchive.objects.filter(pk=archive.pk).update(done=number)
        partial.replace(path)
    except Exception:
        partial.unlink(missing_ok=True)
        ReportArchive.objects.filter(pk=archive.pk).update(status=ReportArchive.Status.FAILED)
        raise
    with transaction.atomic():
        ReportArchive.objects.filter(pk=archive.pk).update(
            status=ReportArchive.Status.DONE, file=str(path), finished_at=timezone.now()
        )
    return len(leaders)
