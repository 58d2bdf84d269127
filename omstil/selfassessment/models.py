"""A leader's private self-assessments: answers and reflection notes that only the owner sees.

Nothing here is registered in Django's admin, and no page but the owner's reads it: see
docs/selfassessment.md.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omstil.instruments.models import Instrument, InstrumentVersion


class SelfAssessment(models.Model):
    """One sitting of a self-assessment instrument by one user: a draft until it is completed.

    The id is random, so an address reveals neither how many exist nor whose one it is.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        COMPLETED = "completed", _("Afsluttet")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_assessments"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    pages_saved = models.PositiveSmallIntegerField(
        default=0, help_text="The furthest page saved, so a draft resumes after it"
    )
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_at", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "instrument"],
                condition=Q(status="draft"),
                name="self_assessment_one_draft_per_instrument",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", completed_at__isnull=True)
                | Q(status="completed", completed_at__isnull=False),
                name="self_assessment_completed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "instrument", "status"], name="self_assessment_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id}/{self.pk}"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class SelfAssessmentAnswer(models.Model):
    """The owner's answer to one statement: "1"…"5" or "dont_know"."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    item_key = models.SlugField(max_length=80)
    value = models.CharField(max_length=12)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item_key"], name="self_assessment_answer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.item_key}"


class ReflectionNote(models.Model):
    """The owner's reflection note (refleksionsnote) on one theme."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="notes")
    theme_key = models.SlugField(max_length=80)
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "theme_key"], name="self_assessment_note_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.theme_key}"
