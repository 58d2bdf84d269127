"""App configuration for organisations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "omstil.organisations"
    verbose_name = _("Organisationer")
