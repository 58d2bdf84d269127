"""Insight (indsigt, GDPR art. 15): everything Omstil holds about one person of an organisation.

`collect` gathers it with dates as dates for the page and the PDF (`insight_pdf`);
`person_insight` gives the same as JSON. It says nothing about anyone else beyond the person's
own leader's name (`insight_others`). Anonymous answers are not in it, because nothing links them
to the person (docs/anonymity.md); the insight says so, and what the organisation can do instead.
"""

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from omstil.accounts import twofactor
from omstil.accounts.models import Membership, User
from omstil.core.audit import audit
from omstil.core.i18n import active_language, localized
from omstil.core.pdf import html_to_pdf
from omstil.development.models import DevelopmentPlan, FollowUp, PlanComment
from omstil.development.services import statements
from omstil.organisations.models import Organisation, Person
from omstil.privacy.insight_others import Others, described, entries_about, entries_by
from omstil.programmes.models import Participant
from omstil.rounds.models import (
    COMPETENCE_GROUP,
    EvaluatedLeader,
    Invitation,
    ListCorrection,
    Round,
)
from omstil.selfassessment import services as selfassessment
from omstil.selfassessment.models import SelfAssessment

SCHEMA = "omstil.insight/1"
FORMATS = ("html", "json", "pdf")
L = gettext_lazy

ANONYMOUS = L(
    "Svarene i evalueringer og kortlægninger er anonyme, og de kan ikke findes for en bestemt "
    "person: intet i Omstil forbinder et svar med den, der gav det. Besvarelserne gemmes uden "
    "henvisning til invitationen, personen eller en konto, og når en runde lukker, glemmer "
    "Omstil også, hvem der svarede. Derfor kan hverken organisationen, Omstils drift eller "
    "personen selv få vist, rettet eller slettet en bestemt persons svar."
)
INSTEAD = (
    L(
        "Fortælle, hvilke runder personen blev inviteret til, og i hvilken rolle (se "
        "“Invitationer til at svare”)."
    ),
    L(
        "Forklare, at svarene kun indgår i tal for grupper på mindst %(size)s, og at en mindre "
        "gruppe ikke vises; selvevaluering og overordnet leders svar vises som enkeltsvar i "
        "lederens egen rapport, hvad de, der svarer, får at vide på forhånd."
    ),
    L(
        "Mens en runde er åben, kan personen selv se og ændre sine svar gennem sit personlige "
        "link i invitationen, indtil runden lukker."
    ),
    L(
        "Slette personen: navn, e-mailadresse, invitationer og konto forsvinder, og de anonyme "
        "svar tæller kun med i de samlede tal."
    ),
    L(
        "Henvise til organisationens fortegnelse over behandlingen og til Omstils beskrivelse af "
        "anonymiteten, som forklarer, hvorfor et svar ikke kan føres tilbage."
    ),
)
RATER_GROUPS: dict[str, Promise] = {
    "employee": L("Medarbejder"),
    "self": L("Selvevaluering"),
    "superior": L("Overordnet leder"),
    "peer": L("Kollega på samme niveau"),
    COMPETENCE_GROUP: L("Egne digitale kompetencer"),
}
# How far a queued e-mail has come (django.tasks' statuses).
EMAIL_STATUSES: dict[str, Promise] = {
    "READY": L("venter på at blive sendt"),
    "RUNNING": L("sendes"),
    "SUCCESSFUL": L("sendt"),
    "FAILED": L("kunne ikke sendes"),
}
CLOSED_INVITATION = L(
    "Runden er lukket. Omstil gemmer ikke længere, om personen svarede, hvornår e-mailen blev "
    "sendt, eller om der blev sendt påmindelser: det blev glemt, da runden lukkede."
)


def find_person(organisation: Organisation, employee_id: str) -> Person | None:
    """The organisation's person with this employee id, or None (unknown or deleted)."""
    return (
        Person.objects.select_related("organisation", "unit", "user")
        .filter(organisation=organisation, employee_id=employee_id)
        .first()
    )


def find_by_number_or_email(organisation: Organisation, text: str) -> Person | None:
    """The organisation's person with this employee id, else with this e-mail address (in the
    HR file or on their account), or None."""
    text = text.strip()
    if not text:
        return None
    found = find_person(organisation, text)
    if found is None and "@" in text:
        found = (
            Person.objects.select_related("organisation", "unit", "user")
            .filter(organisation=organisation)
            .filter(Q(email__iexact=text) | Q(user__email__iexact=text))
            .order_by("-active", "pk")
            .first()
        )
    return found


