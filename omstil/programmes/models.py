"""A competence programme (kompetenceudviklingsforløb): its modules, participants and attendance.

HR defines a programme for some of the organisation's leaders over a period, registers who came
to each module, and links a round before and a round after it, so that the change in the
employees' answers can be compared with that of the leaders who did not take part.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from omstil.organisations.models import Organisation, Person
from omstil.rounds.models import Round


class Element(models.TextChoices):
    """The five elements of digital leadership (seed 004): "samspillet mellem ledelse, IT,
    mennesker, processer og opgaver"."""

    LEDELSE = "ledelse", _("Ledelse")
    IT = "it", _("IT")
    MENNESKER = "mennesker", _("Mennesker")
    PROCESSER = "processer", _("Processer")
    OPGAVER = "opgaver", _("Opgaver")


class Programme(models.Model):
    """A programme of modules for a group of leaders, measured by a round before and after."""

    class Rule(models.TextChoices):
        """How HR chose the participants; resolved to leaders when the programme is saved."""

        ALL = "all", _("Alle ledere")
        UNITS = "units", _("Ledere i enheder")
        LEVEL = "level", _("Ledere på niveau")
        HAND = "hand", _("Udvalgte ledere")

    class Level(models.TextChoices):
        """A leadership level, from the unit tree and the reporting lines (docs/programmes.md)."""

        TOP = "top", _("Topledere: lederne af den øverste enhed og niveauet under den")
        WITH_LEADERS = "with_leaders", _("Ledere med ledere under sig")
        FIRST_LINE = "first_line", _("Ledere uden ledere under sig")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="programmes"
    )
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    starts_on = models.DateField(_("begynder"))
    ends_on = models.DateField(_("slutter"))
    # A round is never deleted on its own, only with its organisation; SET_NULL keeps it simple.
    baseline_round = models.ForeignKey(
        Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follow_up_round = models.ForeignKey(
        Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How the participants were chosen the last time they were saved, for the programme's page:
    # {"kind": Rule, "units": [paths], "level": Level, "count": leaders chosen}. The rule is not
    # applied again later; the Participant rows are the participants.
    participant_rule = models.JSONField(default=dict, blank=True)
    participants_chosen_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kompetenceforløb")
        verbose_name_plural = _("kompetenceforløb")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.name


class Module(models.Model):
    """One module (modul) of a programme: a day with a title and its content."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("titel"), max_length=200)
    held_on = models.DateField(_("dato"))
    content = models.TextField(_("indhold"), blank=True)
    # One or more of the five elements (Element values), in the order of Element.
    elements = models.JSONField(_("elementer"), default=list, blank=True)
    material = models.TextField(_("materiale"), blank=True)

    class Meta:
        verbose_name = _("modul")
        verbose_name_plural = _("moduler")
        ordering = ["programme", "held_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def element_labels(self) -> list[str]:
        labels = dict(Element.choices)
        return [str(labels[key]) for key in self.elements if key in labels]


class MaterialLink(models.Model):
    """A link in a module's material: an http or https address with a title."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="links")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("titel"), max_length=200)
    url = models.URLField(_("adresse"), max_length=1000)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["module", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    """A leader who takes part in a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    # People are deactivated, never deleted, except with their whole organisation.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("deltager")
        verbose_name_plural = _("deltagere")
        ordering = ["programme", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "person"], name="participant_unique")
        ]

    def __str__(self) -> str:
        return str(self.person)


class Attendance(models.Model):
    """That a participant came to a module (fremmøde); no row means absent."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendance"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["module", "participant"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.module}"
