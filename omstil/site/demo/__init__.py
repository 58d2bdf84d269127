"""The demo installation: a fictive kommune, its HR and leader logins, rounds with answers.

Every part answers and changes through the real services, so the demo shows what a real
organisation would see. `omstil demo` calls `set_up_demo`; the tests and benchmarks import the
generators in the modules beside this one.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from omstil.accounts.services import set_up_user
from omstil.organisations.models import Organisation
from omstil.organisations.services import add_admin, import_people
from omstil.responses.closing import close_round
from omstil.rounds import tokens
from omstil.rounds.models import Invitation, Round
from omstil.rounds.services import RoundSetup, create_round, open_round
from omstil.site.demo.answers import simulate_answers
from omstil.site.demo.mappings import demo_mappings
from omstil.site.demo.organisation import generate, to_csv
from omstil.site.demo.plans import demo_plans
from omstil.site.demo.programmes import add_demo_programme
from omstil.site.demo.selfassessment import demo_self_assessments

DEMO_ORGANISATION = ("demo-kommune", "Demo Kommune")
DEMO_SYSTEM_ADMIN = "admin@omstil.example"
DEMO_HR = "hr@demo-kommune.example"
DEMO_EMPLOYEES = 1_500


@dataclass(frozen=True)
class Demo:
    """How to log in to the demo, and a respondent link to try."""

    hr: str
    leader: str
    system_admin: str
    respondent_link: str


def set_up_demo(password: str) -> Demo:
    """The demo organisation with its people, logins, rounds, mappings, plans and programme.

    Run again on the same database, it keeps what is there and adds only what is missing.
    """
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
        hr = set_up_user(DEMO_HR, password, name="Hanne Rasmussen (HR)")
        add_admin(organisation, hr, actor=None)
    link = _rounds(organisation)
    demo_mappings(organisation, timezone.localdate())
    leader_login = demo_plans(organisation, password) or "–"
    demo_self_assessments(leader_login)
    return Demo(
        hr=DEMO_HR, leader=leader_login, system_admin=DEMO_SYSTEM_ADMIN, respondent_link=link
    )


def _rounds(organisation: Organisation) -> str:
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
                actor=None,
            ).round
            open_round(earlier, actor=None)
            earlier.refresh_from_db()
            # Between the two rounds, a competence programme whose participants improve more.
            extra = add_demo_programme(organisation, earlier)
            simulate_answers(earlier, response_rate=0.8, seed=year, shift=shift, leader_shift=extra)
            close_round(earlier, actor=None)
        this_year = create_round(
            organisation,
            RoundSetup(
                name=f"Ledelsesevaluering {today.year}",
                instruments=["digital-omstilling"],
                opens_on=today,
                closes_on=today + timedelta(days=21),
                comment_field=True,
            ),
            actor=None,
        ).round
        open_round(this_year, actor=None)
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
