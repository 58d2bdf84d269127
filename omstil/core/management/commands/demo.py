"""`omstil demo`: a database ready to show — instruments, a demo organisation and its admins."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.crypto import get_random_string

from omstil.accounts.services import set_up_user
from omstil.instruments.services import sync_library
from omstil.organisations.fictive import generate, to_csv
from omstil.organisations.models import Organisation
from omstil.organisations.services import import_people

DEMO_ORGANISATION = ("demo-kommune", "Demo Kommune")
DEMO_SYSTEM_ADMIN = "admin@omstil.example"
DEMO_HR = "hr@demo-kommune.example"
DEMO_EMPLOYEES = 1_500


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
        with transaction.atomic():
            people = generate(
                DEMO_EMPLOYEES, name=DEMO_ORGANISATION[1], domain=f"{DEMO_ORGANISATION[0]}.example"
            )
            import_people(
                DEMO_ORGANISATION[0],
                to_csv(people),
                name=DEMO_ORGANISATION[1],
                file_name="demo-kommune.csv",
            )
            organisation = Organisation.objects.get(slug=DEMO_ORGANISATION[0])
            set_up_user(DEMO_SYSTEM_ADMIN, password, name="Systemadministrator", system_admin=True)
            set_up_user(DEMO_HR, password, name="Hanne Rasmussen (HR)", admin_of=organisation)
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Omstil-demoen er klar / The Omstil demo is ready",
                    "  Åbn / open:   http://127.0.0.1:8000/",
                    f"  HR:           {DEMO_HR}",
                    f"  System admin: {DEMO_SYSTEM_ADMIN}",
                    f"  Adgangskode / password: {password}",
                    "",
                ]
            )
        )
