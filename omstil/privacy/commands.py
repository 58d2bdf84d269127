"""What the privacy app's command-line actions share: dry runs and confirmed deletions."""

import sys
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from omstil.core.commands import OmstilCommand
from omstil.privacy.deletion import STAYS, describe


def add_deletion_flags(parser: CommandParser, what: str) -> None:
    """`--dry-run`, `--confirm` and `--json`, as every deletion on the command line takes."""
    parser.add_argument(
        "--dry-run", action="store_true", help="Print what would be deleted; change nothing."
    )
    parser.add_argument(
        "--confirm", metavar=what, help=f"Repeat the {what} to delete without being asked."
    )
    parser.add_argument("--json", action="store_true", help="Print one JSON document.")


def run_deletion(
    command: OmstilCommand,
    options: dict[str, Any],
    *,
    expected: str,
    plan: Callable[[], dict[str, int]],
    delete: Callable[[], dict[str, int]],
    done: str,
) -> None:
    """Show what goes (`--dry-run`), or ask for (or check `--confirm`) the id and delete."""
    counts = plan()
    if options["dry_run"]:
        if options["json"]:
            command.emit_json({"dry_run": True, "counts": counts})
            return
        command.stdout.write(_("Det ville blive slettet:"))
        for line in describe(counts) or [_("intet")]:
            command.stdout.write(f"  - {line}")
        command.stdout.write(str(STAYS))
        return
    confirmation = options["confirm"]
    if confirmation is None and sys.stdin.isatty():
        for line in describe(counts):
            command.stdout.write(f"  - {line}")
        confirmation = input(
            _("Skriv “%(id)s” for at slette det permanent: ") % {"id": expected}
        ).strip()
    if confirmation != expected:
        message = _("Ikke bekræftet; intet er slettet.")
        command.reject([message], {"ok": False, "error": message} if options["json"] else None)
    removed = delete()
    if options["json"]:
        command.emit_json({"deleted": True, "counts": removed})
        return
    command.stdout.write(done)
