"""`omstil backup -o FILE`: a consistent copy of the database, taken while Omstil runs."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from omstil.core import backup
from omstil.core.commands import OmstilCommand


class Command(OmstilCommand):
    help = "Write a consistent copy of the database DATABASE_URL names (docs/backup.md)."
    # The checks would open a transaction of their own, which on SQLite waits for the write lock
    # that a running Omstil may hold; the copy itself needs none.
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, metavar="FILE")
        self.add_json_flag(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["output"])
        try:
            size = backup.backup(target)
        except backup.BackupFailed as failure:
            self.reject(failure.messages)
        if options["json"]:
            self.emit_json({"file": str(target), "bytes": size})
        else:
            self.stdout.write(
                _("Backup skrevet til %(file)s (%(bytes)d bytes).")
                % {"file": str(target), "bytes": size}
            )
