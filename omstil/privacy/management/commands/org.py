"""`omstil org …` with the privacy app's actions: `retention`, `record` and `delete`.

The organisations app's `org` command, extended: this app comes before it in INSTALLED_APPS,
so Django runs this command for `omstil org` (docs/architecture.md).
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from omstil.organisations.management.commands import org
from omstil.privacy.commands import add_deletion_flags, run_deletion
from omstil.privacy.deletion import delete_organisation, plan_organisation_deletion
from omstil.privacy.models import DEFAULTS
from omstil.privacy.record import record_html, record_pdf
from omstil.privacy.retention import rules_for, rules_text, set_rules

OPTIONS = {
    "leavers_months": "--leavers-months",
    "invitation_days": "--invitation-days",
    "answers_years": "--answers-years",
    "audit_years": "--audit-years",
}


class Command(org.Command):
    help = "Import organisations from HR files, show them, set their retention rules, delete them."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        retention = self.actions.add_parser(
            "retention", help="Set the organisation's retention rules and print those in force."
        )
        retention.add_argument("--org", required=True, metavar="SLUG")
        for name, flag in OPTIONS.items():
            retention.add_argument(flag, dest=name, type=int, metavar="N")
        self.add_json_flag(retention)
        record = self.actions.add_parser(
            "record",
            help="The record of processing (art. 30), or the draft data processing annex.",
        )
        record.add_argument("--org", required=True, metavar="SLUG")
        record.add_argument("--format", choices=["html", "pdf"], default="html")
        record.add_argument(
            "--document", choices=["record", "annex"], default="record", help="default: record"
        )
        record.add_argument("--language", choices=["da", "en"], default="da")
        record.add_argument("-o", "--output", type=Path, metavar="FILE")
        delete = self.actions.add_parser(
            "delete", help="Delete an organisation with everything under it."
        )
        delete.add_argument("--org", required=True, metavar="SLUG")
        add_deletion_flags(delete, "SLUG")

    def handle_retention(self, **options: Any) -> None:
        organisation = self._organisation(options["org"], options["json"])
        changes = {name: options[name] for name in DEFAULTS if options.get(name) is not None}
        errors = [
            _("%(option)s skal være 0 eller et positivt helt tal.") % {"option": OPTIONS[name]}
            for name, value in changes.items()
            if value < 0
        ]
        if errors:
            self.reject(errors, {"ok": False, "errors": errors} if options["json"] else None)
        try:
            policy = set_rules(organisation, changes, actor=None) if changes else None
        except ValidationError as exc:  # a value above its maximum
            messages = [
                f"{OPTIONS[name]}: {message}"
                for name, errors in exc.message_dict.items()
                for message in errors
            ]
            self.reject(messages, {"ok": False, "errors": messages} if options["json"] else None)
        policy = policy or rules_for(organisation)
        if options["json"]:
            self.emit_json(policy.as_dict())
            return
        for line in rules_text(policy):
            self.stdout.write(line)

    def handle_record(self, **options: Any) -> None:
        organisation = self._organisation(options["org"], as_json=False)
        if options["format"] == "pdf" and not options["output"]:
            self.reject([_("En PDF skrives til en fil: brug -o FIL.")])
        with translation.override(options["language"]):
            if options["format"] == "pdf":
                options["output"].write_bytes(
                    record_pdf(organisation, options["document"], options["language"])
                )
                return
            html = record_html(
                organisation, options["document"], options["language"], printable=True
            )
        if options["output"]:
            options["output"].write_text(html, encoding="utf-8")
        else:
            self.stdout.write(html)

    def handle_delete(self, **options: Any) -> None:
        organisation = self._organisation(options["org"], options["json"])
        run_deletion(
            self,
            options,
            expected=organisation.slug,
            plan=lambda: plan_organisation_deletion(organisation),
            delete=lambda: delete_organisation(organisation, actor=None),
            done=_("Organisationen “%(slug)s” er slettet.") % {"slug": organisation.slug},
        )
