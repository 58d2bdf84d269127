"""`omstil tick`: the installation's daily work (cron or a systemd timer runs it once a day)."""

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from omstil.core.commands import OmstilCommand
from omstil.site.tick import run_daily_jobs


class Command(OmstilCommand):
    help = (
        "Send due reminders, close rounds past their end, resume owed e-mail, remind of plan "
        "deadlines and delete old files (daily)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_json_flag(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        done = run_daily_jobs()
        if options["json"]:
            self.emit_json(done)
            return
        self.stdout.write(
            _(
                "Påmindelser: %(reminded)s runder. Lukket: %(closed)s runder. "
                "Påmindelser om udviklingsplaner: %(plans)s."
            )
            % {
                "reminded": len(done["reminded"]),
                "closed": len(done["closed"]),
                "plans": done["plan_reminders"],
            }
        )
        if done["report_zips_given_up"] or done["report_zips_deleted"]:
            self.stdout.write(
                _(
                    "Zip-filer med lederrapporter slettet: %(deleted)s. "
                    "Opgivet, fordi de gik i stå: %(given_up)s."
                )
                % {
                    "deleted": done["report_zips_deleted"],
                    "given_up": done["report_zips_given_up"],
                }
            )
        for slug, removed in done["retention"]["organisations"].items():
            self.stdout.write(
                _(
                    "%(org)s, slettet efter opbevaringsreglerne: %(people)s fratrådte, "
                    "%(rounds)s runder, %(invitations)s invitationer, "
                    "%(audit_entries)s poster i revisionssporet."
                )
                % {"org": slug, **removed}
            )
