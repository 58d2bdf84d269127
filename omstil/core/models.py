"""The audit trail's table: one row per change, and per look at a report, with who did it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what, when, in which organisation (revisionsspor).

    Kept apart from the rows it is about, and with no foreign keys, so that an entry outlives the
    user, round or organisation it names: the deletion of an organisation is itself audited.
    """

    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    event = models.CharField(_("hændelse"), max_length=100)
    actor_id = models.BigIntegerField(_("bruger-id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(
        _("udført af"), max_length=254, help_text=_("E-mailadressen dengang, eller “system”.")
    )
    organisation = models.CharField(_("organisation"), max_length=100, blank=True, db_index=True)
    fields = models.JSONField(_("detaljer"), default=dict)

    class Meta:
        verbose_name = _("revisionspost")
        verbose_name_plural = _("revisionsspor")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event} {self.actor_label}"


class CacheEntry(models.Model):
    """One entry of the cache every server process shares (`omstil.core.cache.DatabaseCache`).

    The table Django's `createcachetable` would make, made by `omstil migrate` instead, so a new
    installation needs no step of its own for it.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "omstil_cache"
        verbose_name = _("cachepost")
        verbose_name_plural = _("cacheposter")

    def __str__(self) -> str:
        return self.cache_key
