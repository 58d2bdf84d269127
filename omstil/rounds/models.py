"""An evaluation round (evalueringsrunde): its set-up, the frozen organisation, the invitations.

Invitations record participation only (invited, e-mailed, reminded, completed) while the round is
open; closing keeps only the counts per leader and rater group (`Participation`). Nothing here
points at an answer; answers live in `omstil.responses` with no way back (docs/anonymity.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from omstil.instruments.models import InstrumentVersion, Item
from omstil.organisations.models import Organisation, Person

RATER_GROUPS = ("employee", "self", "superior", "peer")
# The one rater group of a mapping round: each person rates their own competences. Not "self",
# which the leader reports treat as one leader's individual answer.
COMPETENCE_GROUP = "competence"


class Round(models.Model):
    """One evaluation round of an organisation, from draft through open to closed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        OPEN = "open", _("Åben")
        CLOSED = "closed", _("Lukket")

    class Kind(models.TextChoices):
        EVALUATION = "evaluation", _("Ledelsesevaluering")
        MAPPING = "mapping", _("Kortlægning af kompetencer")

    class LeaderLevel(models.TextChoices):
        """Which leaders an evaluation round is about (docs/rounds.md)."""

        ALL = "all", _("Alle ledere")
        TOP = "top", _("Topledere: lederne af den øverste enhed og niveauet under den")
        LEADERS_OF_LEADERS = "leaders_of_leaders", _("Ledere med ledere under sig")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("navn"), max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # A mapping round (kortlægning) uses one aggregate-only self-assessment instrument: every
    # employee rates their own competences, shown only pooled (docs/mapping.md).
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.EVALUATION)
    opens_on = models.DateField(_("åbner"))
    closes_on = models.DateField(_("lukker"))
    min_group_size = models.PositiveSmallIntegerField(_("mindste gruppestørrelse"), default=5)
    rater_groups = models.JSONField(default=list)
    comment_field = models.BooleanField(_("kommentarfelt"), default=False)
    # When the round closes, each leader is told that their report is ready and each superior
    # that their leaders' reports are (`reports.ready`); HR can turn it off in the set-up.
    announce_reports = models.BooleanField(_("fortæl lederne, at rapporten er klar"), default=True)
    leader_units = models.JSONField(default=list, help_text="Unit paths; empty: every leader")
    leader_level = models.CharField(
        _("ledelsesniveau"), max_length=20, choices=LeaderLevel.choices, default=LeaderLevel.ALL
    )
    exclude_leaders_since = models.DateField(null=True, blank=True)
    # Before opening, HR can let the leaders check whom the round will ask about them, until
    # this day (`rounds.listcheck`); None: no check asked for.
    list_check_until = models.DateField(null=True, blank=True)
    reminder_dates = models.JSONField(default=list)
    reminders_requested = models.PositiveSmallIntegerField(default=0)
    planned_reminders_sent = models.PositiveSmallIntegerField(default=0)
    # The counts of who took part as leaders and HR see them while the round runs, taken at most
    # once per OMSTIL_PARTICIPATION_REFRESH_SECONDS and shared by every server process.
    participation_snapshot = models.JSONField(default=list, blank=True)
    participation_taken_at = models.DateTimeField(null=True, blank=True)
    visibility = models.JSONField(default=dict)
    anonymity_text = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Secrets of an open round; both are wiped when it closes (docs/anonymity.md).
    token_salt = models.CharField(max_length=64, blank=True)
    lookup_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("evalueringsrunde")
        verbose_name_plural = _("evalueringsrunder")
        ordering = ["-opens_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_mapping(self) -> bool:
        """A mapping of the employees' own competences, not an evaluation of leaders."""
        return self.kind == self.Kind.MAPPING

    def statement_count(self) -> int:
        """How many statements a respondent is asked (every rater group is asked them all)."""
        count = self.local_statements.count()
        for chosen in self.instruments.all():
            items = Item.objects.filter(version_id=chosen.version_id)
            if chosen.themes:
                items = items.filter(theme__key__in=chosen.themes)
            count += items.count()
        return count

    def minutes_to_answer(self) -> int:
        """About how long the questionnaire takes (`minutes_for`)."""
        return minutes_for(self.statement_count())


def minutes_for(statements: int) -> int:
    """A minute for the introduction, then about three statements a minute, rounded up."""
    return 1 + -(-statements // 3)


class ListCorrection(models.Model):
    """A leader's report that the list of whom a draft round will ask about them is wrong.

    HR fixes the HR data (a new import) and marks it resolved; the round opens on the corrected
    organisation. Only the leader's own words: which employees the list held is not kept."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="list_corrections")
    leader_employee_id = models.CharField(max_length=64)
    leader_name = models.CharField(max_length=200)
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.round} / {self.leader_name}"


class Reminder(models.Model):
    """A reminder the round sent, planned or asked for by HR: when, and to how many.

    Only round-wide counts: who had not answered is never kept here.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders")
    requested_at = models.DateTimeField(auto_now_add=True)
    planned = models.BooleanField(default=False)
    recipients = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.round} / {self.requested_at:%Y-%m-%d}"


class RoundInstrument(models.Model):
    """An instrument version used in a round, optionally only some of its themes."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="instruments")
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    themes = models.JSONField(default=list, help_text="Theme keys; empty: every theme")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position"]

    def __str__(self) -> str:
        return f"{self.round} / {self.version}"


class LocalStatement(models.Model):
    """A statement the organisation adds to a round, answered on the same scale."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="local_statements")
    key = models.SlugField(max_length=80)
    text = models.JSONField(help_text='{"da": …, "en": …}')
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="local_statement_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class EvaluatedLeader(models.Model):
    """A leader evaluated in a round, as the organisation stood when the round opened."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="leaders")
    # None once the person is deleted (`erased_at`): the answers about them stay, pooled only.
    person = models.ForeignKey(
        Person, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    employee_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    unit_path = models.CharField(max_length=1000)
    superior_employee_id = models.CharField(max_length=64, blank=True)
    # Frozen with the round: who may see this leader's report does not follow later HR files.
    email = models.EmailField(max_length=254, blank=True)
    superior_email = models.EmailField(max_length=254, blank=True)
    # When the person was deleted (docs/privacy.md): name, e-mail and employee id are gone, their
    # own report, dialogue and plan with them; their answers count only in the pooled figures.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "unit_path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "employee_id"], name="evaluated_leader_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """An invitation for one person to answer about one leader in one rater group.

    Keeps a keyed hash of the token, never the token, and participation only: no time of
    completion, nothing that leads to the answers. Closing clears who completed, the reminders
    and the delivery state (`completed` None): who took part is personal data in itself, and it
    would let any other attribute be joined to the responses. In a mapping round `leader` is the
    person's nearest leader (their team) and `job_family` their job family, coarsened so that no
    team has fewer than the minimum group size of a stored job family (blank: other).
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="+")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    language = models.CharField(max_length=2, default="da")
    leader = models.ForeignKey(EvaluatedLeader, on_delete=models.CASCADE, related_name="+")
    rater_group = models.CharField(max_length=10)
    job_family = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    completed = models.BooleanField(null=True, default=False)
    delivery_failed = models.BooleanField(default=False)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person", "leader", "rater_group"], name="invitation_unique"
            )
        ]
        indexes = [models.Index(fields=["round", "completed"], name="invitation_round_completed")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.name} → {self.leader_id} ({self.rater_group})"


class Participation(models.Model):
    """How many were invited and how many completed about one leader in one rater group.

    Written when the round closes, from the invitations, which then forget who completed: this is
    all a closed round keeps of who took part, and all its reports and pages show of it.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participation")
    leader = models.ForeignKey(EvaluatedLeader, on_delete=models.CASCADE, related_name="+")
    rater_group = models.CharField(max_length=10)
    invited = models.PositiveIntegerField()
    completed = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["leader", "rater_group"], name="participation_unique")
        ]

    def __str__(self) -> str:
        return (
            f"{self.round_id}/{self.leader_id}/{self.rater_group}: {self.completed}/{self.invited}"
        )
