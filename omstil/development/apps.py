"""App configuration for the way from report to action: dialogue and development plans."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "omstil.development"
    verbose_name = _("Udvikling")
