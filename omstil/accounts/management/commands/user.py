"""`omstil user reset-2fa EMAIL`: a system administrator's way to reset someone's two-factor."""

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from omstil.accounts import twofactor
from omstil.accounts.models import User
from omstil.core.commands import OmstilCommand


class Command(OmstilCommand):
    help = "Manage user accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        reset = actions.add_parser(
            "reset-2fa",
            help="Remove the user's authenticator app and recovery codes (audited); they set "
            "two-factor up again at their next login.",
        )
        reset.add_argument("email", metavar="EMAIL")
        self.add_json_flag(reset)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action'].replace('-', '_')}")(**options)

    def handle_reset_2fa(self, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            message = _("Der er ingen bruger med e-mailadressen “%(email)s”.") % {
                "email": options["email"]
            }
            self.reject([message], {"ok": False, "error": message} if options["json"] else None)
        had_any = twofactor.reset(user, actor=None)
        if options["json"]:
            self.emit_json({"ok": True, "email": user.email, "had_two_factor": had_any})
        elif had_any:
            self.stdout.write(
                _(
                    "Totrinsbekræftelsen for %(email)s er nulstillet. Brugeren sætter den op "
                    "igen ved sit næste login."
                )
                % {"email": user.email}
            )
        else:
            self.stdout.write(
                _("%(email)s havde ikke sat totrinsbekræftelse op; intet er ændret.")
                % {"email": user.email}
            )
