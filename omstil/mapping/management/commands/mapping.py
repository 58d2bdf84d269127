"""`omstil mapping unit`: a unit's map in a closed competence mapping, as JSON, HTML or PDF."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from omstil.core.commands import OmstilCommand
from omstil.mapping.rendering import unit_html, unit_pdf
from omstil.mapping.services import MappingUnavailable, unit_map
from omstil.rounds.models import Round


class Command(OmstilCommand):
    help = "Write a unit's map of a competence mapping (kortlægning)."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        unit = kinds.add_parser("unit", help="A unit and every unit below it, by job family.")
        unit.add_argument("round_id", type=int, metavar="ROUND")
        unit.add_argument("path", metavar="UNIT_PATH")
        unit.add_argument("--format", choices=["json", "html", "pdf"], default="json")
        unit.add_argument("-o", "--output", type=Path, metavar="FILE")
        unit.add_argument("--language", choices=["da", "en"], default="da")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(pk=options["round_id"]).first()
        if round_ is None:
            self.reject([_("Runde %(id)s findes ikke.") % {"id": options["round_id"]}])
        language = options["language"]
        try:
            with translation.override(language):
                data = unit_map(round_, options["path"], language)
        except MappingUnavailable as exc:
            self.reject([str(exc)])
        output: Path | None = options["output"]
        if options["format"] == "pdf":
            if output is None:
                self.reject([_("En PDF skrives til en fil: brug -o FIL.pdf.")])
            output.write_bytes(unit_pdf(round_, options["path"], language, data))
            return
        if options["format"] == "html":
            text = unit_html(round_, options["path"], language, data)
        else:
            text = json.dumps(data, ensure_ascii=False, indent=2)
        if output is not None:
            output.write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
