"""The follow-up after a round (seed 003, PRODUCT.md): superior talk, dialogue meeting, plan.

A leader records on the dialogue page the day the talk with the superior and the dialogue
meeting with the employees were held; a superior who may see the report can record the talk.
HR's follow-up list shows, per leader, only whether each step is done — never what a plan says
or what was said — and only where the round's policy lets HR see it (`hr_sees_follow_up`). HR
can remind the leaders who still lack a step. Every change is atomic and audited.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omstil.accounts.models import User
from omstil.core.audit import audit
from omstil.core.tasks import send_email
from omstil.development.access import Role
from omstil.development.models import DevelopmentPlan, FollowUp
from omstil.organisations.accounts import superiors_of
from omstil.organisations.signin import mail_account, mail_language, mail_link
from omstil.rounds.models import EvaluatedLeader, Round
from omstil.rounds.policy import follow_up_for_hr


class FollowUpInvalid(Exception):
    """The change was refused; `errors` say why, in the active language, and `by_field` says
    which field each is about (the form field's name; "" for none)."""

    def __init__(self, errors: list[str], by_field: dict[str, list[str]] | None = None) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
        self.by_field = by_field or {"": errors}


def hr_sees_follow_up(round_: Round) -> bool:
    """Whether HR's follow-up list shows anything: a closed evaluation whose policy gives HR
    the follow-up (`rounds.policy.follow_up_for_hr`)."""
    if round_.is_mapping or round_.status != Round.Status.CLOSED:
        return False
    return follow_up_for_hr(round_)


def follow_up_for(leader: EvaluatedLeader) -> FollowUp | None:
    return FollowUp.objects.filter(leader=leader).first()


def _check_day(day: date | None, round_: Round, label: str) -> list[str]:
    if day is None:
        return []
    if day > timezone.localdate():
        return [_("%(step)s kan ikke ligge ude i fremtiden.") % {"step": label}]
    closed = timezone.localdate(round_.closed_at) if round_.closed_at else None
    if closed is not None and day < closed:
        return [
            _("%(step)s kan ikke ligge før rapporten var klar (%(day)s).")
            % {"step": label, "day": date_format(closed)}
        ]
    return []


@transaction.atomic
def record_follow_up(
    leader: EvaluatedLeader,
    role: Role,
    *,
    superior_talk_on: date | None,
    dialogue_meeting_on: date | None = None,
    actor: User | None,
) -> FollowUp:
    """Record the days the talk and the meeting were held; None clears a day.

    The leader records both; a superior records only the talk they took part in (the meeting's
    day stays as the leader left it)."""
    round_ = leader.round
    by_field = {
        "superior_talk_on": _check_day(superior_talk_on, round_, _("Samtalen")),
        "dialogue_meeting_on": (
            _check_day(dialogue_meeting_on, round_, _("Dialogmødet")) if role == Role.OWNER else []
        ),
    }
    errors = [error for field_errors in by_field.values() for error in field_errors]
    if errors:
        raise FollowUpInvalid(errors, by_field)
    follow_up, _created = FollowUp.objects.select_for_update().get_or_create(
        leader=leader, defaults={"round": round_}
    )
    follow_up.superior_talk_on = superior_talk_on
    fields = ["superior_talk_on", "updated_at"]
    if role == Role.OWNER:
        follow_up.dialogue_meeting_on = dialogue_meeting_on
        fields.append("dialogue_meeting_on")
    follow_up.save(update_fields=fields)
    audit(
        "follow_up.record",
        actor=actor,
        organisation=round_.organisation.slug,
        round=round_.pk,
        leader=leader.employee_id,
        role=str(role),
        superior_talk=bool(follow_up.superior_talk_on),
        dialogue_meeting=bool(follow_up.dialogue_meeting_on),
    )
    return follow_up


@dataclass(frozen=True)
class Status:
    """How far one leader has come after the round: dates and yes/no only."""

    leader: EvaluatedLeader
    superior_talk_on: date | None
    dialogue_meeting_on: date | None
    plan_made: bool
    reminded_at: datetime | None

    @property
    def missing(self) -> list[str]:
        """The steps still to do, in the order they are done."""
        return [
            str(label)
            for done, label in (
                (self.superior_talk_on, STEP_LABELS["talk"]),
                (self.dialogue_meeting_on, STEP_LABELS["meeting"]),
                (self.plan_made, STEP_LABELS["plan"]),
            )
            if not done
        ]


STEP_LABELS = {
    "talk": gettext_lazy("samtalen med den overordnede"),
    "meeting": gettext_lazy("dialogmødet med medarbejderne"),
    "plan": gettext_lazy("udviklingsplanen"),
}
# ?sort= on HR's list: the column and whether a done step sorts first.
SORTS = ("leder", "enhed", "samtale", "dialogmoede", "plan")


def statuses(round_: Round, sort: str = "enhed") -> list[Status]:
    """Every evaluated leader's follow-up status, sorted by `sort` ("-" first: descending)."""
    follow_ups = {f.leader_id: f for f in FollowUp.objects.filter(round=round_)}
    planned = set(
        DevelopmentPlan.objects.filter(round=round_, focus__isnull=False).values_list(
            "leader_id", flat=True
        )
    )
    rows = []
    leaders = EvaluatedLeader.objects.filter(round=round_, erased_at__isnull=True)
    for leader in leaders.select_related("person"):
        follow_up = follow_ups.get(leader.pk)
        rows.append(
            Status(
                leader=leader,
                superior_talk_on=follow_up.superior_talk_on if follow_up else None,
                dialogue_meeting_on=follow_up.dialogue_meeting_on if follow_up else None,
                plan_made=leader.pk in planned,
                reminded_at=follow_up.reminded_at if follow_up else None,
            )
        )
    descending = sort.startswith("-")
    column = sort.lstrip("-") if sort.lstrip("-") in SORTS else "enhed"
    keys = {
        "leder": lambda row: (row.leader.name.casefold(),),
        "enhed": lambda row: (row.leader.unit_path.casefold(), row.leader.name.casefold()),
        # Not done (None) sorts before any day; ties by name.
        "samtale": lambda row: (
            row.superior_talk_on or date.min,
            row.leader.name.casefold(),
        ),
        "dialogmoede": lambda row: (
            row.dialogue_meeting_on or date.min,
            row.leader.name.casefold(),
        ),
        "plan": lambda row: (row.plan_made, row.leader.name.casefold()),
    }
    return sorted(rows, key=keys[column], reverse=descending)


@transaction.atomic
def remind_missing(round_: Round, *, actor: User | None) -> int:
    """E-mail each leader who lacks one of the steps, naming what is missing; how many.

    Only leaders the HR file still lets sign in, with an open account, are e-mailed."""
    if not hr_sees_follow_up(round_):
        raise FollowUpInvalid([_("Rundens regler giver ikke HR adgang til opfølgningen.")])
    organisation = round_.organisation
    has_sso = hasattr(organisation, "single_sign_on")
    superiors = superiors_of(organisation)
    now = timezone.now()
    sent = 0
    for status in statuses(round_):
        if not status.missing:
            continue
        leader = status.leader
        if leader.person is None:  # deleted (docs/privacy.md)
            continue
        user = mail_account(leader.person, superiors)
        if user is None:
            continue
        args = [round_.pk, leader.employee_id]
        with translation.override(mail_language(leader.person)):
            text = render_to_string(
                "development/email/follow_up_reminder.txt",
                {
                    "name": leader.name,
                    "round": round_.name,
                    "organisation": organisation.name,
                    "missing": status.missing,
                    "dialogue_url": mail_link(
                        user, has_sso, reverse("development:dialogue", args=args)
                    ),
                    "sign_in_link": not has_sso,
                    "hours": settings.OMSTIL_REPORT_READY_LINK_HOURS,
                },
            )
            subject = _("Opfølgning på din rapport fra %(round)s") % {"round": round_.name}
        transaction.on_commit(functools.partial(send_email.enqueue, [user.email], subject, text))
        FollowUp.objects.update_or_create(
            leader=leader, defaults={"round": round_, "reminded_at": now}
        )
        sent += 1
    audit(
        "follow_up.remind",
        actor=actor,
        organisation=organisation.slug,
        round=round_.pk,
        sent=sent,
    )
    return sent
