"""`omstil report leader|unit [--viewer EMAIL]`: a report of a closed round as JSON, HTML, PDF or
an Excel workbook, in full (the operator's) or exactly as one person sees it."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from omstil.accounts.models import User
from omstil.core.commands import OmstilCommand
from omstil.reports.access import can_see_leader_report, unit_access
from omstil.reports.exports import to_xlsx
from omstil.reports.rendering import leader_html, leader_pdf, unit_html, unit_pdf
from omstil.reports.services import ReportUnavailable, leader_report, unit_report
from omstil.rounds.models import Round


class Command(OmstilCommand):
    help = "Write a leader's or a unit's report of a round."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        leader = kinds.add_parser("leader", help="One leader's report.")
        leader.add_argument("round_id", type=int, metavar="ROUND")
        leader.add_argument("subject", metavar="EMPLOYEE_ID")
        unit = kinds.add_parser("unit", help="A unit and every unit below it.")
        unit.add_argument("round_id", type=int, metavar="ROUND")
        unit.add_argument("subject", metavar="UNIT_PATH")
        for sub in (leader, unit):
            sub.add_argument("--format", choices=["json", "html", "xlsx", "pdf"], default="json")
            sub.add_argument("-o", "--output", type=Path, metavar="FILE")
            sub.add_argument("--language", choices=["da", "en"], default="da")
            sub.add_argument(
                "--viewer",
                metavar="EMAIL",
                help="The report as this person sees it in the browser (exit 1 if they may not).",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(pk=options["round_id"]).first()
        if round_ is None:
            self.reject([_("Runde %(id)s findes ikke.") % {"id": options["round_id"]}])
        assert round_ is not None
        if round_.is_mapping:
            self.reject(
                [
                    _(
                        "Runde %(id)s er en kortlægning af medarbejdernes kompetencer og har "
                        "ingen leder- eller enhedsrapporter. Brug “omstil mapping unit %(id)s "
                        "ENHED”."
                    )
                    % {"id": round_.pk}
                ]
            )
        if round_.status != Round.Status.CLOSED:
            self.reject([_("Rapporter laves først, når runden er lukket.")])
        if options["format"] in ("pdf", "xlsx") and not options["output"]:
            self.reject([_("En PDF eller et Excel-ark skrives til en fil: brug -o FIL.")])
        options["viewer"] = self._viewer(round_, options)
        # The report is in the language asked for (Danish by default), headings included; the
        # command's own messages above are in its language (OMSTIL_LANGUAGE).
        with translation.override(options["language"]):
            self._write(round_, **options)

    def _viewer(self, round_: Round, options: dict[str, Any]) -> User | None:
        """The account `--viewer` names, if it may see the report at all; None without it."""
        if not options["viewer"]:
            return None
        address = options["viewer"].strip()
        viewer = User.objects.filter(email__iexact=address, is_active=True).first()
        if viewer is None:
            allowed = False
        elif options["kind"] == "unit":
            allowed = unit_access(viewer, round_, options["subject"]) is not None
        else:
            leader = round_.leaders.filter(employee_id=options["subject"]).first()
            allowed = leader is not None and can_see_leader_report(viewer, leader)
        if not allowed:
            self.reject(
                [
                    _("%(email)s må ikke se denne rapport.") % {"email": options["viewer"]}
                    if viewer is not None
                    else _("Der er ingen aktiv konto med adressen “%(email)s”.")
                    % {"email": options["viewer"]}
                ]
            )
        return viewer

    def _write(self, round_: Round, **options: Any) -> None:
        viewer = options["viewer"]
        build = leader_report if options["kind"] == "leader" else unit_report
        try:
            report = build(round_, options["subject"], options["language"], viewer=viewer)
        except ReportUnavailable as exc:
            self.reject([str(exc)])
        if options["kind"] == "unit":
            unit_kwargs: dict[str, Any] = {"report": report}
        else:
            unit_kwargs = {"viewer": viewer}
        if options["format"] == "html":
            render = leader_html if options["kind"] == "leader" else unit_html
            html = render(round_, options["subject"], options["language"], **unit_kwargs)
            if options["output"]:
                options["output"].write_text(html, encoding="utf-8")
            else:
                self.stdout.write(html)
            return
        if options["format"] == "pdf":
            render_pdf = leader_pdf if options["kind"] == "leader" else unit_pdf
            options["output"].write_bytes(
                render_pdf(round_, options["subject"], options["language"], **unit_kwargs)
            )
            return
        if options["format"] == "xlsx":
            options["output"].write_bytes(to_xlsx(report, _("Rapport")))
            return
        text = json.dumps(report, ensure_ascii=False, indent=2)
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
