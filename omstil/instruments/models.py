"""Instruments in the database: every version kept, never changed once stored."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from omstil.core.i18n import localized


class Instrument(models.Model):
    """An evaluation instrument, known by a stable key such as `digital-omstilling`."""

    key = models.SlugField(_("nøgle"), max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instrumenter")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    def latest_version(self) -> "InstrumentVersion | None":
        return self.versions.order_by("-number").first()


class InstrumentVersion(models.Model):
    """One immutable version of an instrument; a changed file becomes a new version.

    Rounds point at a version, so what respondents answered and what reports show stays the
    same however the library changes later.
    """

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    digest = models.CharField(max_length=64, help_text="SHA-256 of the canonical document")
    document = models.JSONField(help_text="The validated instrument file, schema 1")
    kind = models.CharField(max_length=20)
    aggregate_only = models.BooleanField(default=False)
    roles = models.JSONField()
    title = models.JSONField()
    source_file = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instrumentversion")
        verbose_name_plural = _("instrumentversioner")
        ordering = ["instrument__key", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="instrument_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument.key} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("An instrument version is immutable; sync a new version instead.")
        super().save(*args, **kwargs)

    def localized_title(self) -> str:
        return localized(self.title)


class Theme(models.Model):
    """A theme (tema) of an instrument version: its texts and its statements."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="themes")
    key = models.SlugField(max_length=80)
    position = models.PositiveIntegerField()
    title = models.JSONField()
    content = models.JSONField(
        help_text="description, why, focus_areas, reflection_questions, examples"
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="theme_key_unique_in_version")
        ]

    def __str__(self) -> str:
        return f"{self.version} / {self.key}"


class Item(models.Model):
    """A statement (udsagn) with its wording per rater role and language."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="items")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=80)
    position = models.PositiveIntegerField()
    text = models.JSONField(help_text="{role: {language: text}}")
    heading = models.JSONField(default=dict, blank=True, help_text="{language: text}, or empty")

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="item_key_unique_in_version")
        ]

    def __str__(self) -> str:
        return f"{self.version} / {self.key}"

    def wording(self, role: str, language: str | None = None) -> str:
        """The statement as `role` reads it, in `language` (the active language by default)."""
        return localized(self.text[role], language)

    def localized_heading(self, language: str | None = None) -> str:
        """The source's name for the statement, or "" where it has none."""
        return localized(self.heading, language)
