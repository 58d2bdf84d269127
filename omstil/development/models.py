"""A leader's development plan (udviklingsplan) after a round: focus, actions and comments.

A plan belongs to one evaluated leader in one closed round. It is the leader's own: the leader
writes it, the superior chain sees it and may comment when the round's policy lets superiors see
the report, and HR sees only how many plans there are and how far they have come.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from omstil.rounds.models import EvaluatedLeader, Round

MAX_FOCUS = 3


class DevelopmentPlan(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="plans")
    leader = models.OneToOneField(EvaluatedLeader, on_delete=models.CASCADE, related_name="plan")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.leader} ({self.round})"


class Focus(models.Model):
    """One of a plan's 1–3 focus points: a statement of the round or a competence in words."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="focus")
    item_key = models.CharField(max_length=200, blank=True)
    competence = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(item_key="") & ~Q(competence=""))
                | (~Q(item_key="") & Q(competence="")),
                name="focus_is_a_statement_or_a_competence",
            ),
            models.UniqueConstraint(fields=["plan", "position"], name="focus_position_unique"),
        ]

    def __str__(self) -> str:
        return self.item_key or self.competence


class Action(models.Model):
    """A concrete action with an owner and a deadline, and how far it has come."""

    class Progress(models.TextChoices):
        PLANNED = "planned", _("Ikke begyndt")
        UNDERWAY = "underway", _("I gang")
        DONE = "done", _("Gennemført")

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField(max_length=1000)
    # The benefit expected from it (seed 002: "konkrete handleplaner og tydelige gevinster").
    benefit = models.TextField(max_length=1000, blank=True)
    owner = models.CharField(max_length=200)
    deadline = models.DateField()
    progress = models.CharField(max_length=10, choices=Progress.choices, default=Progress.PLANNED)
    # The day the reminder before the deadline was sent: at most one per action.
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "deadline", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class PlanComment(models.Model):
    """A superior's comment on a plan."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class FollowUp(models.Model):
    """The follow-up after a leader's report (seed 003, PRODUCT.md): the days the talk with the
    superior and the dialogue meeting with the employees were held. Dates only, never what
    was said: this is what HR's follow-up list may show."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="follow_ups")
    leader = models.OneToOneField(
        EvaluatedLeader, on_delete=models.CASCADE, related_name="follow_up"
    )
    superior_talk_on = models.DateField(_("samtalen med den overordnede blev holdt"), null=True)
    dialogue_meeting_on = models.DateField(_("dialogmødet blev holdt"), null=True)
    # When HR last reminded the leader of what is missing.
    reminded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.leader} ({self.round})"
