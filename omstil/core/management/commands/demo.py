"""`omstil demo`: a database ready to show — instruments, a demo organisation and its admins."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from omstil.accounts.services import set_up_user
from omstil.instruments.services import sync_library
from omstil.organisations.fictive import generate, to_csv
from omstil.organisations.models import Organisation
from omstil.organisations.services import import_people
from omstil.responses.simulate import simulate_answers
from omstil.rounds import tokens
from omstil.rounds.models import Invitation, Round
from omstil.rounds.services import RoundSetup, close_round, create_round, open_round
from omstil.selfassessment.demo import demo_self_assessments

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
        try_link = self._rounds(organisation)
        from omstil.mapping.demo import demo_mappings

        demo_mappings(organisation, timezone.localdate())
        from omstil.development.demo import demo_plans

        leader_login = demo_plans(organisation, password) or "–"
        demo_self_assessments(leader_login)
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Omstil-demoen er klar / The Omstil demo is ready",
                    "  Åbn / open:   http://127.0.0.1:8000/",
                    f"  HR:           {DEMO_HR}",
                    f"  Leder/leader: {leader_login}",
                    f"  System admin: {DEMO_SYSTEM_ADMIN}",
                    f"  Adgangskode / password: {password}",
                    "  Svar som medarbejder i den åbne runde / answer as an employee:",
                    f"                {try_link}",
                    "",
                ]
            )
        )

    def _rounds(self, organisation: Organisation) -> str:
        """A closed round with simulated answers and an open one; a respondent link to try."""
        today = timezone.localdate()
        if not organisation.rounds.exists():
            # Two closed rounds a year apart, so reports show change over time.
            for years_ago, shift in ((2, 0.0), (1, 0.2)):
                year = today.year - years_ago
                earlier = create_round(
                    organisation,
                    RoundSetup(
                        name=f"Ledelsesevaluering {year}",
                        instruments=["digital-omstilling"],
                        opens_on=date(year, 3, 1),
                        closes_on=date(year, 3, 21),
                        comment_field=True,
                    ),
                ).round
                open_round(earlier)
                earlier.refresh_from_db()
                from omstil.programmes.demo import add_demo_programme

                # Between the two rounds, a competence programme whose participants improve more.
                extra = add_demo_programme(organisation, earlier)
                simulate_answers(
                    earlier, response_rate=0.8, seed=year, shift=shift, leader_shift=extra
                )
                close_round(earlier)
            this_year = create_round(
                organisation,
                RoundSetup(
                    name=f"Ledelsesevaluering {today.year}",
                    instruments=["digital-omstilling"],
                    opens_on=today,
                    closes_on=today + timedelta(days=21),
                    comment_field=True,
                ),
            ).round
            open_round(this_year)
        open_now = organisation.rounds.filter(status=Round.Status.OPEN).first()
        if open_now is None:
            return "–"
        invitation = (
            Invitation.objects.filter(round=open_now, rater_group="employee", completed=False)
            .select_related("leader")
            .order_by("pk")
            .first()
        )
        if invitation is None:
            return "–"
        token = tokens.token_for(
            open_now.token_salt,
            invitation.person_id,
            invitation.leader.employee_id,
            invitation.rater_group,
        )
        return f"{settings.BASE_URL}/svar/{token}/"
