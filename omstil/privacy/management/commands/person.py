"""`omstil person delete|insight`: one person's data, deleted or shown to them (art. 15, 17)."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from omstil.core.commands import OmstilCommand
from omstil.organisations.models import Organisation, Person
from omstil.privacy.commands import add_deletion_flags, run_deletion
from omstil.privacy.deletion import delete_person, plan_person_deletion
from omstil.privacy.insight import insight_json, insight_pdf, record_insight


class Command(OmstilCommand):
    help = "Delete one person's data, or produce everything Omstil holds about them."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        delete = actions.add_parser("delete", help="Delete the person and what is tied to them.")
        delete.add_argument("--org", required=True, metavar="SLUG")
        delete.add_argument("employee_id", metavar="EMPLOYEE_ID")
        add_deletion_flags(delete, "EMPLOYEE_ID")
        insight = actions.add_parser(
            "insight", help="Everything Omstil holds about the person (GDPR art. 15)."
        )
        insight.add_argument("--org", required=True, metavar="SLUG")
        insight.add_argument("employee_id", metavar="EMPLOYEE_ID")
        insight.add_argument("--format", choices=["json", "pdf"], default="json")
        insight.add_argument("--language", choices=["da", "en"], default="da")
        insight.add_argument("-o", "--output", type=Path, metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(**options)

    def _person(self, options: dict[str, Any]) -> Person:
        """The person, else exit 1: an unknown organisation, or no such person in it."""
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        person = (
            Person.objects.select_related("organisation", "user")
            .filter(organisation=organisation, employee_id=options["employee_id"])
            .first()
            if organisation is not None
            else None
        )
        if person is None:
            message = (
                _("Organisationen “%(slug)s” findes ikke.") % {"slug": options["org"]}
                if organisation is None
                else _("Der er ingen person med medarbejdernummer “%(id)s” i “%(slug)s”.")
                % {"id": options["employee_id"], "slug": options["org"]}
            )
            self.reject([message], {"ok": False, "error": message} if options.get("json") else None)
        assert person is not None
        return person

    def handle_insight(self, **options: Any) -> None:
        person = self._person(options)
        if options["format"] == "pdf" and not options["output"]:
            self.reject([_("En PDF skrives til en fil: brug -o FIL.")])
        with translation.override(options["language"]):
            content = (
                insight_pdf(person, options["language"])
                if options["format"] == "pdf"
                else insight_json(person)
            )
        record_insight(person, options["format"], actor=None)
        if options["output"]:
            options["output"].write_bytes(content)
        else:
            self.stdout.write(content.decode("utf-8"))

    def handle_delete(self, **options: Any) -> None:
        person = self._person(options)
        run_deletion(
            self,
            options,
            expected=person.employee_id,
            plan=lambda: plan_person_deletion(person),
            delete=lambda: delete_person(person, actor=None),
            done=_("Personen med medarbejdernummer “%(id)s” er slettet.")
            % {"id": person.employee_id},
        )
