"""App configuration for instruments."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "omstil.instruments"
    verbose_name = _("Instrumenter")
