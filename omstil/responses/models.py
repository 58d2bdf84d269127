"""Anonymous answers. Nothing here refers to an invitation or a person (docs/anonymity.md).

A response is found again only through a keyed hash of the respondent's token, with a key that is
different from the invitations' and wiped when the round closes; times are kept to the day.
"""

import uuid

from django.db import models

from omstil.rounds.models import EvaluatedLeader, Round


class Response(models.Model):
    """One respondent's scores about one leader in one rater group.

    In a mapping round: one person's rating of their own competences, with the team (`leader`)
    and the job family copied from the invitation, coarsened (docs/mapping.md).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    leader = models.ForeignKey(EvaluatedLeader, on_delete=models.CASCADE, related_name="+")
    rater_group = models.CharField(max_length=10)
    job_family = models.CharField(max_length=200, blank=True)
    lookup = models.CharField(max_length=64, null=True, blank=True, unique=True)
    submitted = models.BooleanField(default=False)
    day = models.DateField(help_text="The day of the last change; never a finer time")

    class Meta:
        indexes = [models.Index(fields=["round", "leader", "rater_group"], name="response_group")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.leader_id}/{self.rater_group}"


class Answer(models.Model):
    """The answer to one statement: 1–5, "dont_know" or "prefer_not"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Looked up through `answer_counted` and `answer_unique`, which both begin with it.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    item_key = models.CharField(max_length=200)
    value = models.CharField(max_length=12)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item_key"], name="answer_unique")
        ]
        # Holds all that a round's figures count, so SQLite counts them from the index alone
        # instead of reading each answer's row (`docs/performance.md`).
        indexes = [models.Index(fields=["response", "item_key", "value"], name="answer_counted")]

    def __str__(self) -> str:
        return f"{self.item_key}={self.value}"


class Comment(models.Model):
    """A free-text comment, stored apart from the scores of the same respondent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    leader = models.ForeignKey(EvaluatedLeader, on_delete=models.CASCADE, related_name="+")
    rater_group = models.CharField(max_length=10)
    lookup = models.CharField(max_length=64, null=True, blank=True, unique=True)
    text = models.TextField()
    submitted = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.round_id}/{self.leader_id}/{self.rater_group}"


class ClosedCounts(models.Model):
    """A closed round's answers counted once, at closing: by leader, (rater group, statement)
    and answer, the array every report's figures are made from (`omstil.responses.counts`).

    A closed round's answers never change, so every server process loads these counts instead
    of counting the answers again. Counts only: no response, no answer, nobody's name.
    """

    round = models.OneToOneField(
        Round, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    closed_at = models.DateTimeField(help_text="The closing the counts were made at")
    keys = models.JSONField(help_text="[rater group, statement] for each column of the array")
    data = models.BinaryField(help_text="NumPy arrays (npz): leader ids, counts")

    def __str__(self) -> str:
        return f"{self.round_id}"
