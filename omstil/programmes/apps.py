"""App configuration for competence programmes (kompetenceudviklingsforløb) and their effect."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "omstil.programmes"
    verbose_name = _("Kompetenceforløb")

    def ready(self) -> None:
        from omstil.programmes.services import programme_pools
        from omstil.reports.crosscut import add_pool_source

        # Programmes' pools cut across the unit tree: decided with the round's other figures.
        add_pool_source(programme_pools)
