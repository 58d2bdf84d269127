"""App configuration for responses."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "omstil.responses"
    verbose_name = _("Besvarelser")
