"""Development plans: focus, actions, progress, comments, reminders, and HR's counts."""

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from omstil.accounts.models import User
from omstil.core.audit import audit
from omstil.core.tasks import send_email
from omstil.development.access import plan_role
from omstil.development.models import (
    MAX_FOCUS,
    Action,
    DevelopmentPlan,
    Focus,
    FollowUp,
    PlanComment,
)
from omstil.organisations.models import Person
from omstil.reports.services import previous_round
from omstil.responses.questionnaire import build_pages
from omstil.rounds.chain import leaders_below, people_of
from omstil.rounds.models import EvaluatedLeader, Round

# A reminder goes out this many days before an action's deadline (once per action).
REMIND_DAYS_BEFORE = 7


class PlanInvalid(Exception):
    """The change was refused; `errors` say why, in the active language."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def statements(round_: Round, language: str) -> list[tuple[str, str, str]]:
    """The round's statements as (key, theme, the leader's own wording), in questionnaire order:
    a plan is the leader's, so its focus reads "Jeg sikrer …", not "Min leder sikrer …" (the
    keys are the same in every rater group's wording)."""
    return [
        (statement.key, page.title, statement.text)
        for page in build_pages(round_, "self", language)
        for statement in page.statements
    ]


def plan_for(leader: EvaluatedLeader) -> DevelopmentPlan | None:
    return DevelopmentPlan.objects.filter(leader=leader).first()


def _audit(event: str, leader: EvaluatedLeader, actor: User | None, **fields: object) -> None:
    audit(
        event,
        actor=actor,
        organisation=leader.round.organisation.slug,
        round=leader.round_id,
        leader=leader.employee_id,
        **fields,
    )


@transaction.atomic
def set_focus(
    leader: EvaluatedLeader,
    item_keys: list[str],
    competences: list[str],
    language: str = "da",
    *,
    actor: User | None,
) -> DevelopmentPlan:
    """Replace the plan's focus with 1–3 statements of the round and competences in words."""
    known = {key for key, _theme, _text in statements(leader.round, language)}
    item_keys = list(dict.fromkeys(item_keys))  # each statement once, in the order chosen
    competences = [text.strip() for text in competences if text.strip()]
    errors = []
    unknown = [key for key in item_keys if key not in known]
    if unknown:
        errors.append(_("Udsagnet findes ikke i runden: %(keys)s.") % {"keys": ", ".join(unknown)})
    chosen = len(item_keys) + len(competences)
    if not 1 <= chosen <= MAX_FOCUS:
        errors.append(
            _("Vælg mellem 1 og %(maximum)s fokuspunkter (du valgte %(chosen)s).")
            % {"maximum": MAX_FOCUS, "chosen": chosen}
        )
    if any(len(text) > 200 for text in competences):
        errors.append(_("En kompetence må højst fylde 200 tegn."))
    if errors:
        raise PlanInvalid(errors)
    plan, _created = DevelopmentPlan.objects.get_or_create(round=leader.round, leader=leader)
    # One change of focus at a time: a second tab waits here instead of colliding.
    plan = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
    plan.focus.all().delete()
    points = [{"item_key": key} for key in item_keys] + [{"competence": c} for c in competences]
    Focus.objects.bulk_create(
        Focus(plan=plan, position=position, **point)
        for position, point in enumerate(points, start=1)
    )
    plan.save(update_fields=["updated_at"])
    _audit("plan.focus", leader, actor, statements=item_keys, competences=len(competences))
    return plan


@transaction.atomic
def add_action(
    leader: EvaluatedLeader,
    text: str,
    owner: str,
    deadline: date | None,
    *,
    actor: User | None,
    benefit: str = "",
) -> Action:
    """A concrete action with an owner and a deadline; the plan must have its focus first."""
    plan = plan_for(leader)
    errors = []
    if plan is None or not plan.focus.exists():
        errors.append(_("Vælg dine fokuspunkter, før du skriver handlinger."))
    if not text.strip():
        errors.append(_("Skriv, hvad handlingen går ud på."))
    if not owner.strip():
        errors.append(_("Skriv, hvem der er ansvarlig for handlingen."))
    if deadline is None:
        errors.append(_("Angiv en frist for handlingen."))
    elif deadline < timezone.localdate():
        errors.append(_("Fristen kan ikke ligge før i dag."))
    if errors:
        raise PlanInvalid(errors)
    assert plan is not None
    assert deadline is not None
    action = Action.objects.create(
        plan=plan,
        text=text.strip()[:1000],
        benefit=benefit.strip()[:1000],
        owner=owner.strip()[:200],
        deadline=deadline,
    )
    plan.save(update_fields=["updated_at"])
    _audit("plan.action.add", leader, actor, action=action.pk)
    return action


@transaction.atomic
def set_progress(action: Action, progress: str, *, actor: User | None) -> None:
    """Mark how far an action has come: not started, under way or done."""
    if progress not in Action.Progress.values:
        raise PlanInvalid([_("Ukendt status for handlingen.")])
    Action.objects.filter(pk=action.pk).update(progress=progress)
    action.plan.save(update_fields=["updated_at"])
    _audit("plan.action.progress", action.plan.leader, actor, action=action.pk, progress=progress)


