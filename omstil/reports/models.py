"""A zip of every leader's PDF report of a round, built in the background."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportArchive(models.Model):
    """One request for all leader reports of a round as PDFs in a zip, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("I gang")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Mislykkedes")
        DELETED = "deleted", _("Slettet")

    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE, related_name="archives")
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    language = models.CharField(max_length=2, default="da")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The last sign of life: asked for, started, or made some progress. A zip whose progress
    # stops has lost its worker (`tasks.give_up_stale_archives`).
    touched_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.round} ({self.get_status_display()})"
