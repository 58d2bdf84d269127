"""The organisation's retention rules: how long Omstil keeps what (docs/privacy.md)."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from omstil.organisations.models import Organisation

# The defaults an organisation starts with; docs/privacy.md says why these.
DEFAULTS = {"leavers_months": 6, "invitation_days": 30, "answers_years": 5, "audit_years": 5}


class RetentionPolicy(models.Model):
    """How long the organisation's data is kept; 0 means "at the next tick".

    An organisation without a row follows `DEFAULTS` (`omstil.privacy.retention.rules_for`).
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="retention"
    )
    leavers_months = models.PositiveSmallIntegerField(
        _("fratrådte slettes efter (måneder)"),
        default=DEFAULTS["leavers_months"],
        validators=[MaxValueValidator(120)],
        help_text=_("Måneder efter, at en person ikke længere står i HR-filen."),
    )
    invitation_days = models.PositiveSmallIntegerField(
        _("invitationer slettes efter (dage)"),
        default=DEFAULTS["invitation_days"],
        validators=[MaxValueValidator(3650)],
        help_text=_(
            "Dage efter, at en runde er lukket. Kun antallet af inviterede og besvarelser bliver."
        ),
    )
    answers_years = models.PositiveSmallIntegerField(
        _("svar og rapporter slettes efter (år)"),
        default=DEFAULTS["answers_years"],
        validators=[MaxValueValidator(50)],
        help_text=_("År efter, at en runde er lukket, og efter den sidste rapport, der viser den."),
    )
    audit_years = models.PositiveSmallIntegerField(
        _("revisionsspor slettes efter (år)"),
        default=DEFAULTS["audit_years"],
        validators=[MaxValueValidator(50)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opbevaringsregler")
        verbose_name_plural = _("opbevaringsregler")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.as_dict()}"

    def as_dict(self) -> dict[str, int]:
        """The rules as the contract prints them."""
        return {name: getattr(self, name) for name in DEFAULTS}
