"""`omstil demo`: a database ready to show — instruments, a demo organisation and its logins."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string

from omstil.instruments.services import sync_library
from omstil.site.demo import set_up_demo


class Command(BaseCommand):
    help = "Migrate, load the instruments, import the demo organisation and create the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            help="Password for the demo logins (default: a new random one each time).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        sync_library()
        password = options["password"] or get_random_string(
            16, "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        )
        demo = set_up_demo(password)
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Omstil-demoen er klar / The Omstil demo is ready",
                    "  Åbn / open:   http://127.0.0.1:8000/",
                    f"  HR:           {demo.hr}",
                    f"  Leder/leader: {demo.leader}",
                    f"  System admin: {demo.system_admin}",
                    f"  Adgangskode / password: {password}",
                    "  Svar som medarbejder i den åbne runde / answer as an employee:",
                    f"                {demo.respondent_link}",
                    "",
                ]
            )
        )
