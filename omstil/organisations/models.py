"""An organisation (kommune, region, styrelse) whose data is kept apart from every other's."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A public organisation; the data controller for everything held under it."""

    slug = models.SlugField(_("kortnavn"), max_length=60, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
