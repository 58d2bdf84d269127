"""What is new for the person signed in: the front page's first list, made from what they own.

Each item says what to do and links to where it is done: a report that is ready, a dialogue
meeting and plan still to make, a plan action whose deadline is near or past, a self-assessment
left half-way, and, for HR readers, the unit reports of closed rounds. Access is the owning
app's own: a report is listed only if `reports.access` lets the user see it.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from omstil.accounts.models import User
from omstil.development.models import Action
from omstil.organisations.access import read_organisations
from omstil.organisations.models import Unit
from omstil.reports.access import visible_leaders
from omstil.rounds.models import EvaluatedLeader, Round
from omstil.selfassessment.models import SelfAssessment

SOON = timedelta(days=14)
ROUNDS_SHOWN = 5


@dataclass(frozen=True)
class News:
    text: str
    url: str
    link: str


def _reports(user: User) -> list[News]:
    news: list[News] = []
    leaders = (
        EvaluatedLeader.objects.filter(
            person__user=user,
            person__active=True,
            round__status=Round.Status.CLOSED,
            round__kind=Round.Kind.EVALUATION,
        )
        .select_related("round", "plan")
        .order_by("-round__closes_on")[:ROUNDS_SHOWN]
    )
    for leader in leaders:
        round_ = leader.round
        if leader.employee_id not in visible_leaders(user, round_):
            continue
        args = [round_.pk, leader.employee_id]
        if not hasattr(leader, "plan"):
            news.append(
                News(
                    _("Din rapport fra “%(round)s” er klar.") % {"round": round_.name},
                    reverse("reports:leader", args=args),
                    _("Læs rapporten"),
                )
            )
            news.append(
                News(
                    _("Hold dialogmødet med dine medarbejdere, og skriv din udviklingsplan."),
                    reverse("development:dialogue", args=args),
                    _("Forbered dialogmødet"),
                )
            )
    return news


def _deadlines(user: User) -> list[News]:
    today = timezone.localdate()
    actions = (
        Action.objects.filter(
            plan__leader__person__user=user,
            plan__leader__person__active=True,
            deadline__lte=today + SOON,
        )
        .exclude(progress=Action.Progress.DONE)
        .select_related("plan__leader")
        .order_by("deadline")[:10]
    )
    news = []
    for action in actions:
        leader = action.plan.leader
        when = date_format(action.deadline)
        text = (
            _("Fristen for “%(action)s” var %(date)s.")
            if action.deadline < today
            else _("Fristen for “%(action)s” er %(date)s.")
        ) % {"action": action.text[:80], "date": when}
        news.append(
            News(
                text,
                reverse("development:plan", args=[leader.round_id, leader.employee_id]),
                _("Gå til udviklingsplanen"),
            )
        )
    return news


def _self_assessments(user: User) -> list[News]:
    drafts = SelfAssessment.objects.filter(
        owner=user, status=SelfAssessment.Status.DRAFT
    ).select_related("version")
    return [
        News(
            _("Du er i gang med selvvurderingen “%(name)s”.")
            % {"name": draft.version.localized_title()},
            reverse("selfassessment:overview"),
            _("Fortsæt selvvurderingen"),
        )
        for draft in drafts
    ]


def _unit_reports(user: User) -> list[News]:
    rounds = (
        Round.objects.filter(
            organisation__in=read_organisations(user),
            status=Round.Status.CLOSED,
            kind=Round.Kind.EVALUATION,
        )
        .select_related("organisation")
        .order_by("-closes_on")[:ROUNDS_SHOWN]
    )
    news = []
    for round_ in rounds:
        top = (
            Unit.objects.filter(organisation=round_.organisation, parent__isnull=True)
            .order_by("path")
            .first()
        )
        if top is None:
            continue
        news.append(
            News(
                _("Enhedsrapporterne fra “%(round)s” i %(organisation)s er klar.")
                % {"round": round_.name, "organisation": round_.organisation.name},
                reverse("reports:unit", args=[round_.pk]) + "?" + urlencode({"enhed": top.path}),
                _("Læs enhedsrapporterne"),
            )
        )
    return news


def whats_new(user: User) -> list[News]:
    """Everything waiting for `user`, most pressing first."""
    return [*_deadlines(user), *_reports(user), *_self_assessments(user), *_unit_reports(user)]