@transaction.atomic
def record_insight(person: Person, form: str, *, actor: User | None) -> None:
    """Audit that insight was produced for the person as `form` (html, json, pdf): by employee
    id, never by name."""
    audit(
        "person.insight",
        actor=actor,
        organisation=person.organisation.slug,
        employee_id=person.employee_id,
        format=form,
    )


# Gathering ------------------------------------------------------------------------------------


def collect(person: Person) -> dict[str, Any]:
    """Everything held about the person, in the active language, dates as dates."""
    organisation = person.organisation
    leader = (
        Person.objects.filter(
            organisation=organisation, employee_id=person.nearest_leader_employee_id
        ).first()
        if person.nearest_leader_employee_id
        else None
    )
    others = Others(person=person, leader=leader)
    evaluations = list(
        EvaluatedLeader.objects.select_related("round")
        .filter(person=person, erased_at__isnull=True)
        .order_by("round__opens_on", "round_id")
    )
    invitations = _invitations(person, others)
    return {
        "schema": SCHEMA,
        "generated_at": timezone.now(),
        "language": active_language(),
        "organisation": {"slug": organisation.slug, "name": organisation.name},
        "person": _hr_data(person, leader),
        "account": _account(person),
        "invitations": invitations,
        "invitations_note": next((row["note"] for row in invitations if row["note"]), ""),
        "evaluations": [_evaluation(leader) for leader in evaluations],
        "superior_of": _superior_of(person),
        "development_plans": _plans(evaluations, others),
        "follow_ups": _follow_ups(evaluations),
        "comments_on_other_plans": _comments_elsewhere(person),
        "programmes": _programmes(person),
        "list_corrections": _list_corrections(person),
        "self_assessments": _self_assessments(person),
        "audit": {
            "by_person": described(entries_by(others), others),
            "about_person": described(entries_about(others), others),
        },
        "emails": _emails(others),
        "failed_logins": _failed_logins(others),
        "anonymous_answers": {
            "statement": str(ANONYMOUS),
            "instead": [str(line) % {"size": organisation.min_group_size} for line in INSTEAD],
        },
    }


def _hr_data(person: Person, leader: Person | None) -> dict[str, Any]:
    return {
        "employee_id": person.employee_id,
        "name": person.name,
        "email": person.email,
        "unit": person.unit.path,
        "is_leader": person.is_leader,
        "leader_since": person.leader_since,
        # The reporting line by the leader's name only: their employee id is theirs.
        "nearest_leader": leader.name if leader is not None else None,
        "reporting_line_from_hr_file": bool(person.reports_to_employee_id),
        "job_family": person.job_family,
        "language": person.language,
        "active": person.active,
        "left_at": person.deactivated_at,
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }


def _account(person: Person) -> dict[str, Any] | None:
    user = person.user
    if user is None:
        return None
    roles = [
        str(Membership.Role(role).label)
        for role in Membership.objects.filter(user=user, organisation=person.organisation_id)
        .order_by("role")
        .values_list("role", flat=True)
    ]
    if user.is_superuser:
        roles.append(_("Systemadministrator"))
    if person.is_leader:
        roles.append(_("Leder"))
    return {
        "email": user.email,
        "name": user.name,
        "language": user.language,
        "active": user.is_active,
        "created_at": user.date_joined,
        "last_login": user.last_login,
        "roles": roles,
        "password_set": user.has_usable_password(),
        "authenticator_app": twofactor.app_device(user) is not None,
        "recovery_codes_left": twofactor.recovery_codes_left(user),
    }


def _about(invitation: Invitation, person: Person, others: Others) -> str:
    """Whom the invitation asked about, naming only the person and their own leader."""
    leader = invitation.leader
    if invitation.rater_group == COMPETENCE_GROUP:
        return _("personens egne digitale kompetencer")
    if leader.erased_at is not None:
        return _("en leder, der siden er slettet")
    if leader.person_id == person.pk:
        return _("personen selv")
    if others.is_own_leader(leader.employee_id):
        return others.leader.name if others.leader is not None else ""
    return {
        "employee": _("personens leder dengang, som ikke er den nuværende nærmeste leder"),
        "superior": _("en leder, personen er overordnet for"),
        "peer": _("en anden leder på samme niveau"),
    }.get(invitation.rater_group, _("en anden leder"))


