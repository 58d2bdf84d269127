"""`omstil org import|show|list|role|sso`: organisations, their people, HR's role and the
organisation's own login. `omstil.privacy` adds `retention`, `record` and `delete`."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from omstil.core.commands import OmstilCommand
from omstil.organisations.models import Organisation
from omstil.organisations.services import (
    ROLES,
    ImportRejected,
    RoleRefused,
    import_people,
    organisation_json,
    set_role,
)
from omstil.organisations.sso import (
    CLAIMS,
    ConfigurationRefused,
    redirect_uri,
    set_single_sign_on,
)


class Command(OmstilCommand):
    help = "Import organisations from HR files and show them."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.actions = parser.add_subparsers(
            dest="action", required=True, metavar="ACTION"
        )
        importing = actions.add_parser(
            "import", help="Import or sync people from a CSV or XLSX file (all or nothing)."
        )
        importing.add_argument("file", type=Path, metavar="FILE")
        importing.add_argument("--org", required=True, metavar="SLUG")
        importing.add_argument("--name", default="", help="Organisation name (when new).")
        importing.add_argument("--dry-run", action="store_true", help="Check; write nothing.")
        self.add_json_flag(importing)
        show = actions.add_parser("show", help="Show units and people.")
        show.add_argument("--org", required=True, metavar="SLUG")
        self.add_json_flag(show)
        listing = actions.add_parser("list", help="List organisations.")
        self.add_json_flag(listing)
        role = actions.add_parser(
            "role",
            help="Make the holder of EMAIL the organisation's administrator (HR), or take it away.",
        )
        role.add_argument("--org", required=True, metavar="SLUG")
        role.add_argument("email", metavar="EMAIL")
        role.add_argument("role", choices=ROLES, metavar="admin|none")
        self.add_json_flag(role)

        sso = actions.add_parser(
            "sso",
            help="Turn on the organisation's own login (OpenID Connect), or change it.",
        )
        sso.add_argument("--org", required=True, metavar="SLUG")
        sso.add_argument("--issuer", required=True, metavar="URL", help="The provider's issuer.")
        sso.add_argument("--client-id", required=True, metavar="ID")
        sso.add_argument("--client-secret", required=True, metavar="SECRET")
        sso.add_argument(
            "--claim",
            choices=CLAIMS,
            default="email",
            metavar="|".join(CLAIMS),
            help="What names the person in the HR file (default: email).",
        )
        self.add_json_flag(sso)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(**options)

    def handle_role(self, **options: Any) -> None:
        organisation = self._organisation(options["org"], options["json"])
        try:
            user = set_role(organisation, options["email"], options["role"], actor=None)
        except RoleRefused as exc:
            self.reject(
                [exc.message], {"ok": False, "error": exc.message} if options["json"] else None
            )
        if options["json"]:
            self.emit_json(
                {"ok": True, "org": organisation.slug, "email": user.email, "role": options["role"]}
            )
        elif options["role"] == "admin":
            self.stdout.write(
                _("%(email)s er nu administrator for %(name)s.")
                % {"email": user.email, "name": organisation.name}
            )
        else:
            self.stdout.write(
                _("%(email)s er ikke længere administrator for %(name)s.")
                % {"email": user.email, "name": organisation.name}
            )

    def handle_sso(self, **options: Any) -> None:
        organisation = self._organisation(options["org"], options["json"])
        try:
            set_single_sign_on(
                organisation,
                issuer=options["issuer"],
                client_id=options["client_id"],
                client_secret=options["client_secret"],
                claim=options["claim"],
                actor=None,
            )
        except ConfigurationRefused as exc:
            self.reject(
                [exc.message], {"ok": False, "error": exc.message} if options["json"] else None
            )
        if options["json"]:
            self.emit_json({"redirect_uri": redirect_uri()})
            return
        self.stdout.write(
            _("Organisationens eget login er slået til for %(name)s.") % {"name": organisation.name}
        )
        self.stdout.write(
            _("Registrér denne redirect URI hos udbyderen: %(uri)s") % {"uri": redirect_uri()}
        )

    def _organisation(self, slug: str, as_json: bool) -> Organisation:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            message = _("Organisationen “%(slug)s” findes ikke.") % {"slug": slug}
            self.reject([message], {"ok": False, "error": message} if as_json else None)
        return organisation

    def handle_import(self, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            message = _("Filen %(file)s kan ikke læses: %(reason)s") % {
                "file": path,
                "reason": exc.strerror,
            }
            self.reject(
                [message],
                {"ok": False, "errors": [{"row": None, "column": None, "message": message}]}
                if options["json"]
                else None,
            )
        try:
            plan = import_people(
                options["org"],
                data,
                name=options["name"],
                dry_run=options["dry_run"],
                file_name=path.name,
            )
        except ImportRejected as exc:
            self.reject(
                [
                    self._line(path, problem.row, problem.column, problem.message)
                    for problem in exc.problems
                ],
                {"ok": False, "errors": [problem.as_json() for problem in exc.problems]}
                if options["json"]
                else None,
            )
        counts = plan.counts()
        if options["json"]:
            self.emit_json(
                {
                    "ok": True,
                    "dry_run": options["dry_run"],
                    **counts,
                    "warnings": [problem.as_json() for problem in plan.warnings],
                }
            )
            return
        for problem in plan.warnings:
            self.stderr.write(
                _("advarsel: %(line)s")
                % {"line": self._line(path, problem.row, problem.column, problem.message)}
            )
        summary = (
            _(
                "%(created)s nye, %(updated)s ændrede, %(moved)s flyttede, %(deactivated)s "
                "deaktiverede, %(reactivated)s genaktiverede, %(unchanged)s uændrede."
            )
            % counts
        )
        prefix = _("Prøvekørsel – intet er gemt: ") if options["dry_run"] else ""
        self.stdout.write(prefix + summary)

    @staticmethod
    def _line(path: Path, row: int | None, column: str | None, message: str) -> str:
        where = [str(path)]
        if row is not None:
            where.append(_("række %(row)s") % {"row": row})
        if column:
            where.append(_("kolonne %(column)s") % {"column": column})
        return f"{', '.join(where)}: {message}"

    def handle_show(self, **options: Any) -> None:
        organisation = self._organisation(options["org"], options["json"])
        data = organisation_json(organisation)
        if options["json"]:
            self.emit_json(data)
            return
        self.stdout.write(f"{organisation.name} ({organisation.slug})")
        for unit in data["units"]:
            depth = unit["path"].count(" / ")
            name = unit["path"].split(" / ")[-1]
            leader = unit["leader"] or "–"
            self.stdout.write(f"{'  ' * depth}{name}  [{_('leder')}: {leader}, {unit['people']}]")

    def handle_list(self, **options: Any) -> None:
        rows = [
            {"slug": organisation.slug, "name": organisation.name}
            for organisation in Organisation.objects.order_by("slug")
        ]
        if options["json"]:
            self.emit_json(rows)
            return
        for row in rows:
            self.stdout.write(f"{row['slug']:<30} {row['name']}")