@transaction.atomic
def delete_action(action: Action, *, actor: User | None) -> None:
    """Remove an action from its plan."""
    plan = action.plan
    _audit("plan.action.delete", plan.leader, actor, action=action.pk)
    action.delete()
    plan.save(update_fields=["updated_at"])


@transaction.atomic
def add_comment(leader: EvaluatedLeader, author: User, text: str) -> PlanComment:
    """A comment on the plan by its leader or a superior; the author is the actor."""
    plan = plan_for(leader)
    errors = []
    if plan is None:
        errors.append(_("Der er ingen udviklingsplan at kommentere endnu."))
    if not text.strip():
        errors.append(_("Skriv en kommentar."))
    if errors:
        raise PlanInvalid(errors)
    assert plan is not None
    comment = PlanComment.objects.create(
        plan=plan, author=author, author_name=author.name or author.email, text=text.strip()[:2000]
    )
    _audit("plan.comment", leader, author, comment=comment.pk)
    return comment


@dataclass(frozen=True)
class PlanCounts:
    """How many plans a round has and how far their actions have come: counts only."""

    leaders: int
    plans: int
    actions: dict[str, int]

    @property
    def total_actions(self) -> int:
        return sum(self.actions.values())


def plan_counts(round_: Round) -> PlanCounts:
    by_progress = dict(
        Action.objects.filter(plan__round=round_)
        .values_list("progress")
        .annotate(count=Count("pk"))
        .values_list("progress", "count")
    )
    return PlanCounts(
        leaders=EvaluatedLeader.objects.filter(round=round_).count(),
        plans=DevelopmentPlan.objects.filter(round=round_, focus__isnull=False).distinct().count(),
        actions={progress: by_progress.get(progress, 0) for progress in Action.Progress.values},
    )


def previous_plan(round_: Round, employee_id: str) -> DevelopmentPlan | None:
    """The leader's plan from the previous round that evaluated them, if they made one."""
    before = previous_round(round_, employee_id)
    if before is None:
        return None
    return (
        DevelopmentPlan.objects.filter(round=before, leader__employee_id=employee_id)
        .prefetch_related("focus", "actions")
        .first()
    )


def plan_beside_change(
    plan: DevelopmentPlan, items: list[dict[str, Any]], language: str
) -> dict[str, Any]:
    """The previous plan's focus with the change on its statements in this round's report."""
    by_key = {item["key"]: item for item in items}
    focus = []
    for point in plan.focus.all():
        if point.item_key:
            item = by_key.get(point.item_key)
            employee = item["groups"].get("employee", {}) if item else {}
            focus.append(
                {
                    "text": item["text"] if item else point.item_key,
                    "mean": employee.get("mean"),
                    "change": employee.get("change"),
                    "in_round": item is not None,
                }
            )
        else:
            focus.append({"text": point.competence, "competence": True})
    actions = list(plan.actions.all())
    return {
        "round": plan.round,
        "focus": focus,
        "actions": actions,
        "done": sum(1 for action in actions if action.progress == Action.Progress.DONE),
    }


def report_panel(
    viewer: User, leader: EvaluatedLeader, items: list[dict[str, Any]], language: str
) -> dict[str, Any]:
    """What a leader report shows of the plans: the viewer's role in this round's plan (for the
    links to it) and the previous round's plan beside the change on its focus statements."""
    panel: dict[str, Any] = {"plan_role": plan_role(viewer, leader), "previous_plan": None}
    plan = previous_plan(leader.round, leader.employee_id)
    if plan is not None and plan_role(viewer, plan.leader):
        panel["previous_plan"] = plan_beside_change(plan, items, language)
    return panel


def send_action_reminders(today: date | None = None) -> int:
    """E-mail leaders about actions due within `REMIND_DAYS_BEFORE` days; once per action."""
    today = today or timezone.localdate()
    due = Action.objects.filter(
        plan__leader__person__active=True,
        reminded_on__isnull=True,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
    ).exclude(progress=Action.Progress.DONE)
    sent = 0
    for action_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            action = (
                Action.objects.select_for_update(of=("self",))
                .select_related("plan__leader__round", "plan__leader__person")
                .filter(pk=action_id, reminded_on__isnull=True)
                .first()
            )
            if action is None:
                continue
            leader = action.plan.leader
            if leader.person is None:  # deleted (docs/privacy.md): the plan went with them
                continue
            email = leader.email or leader.person.email
            if not email:
                continue
            # Claimed by this run only if no other run claimed it first.
            if not Action.objects.filter(pk=action.pk, reminded_on__isnull=True).update(
                reminded_on=today
            ):
                continue
            message = _reminder(action, leader.person)
            transaction.on_commit(functools.partial(send_email.enqueue, [email], *message))
            _audit("plan.action.reminder", leader, None, action=action.pk)
            sent += 1
    return sent


