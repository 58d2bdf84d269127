"""`omstil round …` with the privacy app's `delete`: a round in any state, with everything under it.

The rounds app's `round` command, extended: this app comes before it in INSTALLED_APPS, so
Django runs this command for `omstil round` (docs/architecture.md).
"""

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from omstil.privacy.commands import add_deletion_flags, run_deletion
from omstil.privacy.deletion import delete_round, plan_round_deletion
from omstil.rounds.management.commands import round as rounds_command


class Command(rounds_command.Command):
    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        delete = self.actions.add_parser(
            "delete", help="Delete a round (draft, open or closed) with everything under it."
        )
        delete.add_argument("round_id", type=int, metavar="ID")
        add_deletion_flags(delete, "ID")

    def handle_delete(self, **options: Any) -> None:
        round_ = self._round(options["round_id"], options["json"])
        run_deletion(
            self,
            options,
            expected=str(round_.pk),
            plan=lambda: plan_round_deletion(round_),
            delete=lambda: delete_round(round_, actor=None),
            done=_("Runde %(id)s er slettet.") % {"id": round_.pk},
        )
