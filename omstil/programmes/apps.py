"""App configuration for competence programmes (kompetenceudviklingsforløb) and their effect."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "omstil.programmes"
    verbose_name = _("Kompetenceforløb")
