"""App configuration for the top app, which may import every app below it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "omstil.site"
    label = "site"
    verbose_name = _("Omstil")