def _invitations(person: Person, others: Others) -> list[dict[str, Any]]:
    found = []
    for invitation in (
        Invitation.objects.filter(person=person)
        .select_related("round", "leader")
        .order_by("round__opens_on", "round_id", "pk")
    ):
        round_ = invitation.round
        closed = round_.status == Round.Status.CLOSED
        found.append(
            {
                "round": round_.name,
                "round_id": round_.pk,
                "round_status": round_.get_status_display(),
                "opens_on": round_.opens_on,
                "closes_on": round_.closes_on,
                "rater_group": invitation.rater_group,
                "rater_group_label": str(
                    RATER_GROUPS.get(invitation.rater_group, invitation.rater_group)
                ),
                "about": _about(invitation, person, others),
                "name": invitation.name,
                "email": invitation.email,
                "language": invitation.language,
                "job_family": invitation.job_family,
                "emailed_at": None if closed else invitation.emailed_at,
                "reminders_sent": None if closed else invitation.reminders_sent,
                "completed": None if closed else invitation.completed,
                "delivery_failed": None if closed else invitation.delivery_failed,
                "note": str(CLOSED_INVITATION) if closed else "",
            }
        )
    return found


def _evaluation(leader: EvaluatedLeader) -> dict[str, Any]:
    round_ = leader.round
    closed = round_.status == Round.Status.CLOSED
    if round_.is_mapping:
        report = _(
            "Kortlægningen viser kun samlede tal for teamet; der er ingen rapport om én leder."
        )
    elif closed:
        report = _(
            "Lederrapporten findes: runden er lukket. Den viser medarbejdernes svar samlet og "
            "personens eget og den overordnedes svar hver for sig; personen ser den i Omstil."
        )
    else:
        report = _("Runden er ikke lukket; lederrapporten laves, når den lukker.")
    return {
        "round": round_.name,
        "round_id": round_.pk,
        "round_status": round_.get_status_display(),
        "kind": round_.get_kind_display(),
        "unit": leader.unit_path,
        "name": leader.name,
        "email": leader.email,
        "report_exists": closed and not round_.is_mapping,
        "report": report,
    }


def _superior_of(person: Person) -> list[dict[str, Any]]:
    """The rounds that hold the person as a leader's superior: how many leaders, not who."""
    rows = (
        EvaluatedLeader.objects.filter(
            round__organisation=person.organisation_id,
            superior_employee_id=person.employee_id,
            erased_at__isnull=True,
        )
        .values("round_id", "round__name")
        .annotate(leaders=Count("pk"))
        .order_by("round_id")
    )
    return [
        {"round": row["round__name"], "round_id": row["round_id"], "leaders": row["leaders"]}
        for row in rows
    ]


def _plans(evaluations: list[EvaluatedLeader], others: Others) -> list[dict[str, Any]]:
    plans = (
        DevelopmentPlan.objects.filter(leader__in=evaluations)
        .select_related("round", "leader")
        .prefetch_related("focus", "actions", "comments")
        .order_by("round__opens_on", "round_id")
    )
    language = active_language()
    found = []
    for plan in plans:
        wording = {key: text for key, _theme, text in statements(plan.round, language)}
        comments = list(plan.comments.all())
        others.learn(comment.author_id for comment in comments)
        found.append(
            {
                "round": plan.round.name,
                "round_id": plan.round_id,
                "created_at": plan.created_at,
                "updated_at": plan.updated_at,
                "focus": [
                    {
                        "statement": focus.item_key,
                        "text": wording.get(focus.item_key, focus.item_key)
                        if focus.item_key
                        else focus.competence,
                    }
                    for focus in plan.focus.all()
                ],
                "actions": [
                    {
                        "text": action.text,
                        "benefit": action.benefit,
                        "owner": action.owner,
                        "deadline": action.deadline,
                        "progress": action.get_progress_display(),
                        "reminded_on": action.reminded_on,
                    }
                    for action in plan.actions.all()
                ],
                "comments": [
                    {
                        "by": others.account(comment.author_id),
                        "by_person": comment.author_id is not None
                        and comment.author_id == others.user_id,
                        "text": comment.text,
                        "at": comment.created_at,
                    }
                    for comment in comments
                ],
            }
        )
    return found


def _follow_ups(evaluations: list[EvaluatedLeader]) -> list[dict[str, Any]]:
    return [
        {
            "round": follow_up.round.name,
            "round_id": follow_up.round_id,
            "superior_talk_on": follow_up.superior_talk_on,
            "dialogue_meeting_on": follow_up.dialogue_meeting_on,
            "reminded_at": follow_up.reminded_at,
        }
        for follow_up in FollowUp.objects.filter(leader__in=evaluations)
        .select_related("round")
        .order_by("round__opens_on", "round_id")
    ]


def _comments_elsewhere(person: Person) -> list[dict[str, Any]]:
    """What the person wrote on other leaders' plans (as their superior), without whose."""
    if person.user_id is None:
        return []
    return [
        {"round": comment.plan.round.name, "text": comment.text, "at": comment.created_at}
        for comment in PlanComment.objects.filter(
            author_id=person.user_id, plan__round__organisation=person.organisation_id
        )
        .exclude(plan__leader__person=person)
        .select_related("plan__round")
        .order_by("created_at", "pk")
    ]


