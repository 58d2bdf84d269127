"""App configuration for reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "omstil.reports"
    verbose_name = _("Rapporter")

    def ready(self) -> None:
        from omstil.reports import ready
        from omstil.responses.closing import round_closed

        round_closed.connect(ready.announce_on_close, dispatch_uid="reports.announce_on_close")
