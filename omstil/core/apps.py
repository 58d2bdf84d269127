"""App configuration for core."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "omstil.core"
    verbose_name = _("Omstil")