def _reminder(action: Action, person: Person) -> tuple[str, str, str]:
    language = person.language if person.language in ("da", "en") else "da"
    leader = action.plan.leader
    with translation.override(language):
        context = {
            "action": action,
            "leader": leader,
            "round": leader.round,
            "url": settings.BASE_URL
            + reverse("development:plan", args=[leader.round_id, leader.employee_id]),
        }
        subject = _("Frist for en handling i din udviklingsplan: %(deadline)s") % {
            "deadline": date_format(action.deadline)
        }
        text = render_to_string("development/email/reminder.txt", context)
        html = render_to_string("development/email/reminder.html", context)
    return subject, text, html


def leaders_below_overview(user: User) -> list[dict[str, Any]]:
    """For "Ledere, du er overordnet for": each open or closed evaluation round with leaders
    below `user` in the frozen reporting lines, and for each such leader what the round's policy
    lets a superior see: whether the report is ready, whether the talk and the dialogue meeting
    have been held, and whether a plan has been made."""
    organisations = {organisation_id for organisation_id, _id in people_of(user).values()}
    rounds = (
        Round.objects.filter(organisation_id__in=organisations, kind=Round.Kind.EVALUATION)
        .exclude(status=Round.Status.DRAFT)
        .select_related("organisation")
    )
    overview = []
    for round_ in rounds:
        leaders = list(EvaluatedLeader.objects.filter(round=round_))
        below = leaders_below(user, round_, leaders)
        if not below:
            continue
        sees = round_.status == Round.Status.CLOSED and bool(round_.visibility.get("superior"))
        plans = (
            {
                plan.leader_id: plan
                for plan in DevelopmentPlan.objects.filter(round=round_).annotate(
                    action_count=Count("actions")
                )
            }
            if sees
            else {}
        )
        follow_ups = (
            {follow_up.leader_id: follow_up for follow_up in FollowUp.objects.filter(round=round_)}
            if sees
            else {}
        )
        overview.append(
            {
                "round": round_,
                "sees_reports": sees,
                "leaders": [
                    {
                        "leader": leader,
                        "plan": plans.get(leader.pk),
                        "follow_up": follow_ups.get(leader.pk),
                    }
                    for leader in leaders
                    if leader.employee_id in below
                ],
            }
        )
    return overview


def latest_own_leader(user: User) -> EvaluatedLeader | None:
    """The user as evaluated leader in their latest closed evaluation round: whose plan a
    competence found elsewhere (the 10 bud, the mapping) is written into."""
    people = people_of(user)
    candidates = (
        EvaluatedLeader.objects.filter(
            person_id__in=people,
            round__status=Round.Status.CLOSED,
            round__kind=Round.Kind.EVALUATION,
        )
        .select_related("round__organisation", "person")
        .order_by("-round__closed_at", "-round__pk")
    )
    return next((leader for leader in candidates if plan_role(user, leader)), None)


@dataclass(frozen=True)
class Written:
    """Where a competence went: the plan's leader, and whether it became an action."""

    leader: EvaluatedLeader
    action: Action | None


# An action made in one click gets a deadline this far ahead, which the leader can change.
ACTION_WEEKS = 12


@transaction.atomic
def write_into_plan(user: User, competence: str, *, as_action: bool = False) -> Written:
    """One click from the 10-bud result or the mapping's suggestions: `competence` becomes a
    focus point of the user's latest plan (if it is not one already and there is room), and
    with `as_action` also an action with the leader as owner and a deadline 12 weeks ahead."""
    competence = " ".join(competence.split())
    if not competence:
        raise PlanInvalid([_("Der er ikke noget at skrive ind i planen.")])
    leader = latest_own_leader(user)
    if leader is None:
        raise PlanInvalid(
            [
                _(
                    "Du har ingen udviklingsplan at skrive i endnu. Planen laves efter en "
                    "evalueringsrunde, når din rapport er klar."
                )
            ]
        )
    competence = Truncator(competence).chars(200)
    plan, _created = DevelopmentPlan.objects.get_or_create(round=leader.round, leader=leader)
    plan = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
    focus = list(plan.focus.all())
    if competence not in [point.competence for point in focus]:
        if len(focus) >= MAX_FOCUS:
            raise PlanInvalid(
                [
                    _(
                        "Din plan har allerede %(maximum)s fokuspunkter. Skift et ud på planen, "
                        "før du tilføjer et nyt."
                    )
                    % {"maximum": MAX_FOCUS}
                ]
            )
        Focus.objects.create(
            plan=plan,
            competence=competence,
            position=max((point.position for point in focus), default=0) + 1,
        )
        _audit("plan.focus", leader, user, statements=[], competences=1, added=True)
    action = None
    if as_action:
        action = add_action(
            leader,
            _("Arbejde med: %(competence)s") % {"competence": competence},
            leader.name,
            timezone.localdate() + timedelta(weeks=ACTION_WEEKS),
            actor=user,
        )
    plan.save(update_fields=["updated_at"])
    return Written(leader=leader, action=action)
