"""`omstil restore FILE`: load a backup into the new, empty database DATABASE_URL names."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from omstil.core import backup
from omstil.core.commands import OmstilCommand


class Command(OmstilCommand):
    help = "Load a backup from `omstil backup` into a new, empty database (docs/backup.md)."
    # The model checks would open the database before the restore can say what is wrong with it.
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE")
        self.add_json_flag(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        try:
            size = backup.restore(source)
        except backup.BackupFailed as failure:
            self.reject(failure.messages)
        if options["json"]:
            self.emit_json({"file": str(source), "bytes": size})
        else:
            self.stdout.write(
                _("Backup indlæst fra %(file)s (%(bytes)d bytes).")
                % {"file": str(source), "bytes": size}
            )
