"""`omstil instruments list|show|validate|sync`: the instrument library from the command line."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from omstil.core.commands import OmstilCommand
from omstil.core.i18n import localized
from omstil.instruments import services
from omstil.instruments.models import InstrumentVersion
from omstil.instruments.validation import InstrumentFileInvalid, load_file


class Command(OmstilCommand):
    help = "List, show, validate and load evaluation instruments."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = actions.add_parser("list", help="List the instruments in the database.")
        self.add_json_flag(listing)
        show = actions.add_parser("show", help="Show one instrument with its themes and items.")
        show.add_argument("key", help="Instrument key, e.g. digital-omstilling")
        show.add_argument("--version", type=int, dest="number", help="Version (default: newest)")
        self.add_json_flag(show)
        validate = actions.add_parser("validate", help="Check instrument files; exit 1 on errors.")
        validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
        self.add_json_flag(validate)
        sync = actions.add_parser(
            "sync", help="Load instrument files (default: the shipped library) into the database."
        )
        sync.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        self.add_json_flag(sync)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(**options)

    def handle_list(self, **options: Any) -> None:
        rows = services.list_json()
        if options["json"]:
            self.emit_json(rows)
            return
        statements = _("udsagn")
        for row in rows:
            self.stdout.write(
                f"{row['key']:<36} v{row['version']:<3} "
                f"{row['items']:>3} {statements}  {row['title']}"
            )

    def handle_show(self, **options: Any) -> None:
        try:
            version = services.get_version(options["key"], options["number"])
        except InstrumentVersion.DoesNotExist:
            if options["number"] is None:
                message = _("Instrumentet “%(key)s” findes ikke.") % {"key": options["key"]}
            else:
                message = _("Instrumentet “%(key)s” findes ikke i version %(number)s.") % {
                    "key": options["key"],
                    "number": options["number"],
                }
            self.reject([message], {"ok": False, "error": message} if options["json"] else None)
        data = services.show_json(version)
        if options["json"]:
            self.emit_json(data)
            return
        self.stdout.write(f"{localized(data['title'])} ({data['key']} v{data['version']})")
        for theme in data["themes"]:
            self.stdout.write(f"\n{localized(theme['title'])}")
            for item in data["items"]:
                if item["theme"] == theme["key"]:
                    for role, text in item["text"].items():
                        self.stdout.write(f"  [{item['key']}] {role}: {localized(text)}")

    def handle_validate(self, **options: Any) -> None:
        errors = []
        for file in options["files"]:
            errors.extend(load_file(file)[1])
        if errors:
            self.reject(
                [str(error) for error in errors],
                {"ok": False, "errors": [error.__dict__ for error in errors]}
                if options["json"]
                else None,
            )
        if options["json"]:
            self.emit_json({"ok": True, "files": [str(file) for file in options["files"]]})
        else:
            for file in options["files"]:
                self.stdout.write(_("%(file)s: i orden") % {"file": file})

    def handle_sync(self, **options: Any) -> None:
        try:
            results = services.sync_library(options["paths"] or None)
        except InstrumentFileInvalid as exc:
            self.reject(
                [str(error) for error in exc.errors],
                {"ok": False, "errors": [error.__dict__ for error in exc.errors]}
                if options["json"]
                else None,
            )
        if options["json"]:
            self.emit_json({"ok": True, "instruments": [result.__dict__ for result in results]})
            return
        labels = {
            "created": _("oprettet"),
            "new_version": _("ny version"),
            "unchanged": _("uændret"),
        }
        for result in results:
            self.stdout.write(f"{result.key:<36} v{result.version:<3} {labels[result.action]}")