def _programmes(person: Person) -> list[dict[str, Any]]:
    found = []
    for participant in (
        Participant.objects.filter(person=person)
        .select_related("programme")
        .prefetch_related("programme__modules", "attendance")
        .order_by("programme__starts_on", "programme_id")
    ):
        came = {attendance.module_id for attendance in participant.attendance.all()}
        programme = participant.programme
        found.append(
            {
                "name": programme.name,
                "starts_on": programme.starts_on,
                "ends_on": programme.ends_on,
                "modules": [
                    {
                        "title": module.title,
                        "held_on": module.held_on,
                        "attended": module.pk in came,
                    }
                    for module in programme.modules.all()
                ],
            }
        )
    return found


def _list_corrections(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "round": correction.round.name,
            "text": correction.text,
            "created_at": correction.created_at,
            "resolved_at": correction.resolved_at,
        }
        for correction in ListCorrection.objects.filter(
            round__organisation=person.organisation_id, leader_employee_id=person.employee_id
        )
        .select_related("round")
        .order_by("created_at", "pk")
    ]


def _self_assessments(person: Person) -> list[dict[str, Any]]:
    """The person's own self-assessments, with their answers and notes: they are the person's."""
    if person.user_id is None:
        return []
    language = active_language()
    labels = selfassessment.answer_labels()
    found = []
    for assessment in SelfAssessment.objects.filter(owner_id=person.user_id).select_related(
        "version"
    ):
        kept = selfassessment.saved(assessment)
        pages = selfassessment.pages(assessment.version, language)
        found.append(
            {
                "instrument": localized(assessment.version.title, language),
                "version": assessment.version.number,
                "status": assessment.get_status_display(),
                "started_at": assessment.started_at,
                "updated_at": assessment.updated_at,
                "completed_at": assessment.completed_at,
                "answers": [
                    {
                        "theme": page.title,
                        "statement": statement.text,
                        "value": kept.answers[statement.key],
                        "label": labels.get(kept.answers[statement.key], ""),
                    }
                    for page in pages
                    for statement in page.statements
                    if statement.key in kept.answers
                ],
                "notes": [
                    {"theme": page.title, "text": kept.notes[page.theme_key]}
                    for page in pages
                    if kept.notes.get(page.theme_key)
                ],
            }
        )
    return found


def _emails(others: Others) -> list[dict[str, Any]]:
    """The e-mails to the person still in the queue (sent or waiting): when and how far, not
    what they said (an invitation's subject names the leader it is about)."""
    addresses = others.own_addresses
    condition = Q()
    for address in addresses:
        condition |= Q(_text__icontains=address)
    tasks = DBTaskResult.objects.annotate(_text=Cast("args_kwargs", TextField())).filter(condition)
    return [
        {
            "enqueued_at": task.enqueued_at,
            "finished_at": task.finished_at,
            "status": task.status,
            "status_label": str(EMAIL_STATUSES.get(task.status, task.status)),
        }
        for task in tasks.order_by("enqueued_at")
        if addresses & _recipients(task.args_kwargs)
    ]


def _recipients(args_kwargs: Mapping[str, Any]) -> set[str]:
    args = args_kwargs.get("args") or []
    to = (args_kwargs.get("kwargs") or {}).get("to", args[0] if args else [])
    return {str(address).lower() for address in to} if isinstance(to, list) else set()


def _failed_logins(others: Others) -> list[dict[str, Any]]:
    """Failed logins recorded under the person's address (for the login limit)."""
    from axes.models import AccessFailureLog

    return [
        {"at": row.attempt_time, "ip_address": row.ip_address, "locked_out": row.locked_out}
        for row in AccessFailureLog.objects.filter(username__in=others.own_addresses).order_by(
            "attempt_time"
        )
    ]


# JSON and PDF ---------------------------------------------------------------------------------


def as_json(value: Any) -> Any:
    """`collect`'s result as JSON holds it: times in the installation's time zone, ISO 8601."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return value


def person_insight(person: Person) -> dict[str, Any]:
    """Everything held about the person as one JSON document (`schema` omstil.insight/1)."""
    return as_json(collect(person))  # type: ignore[no-any-return]


def insight_json(person: Person) -> bytes:
    """The JSON document as a UTF-8 file."""
    return json.dumps(person_insight(person), ensure_ascii=False, indent=2).encode()


def insight_pdf(person: Person, language: str) -> bytes:
    """Everything held about the person as a readable PDF in `language` (da or en)."""
    with translation.override(language):
        html = render_to_string("privacy/insight_print.html", {"insight": collect(person)})
    return html_to_pdf(html)
