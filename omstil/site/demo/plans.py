"""Demo data for the way from report to action: a leader with plans in both closed rounds."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from omstil.accounts.services import set_up_user
from omstil.development import services
from omstil.development.models import Action, FollowUp, PlanComment
from omstil.organisations.models import Organisation
from omstil.reports.figures import compute, leader_key
from omstil.rounds.models import EvaluatedLeader, Round


def demo_leader(organisation: Organisation) -> EvaluatedLeader | None:
    """A leader with a superior, evaluated in the two closed rounds, whose figures are shown."""
    closed = list(
        organisation.rounds.filter(status=Round.Status.CLOSED, kind=Round.Kind.EVALUATION).order_by(
            "opens_on", "pk"
        )
    )
    if len(closed) < 2:
        return None
    figures = compute(closed[-1])
    earlier = set(closed[0].leaders.values_list("employee_id", flat=True))
    for leader in closed[-1].leaders.exclude(superior_email="").order_by("unit_path", "pk"):
        shown = [
            item
            for item in figures.items
            if not figures.group(leader_key(leader.employee_id), "employee", item).suppressed
        ]
        if leader.employee_id in earlier and len(shown) == len(figures.items) and leader.email:
            return leader
    return None


@transaction.atomic
def demo_plans(organisation: Organisation, password: str) -> str | None:
    """Plans for one leader in both closed rounds, with actions, progress and a comment.

    Returns the leader's login e-mail, or None when the demo has no suitable leader.
    """
    leader = demo_leader(organisation)
    if leader is None:
        return None
    before = (
        EvaluatedLeader.objects.filter(
            round__organisation=organisation,
            round__status=Round.Status.CLOSED,
            round__kind=Round.Kind.EVALUATION,
            employee_id=leader.employee_id,
        )
        .exclude(round=leader.round)
        .order_by("-round__opens_on")
        .first()
    )
    user = set_up_user(leader.email, password, name=leader.name)
    superior = set_up_user(leader.superior_email, password)
    today = timezone.localdate()
    items = compute(leader.round).items
    if before is not None and not services.plan_for(before):
        plan = services.set_focus(before, items[:2], ["Bruge data i beslutninger"], actor=user)
        for text, owner, days, progress in (
            ("Gennemgå nye it-systemer på personalemødet hver måned", leader.name, 30, "done"),
            ("Aftale fast sparring med it-afdelingen", leader.name, 60, "done"),
            ("Kursus i databaseret ledelse", "HR", 90, "underway"),
        ):
            Action.objects.create(
                plan=plan,
                text=text,
                owner=owner,
                deadline=today + timedelta(days=days),
                progress=progress,
            )
        PlanComment.objects.create(
            plan=plan,
            author=superior,
            author_name=superior.name or superior.email,
            text="Godt og konkret. Lad os følge op på kurset til næste samtale.",
        )
    # The follow-up: both steps after the earlier round, the talk with the superior after this.
    for evaluated, steps in ((before, (7, 14)), (leader, (7,))):
        if evaluated is None or evaluated.round.closed_at is None:
            continue
        closed = timezone.localdate(evaluated.round.closed_at)
        held = [min(today, closed + timedelta(days=step)) for step in steps]
        FollowUp.objects.update_or_create(
            leader=evaluated,
            defaults={
                "round": evaluated.round,
                "superior_talk_on": held[0],
                "dialogue_meeting_on": held[1] if len(held) > 1 else None,
            },
        )
    if not services.plan_for(leader):
        services.set_focus(leader, items[2:3], [], actor=user)
        services.add_action(
            leader,
            "Dialogmøde med medarbejderne om rapporten",
            leader.name,
            today + timedelta(days=5),
            actor=user,
        )
    return user.email
