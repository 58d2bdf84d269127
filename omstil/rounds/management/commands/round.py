"""`omstil round create|open|remind|close|status|list|tick`: rounds on the command line.
`omstil.privacy` adds `delete`."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from omstil.core.commands import OmstilCommand
from omstil.instruments.models import InstrumentVersion
from omstil.instruments.services import get_version
from omstil.organisations.models import Organisation
from omstil.responses.closing import close_round
from omstil.rounds import services
from omstil.rounds.models import Round
from omstil.rounds.participation import round_status
from omstil.rounds.reminders import proposed_reminder_dates

# The command line's spelling of each leadership level.
LEADER_LEVELS = {
    "all": Round.LeaderLevel.ALL,
    "top": Round.LeaderLevel.TOP,
    "leaders-of-leaders": Round.LeaderLevel.LEADERS_OF_LEADERS,
}


def _date(value: str) -> date:
    return date.fromisoformat(value)


def _is_mapping(key: str) -> bool:
    try:
        return services.is_mapping_instrument(get_version(key))
    except InstrumentVersion.DoesNotExist:
        return False


class Command(OmstilCommand):
    help = "Create, open, remind, close and follow evaluation rounds and competence mappings."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.actions = parser.add_subparsers(
            dest="action", required=True, metavar="ACTION"
        )
        create = actions.add_parser("create", help="Create a draft round.")
        create.add_argument("--org", required=True, metavar="SLUG")
        create.add_argument("--name", default="")
        create.add_argument("--instrument", action="append", required=True, metavar="KEY")
        create.add_argument(
            "--theme",
            action="append",
            default=[],
            metavar="KEY:THEME",
            help="Use only these themes of an instrument (default: all).",
        )
        create.add_argument("--opens", required=True, type=_date, metavar="YYYY-MM-DD")
        create.add_argument("--closes", required=True, type=_date, metavar="YYYY-MM-DD")
        create.add_argument("--min-group-size", type=int)
        create.add_argument("--raters", default="employee,self,superior")
        create.add_argument("--comment-field", action="store_true")
        create.add_argument(
            "--no-report-email",
            action="store_true",
            help="do not e-mail leaders and superiors when the round closes",
        )
        create.add_argument("--unit", action="append", default=[], metavar="PATH")
        create.add_argument("--reminder", action="append", default=[], type=_date)
        create.add_argument(
            "--default-reminders",
            action="store_true",
            help="plan reminders 7 and 12 days after opening (those before closing), as the "
            "set-up page proposes",
        )
        create.add_argument("--exclude-leaders-since", type=_date, metavar="YYYY-MM-DD")
        create.add_argument(
            "--leader-level",
            choices=sorted(LEADER_LEVELS),
            default="all",
            help="which leaders are evaluated: all (default), top (the top unit and the level "
            "below) or leaders-of-leaders (leaders with leaders reporting to them)",
        )
        self.add_json_flag(create)
        for name, text in [
            ("open", "Freeze the organisation, create invitations, queue e-mails."),
            ("remind", "Queue a reminder to everybody who has not completed."),
            ("close", "Close the round: no more answers; keys wiped."),
            ("status", "Invited and completed, as counts."),
        ]:
            sub = actions.add_parser(name, help=text)
            sub.add_argument("round_id", type=int, metavar="ID")
            self.add_json_flag(sub)
        listing = actions.add_parser("list", help="List rounds.")
        listing.add_argument("--org", metavar="SLUG")
        self.add_json_flag(listing)
        tick = actions.add_parser("tick", help="The same as `omstil tick` (daily work).")
        self.add_json_flag(tick)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(**options)

    def _fail(self, errors: list[str], as_json: bool) -> None:
        self.reject(errors, {"ok": False, "errors": errors} if as_json else None)

    def _round(self, round_id: int, as_json: bool) -> Round:
        round_ = Round.objects.select_related("organisation").filter(pk=round_id).first()
        if round_ is None:
            self._fail([_("Runde %(id)s findes ikke.") % {"id": round_id}], as_json)
        assert round_ is not None
        return round_

    def handle_create(self, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            self._fail(
                [_("Organisationen “%(slug)s” findes ikke.") % {"slug": options["org"]}],
                options["json"],
            )
        assert organisation is not None
        themes: dict[str, list[str]] = {}
        for value in options["theme"]:
            instrument, _sep, theme = value.partition(":")
            themes.setdefault(instrument, []).append(theme)
        default_name = (
            _("Kortlægning af digitale kompetencer %(year)s")
            if any(_is_mapping(key) for key in options["instrument"])
            else _("Ledelsesevaluering %(year)s")
        )
        setup = services.RoundSetup(
            themes=themes,
            name=options["name"] or default_name % {"year": options["opens"].year},
            instruments=options["instrument"],
            opens_on=options["opens"],
            closes_on=options["closes"],
            min_group_size=options["min_group_size"],
            rater_groups=[group.strip() for group in options["raters"].split(",") if group.strip()],
            comment_field=options["comment_field"],
            announce_reports=not options["no_report_email"],
            leader_units=options["unit"],
            reminder_dates=[
                *options["reminder"],
                *(
                    proposed_reminder_dates(options["opens"], options["closes"])
                    if options["default_reminders"]
                    else []
                ),
            ],
            exclude_leaders_since=options["exclude_leaders_since"],
            leader_level=LEADER_LEVELS[options["leader_level"]],
        )
        try:
            created = services.create_round(organisation, setup)
        except services.RoundInvalid as exc:
            self._fail(exc.errors, options["json"])
            return
        if options["json"]:
            self.emit_json({"round": created.round.pk, "warnings": created.warnings})
            return
        for warning in created.warnings:
            self.stderr.write(_("advarsel: %(line)s") % {"line": warning})
        self.stdout.write(_("Runde %(id)s er oprettet.") % {"id": created.round.pk})

    def _change(self, options: dict[str, Any], change: Callable[[Round], int | None]) -> int:
        """Carry out one change of a round's state; exit 1 with the reasons if it is refused."""
        round_ = self._round(options["round_id"], options["json"])
        try:
            return change(round_) or 0
        except services.RoundInvalid as exc:
            self._fail(exc.errors, options["json"])
            raise AssertionError("unreachable") from None

    def handle_open(self, **options: Any) -> None:
        count = self._change(options, services.open_round)
        if options["json"]:
            self.emit_json({"ok": True, "round": options["round_id"], "invitations": count})
        else:
            self.stdout.write(
                _("Runden er åbnet: %(count)s invitationer sendes af baggrundsarbejderen.")
                % {"count": count}
            )

    def handle_remind(self, **options: Any) -> None:
        count = self._change(options, services.request_reminder)
        if options["json"]:
            self.emit_json({"ok": True, "round": options["round_id"], "reminders": count})
        else:
            self.stdout.write(_("%(count)s påmindelser sendes.") % {"count": count})

    def handle_close(self, **options: Any) -> None:
        self._change(options, close_round)
        if options["json"]:
            self.emit_json({"ok": True, "round": options["round_id"]})
        else:
            self.stdout.write(_("Runden er lukket."))

    def handle_status(self, **options: Any) -> None:
        round_ = self._round(options["round_id"], options["json"])
        status = round_status(round_)
        if options["json"]:
            self.emit_json(status)
            return
        self.stdout.write(
            _("%(completed)s af %(invited)s har svaret.")
            % {"completed": status["completed"], "invited": status["invited"]}
        )

    def handle_list(self, **options: Any) -> None:
        rounds = Round.objects.select_related("organisation").order_by("pk")
        if options["org"]:
            rounds = rounds.filter(organisation__slug=options["org"])
        rows = [
            {
                "round": round_.pk,
                "org": round_.organisation.slug,
                "name": round_.name,
                "kind": round_.kind,
                "status": round_.status,
                "opens": round_.opens_on.isoformat(),
                "closes": round_.closes_on.isoformat(),
            }
            for round_ in rounds
        ]
        if options["json"]:
            self.emit_json(rows)
            return
        for row in rows:
            self.stdout.write(
                f"{row['round']:>5}  {row['org']:<20} {row['status']:<7} "
                f"{row['opens']}–{row['closes']}  {row['name']}"
            )

    def handle_tick(self, **options: Any) -> None:
        # The daily work spans every app; `omstil tick` does it, and this name stays as its alias.
        call_command("tick", json=options["json"], stdout=self.stdout, stderr=self.stderr)
