"""What every `omstil` command shares: `--json`, and exit 1 with reasons when input is rejected."""

import json
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser


class OmstilCommand(BaseCommand):
    """A management command that speaks the contract: exit 0 done, 1 rejected, 2 wrong usage."""

    def add_json_flag(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON document on stdout instead of text.",
        )

    def emit_json(self, data: Any) -> None:
        """Write `data` as one JSON document on stdout."""
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))

    def reject(self, lines: Iterable[str], json_document: Any = None) -> NoReturn:
        """Report why the input was rejected and exit 1; nothing has been written."""
        if json_document is not None:
            self.emit_json(json_document)
        else:
            for line in lines:
                self.stderr.write(line)
        sys.stdout.flush()
        raise SystemExit(1)
