"""`omstil audit list --org SLUG`: the organisation's audit log (revisionsspor), newest first, as
text or JSON, narrowed as on the page by --search, --event, --since and --until."""

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from omstil.core.commands import OmstilCommand
from omstil.core.models import AuditEntry
from omstil.organisations.models import Organisation
from omstil.privacy import audit_log
from omstil.privacy.audit_forms import AuditSearchForm


class Command(OmstilCommand):
    help = "Read an organisation's audit log (revisionsspor)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = actions.add_parser("list", help="The organisation's entries, newest first.")
        listing.add_argument("--org", required=True, metavar="SLUG")
        listing.add_argument("--search", default="", metavar="TEXT", help="Free text.")
        listing.add_argument(
            "--event",
            default="",
            metavar="EVENT",
            help=f"One event, e.g. report.leader, or {audit_log.REPORT_VIEWS} for every "
            "look at a report.",
        )
        listing.add_argument("--since", default="", metavar="YYYY-MM-DD", help="From this day.")
        listing.add_argument("--until", default="", metavar="YYYY-MM-DD", help="To this day.")
        self.add_json_flag(listing)

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["org"]
        # A deleted organisation's log keeps the entry of its deletion.
        known = (
            Organisation.objects.filter(slug=slug).exists()
            or AuditEntry.objects.filter(organisation=slug).exists()
        )
        if not known:
            self.reject([_("Organisationen “%(slug)s” findes ikke.") % {"slug": slug}])
        form = AuditSearchForm(
            {
                "soeg": options["search"],
                "haendelse": options["event"],
                "fra": options["since"],
                "til": options["until"],
            },
            organisation=slug,
        )
        if not form.is_valid():
            flags = {"soeg": "--search", "haendelse": "--event", "fra": "--since", "til": "--until"}
            self.reject(
                f"{flags.get(name, name)}: {message}"
                for name, messages in form.errors.items()
                for message in messages
            )
        found = audit_log.with_names(slug, audit_log.entries(slug, form.criteria()).iterator())
        if options["json"]:
            self.emit_json([audit_log.as_json(entry, names) for entry, names in found])
            return
        written = 0
        for entry, names in found:
            line = f"{audit_log.at_text(entry)}  {audit_log.actor_label(entry)}  "
            line += audit_log.describe(entry)
            text = audit_log.details_text(entry, names)
            self.stdout.write(f"{line}  ({text})" if text else line)
            written += 1
        if not written:
            self.stdout.write(_("Ingen poster."))
