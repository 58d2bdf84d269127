"""App configuration for competence mappings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingConfig(AppConfig):
    name = "omstil.mapping"
    verbose_name = _("Kortlægning af kompetencer")
