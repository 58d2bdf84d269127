"""App configuration for rounds."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "omstil.rounds"
    verbose_name = _("Evalueringsrunder")
