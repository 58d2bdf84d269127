"""App configuration for reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "omstil.reports"
    verbose_name = _("Rapporter")

    def ready(self) -> None:
        from omstil.reports import ready, tasks
        from omstil.responses.closing import round_closed

        round_closed.connect(ready.announce_on_close, dispatch_uid="reports.announce_on_close")
        round_closed.connect(tasks.prepare_on_close, dispatch_uid="reports.prepare_on_close")
