"""Deleting a person, a round or a whole organisation: whole or not at all, audited, final.

Each deletion is one transaction, so a process killed half-way leaves everything as it was. Its
plan (`plan_*`) counts what would go without changing anything; the page's confirmation and
`--dry-run` show it. Once a deletion has returned, the deleted people's names and e-mail
addresses are in no table: the rows that only copy them (invitations, queued and sent e-mails,
login attempts, the admin's history) go, the rows the organisation still needs (the evaluated
leader behind pooled figures, a comment on someone else's plan, an audit entry) keep no name.
On SQLite deleted content is overwritten (`PRAGMA secure_delete`, settings.py) and the
write-ahead log is emptied after the commit (`settle_files`), so the names are gone from the
database files too (docs/privacy.md).

Anonymous answers are never deleted with a person: nothing ties them to whoever gave them.
"""

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.contrib.admin.models import LogEntry
from django.db import connection, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_tasks_db.models import DBTaskResult

from omstil.accounts.models import Membership, User
from omstil.core.audit import audit
from omstil.core.models import AuditEntry
from omstil.development.models import DevelopmentPlan, FollowUp, PlanComment
from omstil.organisations.models import Organisation, PendingImport, Person
from omstil.programmes.models import Participant
from omstil.reports.models import ReportArchive
from omstil.responses.models import Answer, Comment, Response
from omstil.rounds.models import EvaluatedLeader, Invitation, ListCorrection, Round
from omstil.selfassessment.models import SelfAssessment

log = logging.getLogger(__name__)

# What an audit entry says instead of the e-mail address of an actor who has been deleted.
DELETED_ACTOR = "slettet"

# What each count of a plan means, in the order the confirmation lists them.
WHAT = {
    "people": ngettext_lazy(
        "%(count)s person fra HR-filen", "%(count)s personer fra HR-filen", "count"
    ),
    "accounts": ngettext_lazy("%(count)s konto", "%(count)s konti", "count"),
    "rounds": ngettext_lazy("%(count)s runde", "%(count)s runder", "count"),
    "invitations": ngettext_lazy("%(count)s invitation", "%(count)s invitationer", "count"),
    "evaluations": ngettext_lazy(
        "%(count)s lederrapport (svarene tæller fortsat med i enhedernes tal)",
        "%(count)s lederrapporter (svarene tæller fortsat med i enhedernes tal)",
        "count",
    ),
    "responses": ngettext_lazy(
        "%(count)s anonym besvarelse", "%(count)s anonyme besvarelser", "count"
    ),
    "answers": ngettext_lazy("%(count)s anonymt svar", "%(count)s anonyme svar", "count"),
    "comments": ngettext_lazy(
        "%(count)s anonym kommentar", "%(count)s anonyme kommentarer", "count"
    ),
    "plans": ngettext_lazy("%(count)s udviklingsplan", "%(count)s udviklingsplaner", "count"),
    "follow_ups": ngettext_lazy("%(count)s opfølgning", "%(count)s opfølgninger", "count"),
    "list_corrections": ngettext_lazy(
        "%(count)s rettelse til en deltagerliste", "%(count)s rettelser til deltagerlister", "count"
    ),
    "programme_places": ngettext_lazy(
        "%(count)s plads på et kompetenceforløb", "%(count)s pladser på kompetenceforløb", "count"
    ),
    "self_assessments": ngettext_lazy(
        "%(count)s selvvurdering", "%(count)s selvvurderinger", "count"
    ),
    "report_zips": ngettext_lazy("%(count)s zip-fil med rapporter", "%(count)s zip-filer", "count"),
    "emails": ngettext_lazy(
        "%(count)s sendt eller ventende e-mail", "%(count)s sendte eller ventende e-mails", "count"
    ),
    "login_attempts": ngettext_lazy(
        "%(count)s registreret loginforsøg", "%(count)s loginforsøg", "count"
    ),
    "audit_entries": ngettext_lazy("%(count)s post i revisionssporet", "%(count)s poster", "count"),
    "names_removed": ngettext_lazy(
        "navnet fjernet fra %(count)s anden post (kommentarer, revisionsspor)",
        "navnet fjernet fra %(count)s andre poster (kommentarer, revisionsspor)",
        "count",
    ),
}
STAYS = _(
    "Anonyme svar bliver: intet i Omstil forbinder dem med den, der gav dem, så de kan hverken "
    "findes eller slettes for en bestemt person."
)


def describe(counts: dict[str, int]) -> list[str]:
    """The plan's counts as lines of text, in the order of `WHAT`, leaving out what is zero."""
    return [str(WHAT[kind] % {"count": counts[kind]}) for kind in WHAT if counts.get(kind, 0) > 0]


# People -------------------------------------------------------------------------------------


def _account_goes(person: Person) -> bool:
    """Whether the person's account goes with them: it does unless it is also someone in another
    organisation, holds a role in another, or is a system administrator's."""
    user = person.user
    if user is None or user.is_system_admin:
        return False
    other_people = Person.objects.filter(user=user).exclude(pk=person.pk).exists()
    other_roles = (
        Membership.objects.filter(user=user).exclude(organisation=person.organisation_id).exists()
    )
    return not (other_people or other_roles)


def _identities(people: Iterable[Person], users: Iterable[User]) -> set[str]:
    """The names and e-mail addresses that must be in no table once these people are gone."""
    found: set[str] = set()
    for person in people:
        found |= {person.name, person.email}
    for user in users:
        found |= {user.name, user.email}
    return {value for value in found if value and len(value) >= 3}


def _json_forms(value: str) -> list[str]:
    """How `value` can appear inside a JSON column: as it is, and with non-ASCII escaped (how
    Django stores JSON on SQLite)."""
    escaped = json.dumps(value)[1:-1]
    return [value] if escaped == value else [value, escaped]


def _mentioning(queryset: Any, column: str, values: set[str]) -> Any:
    """The rows of `queryset` whose JSON `column` mentions any of `values`."""
    if not values:
        return queryset.none()
    condition = Q()
    for value in values:
        for form in _json_forms(value):
            condition |= Q(_as_text__icontains=form)
    return queryset.annotate(_as_text=Cast(column, TextField())).filter(condition)


def _tasks_mentioning(values: set[str]) -> Any:
    return _mentioning(DBTaskResult.objects.all(), "args_kwargs", values)


def _login_attempts(emails: set[str]) -> list[Any]:
    """django-axes's rows of the addresses' login attempts (its tables keep the user name)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return [
        model.objects.filter(username__in=emails)
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    ]


def _audit_by(user_ids: set[int]) -> Any:
    return AuditEntry.objects.filter(actor_id__in=user_ids).exclude(actor_label=DELETED_ACTOR)


def _evaluations(people: Any) -> Any:
    return EvaluatedLeader.objects.filter(person__in=people)


def _person_counts(person: Person) -> dict[str, int]:
    people = Person.objects.filter(pk=person.pk)
    evaluations = _evaluations(people)
    account = _account_goes(person)
    users = [person.user] if account and person.user is not None else []
    values = _identities([person], users)
    emails = {person.email} | {user.email for user in users}
    user_ids = {user.pk for user in users}
    return {
        "people": 1,
        "accounts": len(users),
        "invitations": Invitation.objects.filter(person=person).count(),
        "evaluations": evaluations.filter(erased_at__isnull=True).count(),
        "plans": DevelopmentPlan.objects.filter(leader__in=evaluations).count(),
        "follow_ups": FollowUp.objects.filter(leader__in=evaluations).count(),
        "list_corrections": _list_corrections([person]).count(),
        "programme_places": Participant.objects.filter(person=person).count(),
        "self_assessments": SelfAssessment.objects.filter(owner__in=users).count(),
        "report_zips": _archives_of(evaluations).count(),
        "emails": _tasks_mentioning(values).count(),
        "login_attempts": sum(rows.count() for rows in _login_attempts(emails)),
        "names_removed": _audit_by(user_ids).count()
        + PlanComment.objects.filter(author__in=user_ids).count(),
    }


def _list_corrections(people: Iterable[Person]) -> Any:
    condition = Q()
    for person in people:
        condition |= Q(
            round__organisation=person.organisation_id, leader_employee_id=person.employee_id
        )
    return ListCorrection.objects.filter(condition) if condition else ListCorrection.objects.none()


def _archives_of(evaluations: Any) -> Any:
    """The zips of every leader report of the rounds in which these leaders were evaluated."""
    return ReportArchive.objects.filter(
        round__in=evaluations.values("round"), status=ReportArchive.Status.DONE
    )


def plan_person_deletion(person: Person) -> dict[str, int]:
    """What deleting the person would remove, as counts; nothing is changed."""
    return _person_counts(person)


@transaction.atomic
def delete_person(person: Person, *, actor: User | None, reason: str = "request") -> dict[str, int]:
    """Delete the person and what can be tied to them (see the module's docstring).

    `reason` ("request" or "retention") goes into the audit entry, which names the person by
    their employee id only.
    """
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .get(pk=person.pk)
    )
    counts = _person_counts(person)
    _remove_people(Person.objects.filter(pk=person.pk), [person])
    audit(
        "person.delete",
        actor=actor,
        organisation=person.organisation.slug,
        employee_id=person.employee_id,
        reason=reason,
        **{kind: count for kind, count in counts.items() if count},
    )
    return counts


def _remove_people(people: Any, listed: list[Person]) -> None:
    """Delete `people` (a queryset, `listed` the same rows) and every copy of their identity."""
    users = [person.user for person in listed if person.user and _account_goes(person)]
    values = _identities(listed, users)
    emails = {person.email for person in listed} | {user.email for user in users}
    user_ids = {user.pk for user in users}
    evaluations = _evaluations(people)
    archives = list(_archives_of(evaluations))
    DevelopmentPlan.objects.filter(leader__in=evaluations).delete()
    FollowUp.objects.filter(leader__in=evaluations).delete()
    evaluations.update(person=None, name="", email="", erased_at=timezone.now())
    EvaluatedLeader.objects.filter(superior_email__in=emails).update(superior_email="")
    Invitation.objects.filter(person__in=people).delete()
    _list_corrections(listed).delete()
    _forget_archives(archives)
    _tasks_mentioning(values).delete()
    for rows in _login_attempts(emails):
        rows.delete()
    _forget_in_admin_history(listed, users, values)
    # An HR file waiting for its confirmation names the person too (CSV or XLSX alike).
    PendingImport.objects.filter(organisation__in={p.organisation_id for p in listed}).delete()
    PlanComment.objects.filter(author__in=user_ids).update(author=None, author_name="")
    _audit_by(user_ids).update(actor_label=DELETED_ACTOR)
    people.delete()
    User.objects.filter(pk__in=user_ids).delete()
    transaction.on_commit(settle_files)


def _forget_archives(archives: list[ReportArchive]) -> None:
    """Mark the zips deleted now and remove their files once the deletion has committed."""
    files = [archive.file for archive in archives if archive.file]
    ReportArchive.objects.filter(pk__in=[archive.pk for archive in archives]).update(
        status=ReportArchive.Status.DELETED, file=""
    )

    def remove() -> None:
        for name in files:
            Path(name).unlink(missing_ok=True)

    transaction.on_commit(remove)


def _forget_in_admin_history(people: list[Person], users: list[User], values: set[str]) -> None:
    """Django's admin history names the objects it changed: forget those of the deleted."""
    condition = Q()
    for person in people:
        condition |= Q(content_type__model="person", object_id=str(person.pk))
    for user in users:
        condition |= Q(content_type__model="user", object_id=str(user.pk)) | Q(user=user)
    for value in values:
        condition |= Q(object_repr__icontains=value) | Q(change_message__icontains=value)
    if condition:
        LogEntry.objects.filter(condition).delete()


# Rounds -------------------------------------------------------------------------------------


def _round_counts(rounds: Any) -> dict[str, int]:
    leaders = EvaluatedLeader.objects.filter(round__in=rounds)
    responses = Response.objects.filter(round__in=rounds)
    return {
        "rounds": rounds.count(),
        "invitations": Invitation.objects.filter(round__in=rounds).count(),
        "evaluations": leaders.filter(erased_at__isnull=True).count(),
        "responses": responses.count(),
        "answers": Answer.objects.filter(response__in=responses).count(),
        "comments": Comment.objects.filter(round__in=rounds).count(),
        "plans": DevelopmentPlan.objects.filter(round__in=rounds).count(),
        "follow_ups": FollowUp.objects.filter(round__in=rounds).count(),
        "list_corrections": ListCorrection.objects.filter(round__in=rounds).count(),
        "report_zips": ReportArchive.objects.filter(
            round__in=rounds, status=ReportArchive.Status.DONE
        ).count(),
    }


def plan_round_deletion(round_: Round) -> dict[str, int]:
    """What deleting the round would remove, as counts; nothing is changed."""
    return _round_counts(Round.objects.filter(pk=round_.pk))


@transaction.atomic
def delete_round(round_: Round, *, actor: User | None, reason: str = "request") -> dict[str, int]:
    """Delete a round in any state with everything under it: invitations, answers, reports'
    figures, plans, follow-ups, zips. A programme that measured its effect with it loses that
    round (its page then says the comparison is missing)."""
    round_ = (
        Round.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=round_.pk)
    )
    rounds = Round.objects.filter(pk=round_.pk)
    counts = _round_counts(rounds)
    _forget_archives(list(ReportArchive.objects.filter(round__in=rounds)))
    organisation = round_.organisation.slug
    rounds.delete()
    audit(
        "round.delete",
        actor=actor,
        organisation=organisation,
        round=round_.pk,
        status=round_.status,
        reason=reason,
        **{kind: count for kind, count in counts.items() if count},
    )
    transaction.on_commit(settle_files)
    return counts


# Organisations ------------------------------------------------------------------------------


def plan_organisation_deletion(organisation: Organisation) -> dict[str, int]:
    """What deleting the organisation would remove, as counts; nothing is changed."""
    people = list(Person.objects.filter(organisation=organisation).select_related("user"))
    counts = _round_counts(Round.objects.filter(organisation=organisation))
    counts["people"] = len(people)
    counts["accounts"] = len(_organisation_users(organisation, people))
    counts["audit_entries"] = AuditEntry.objects.filter(organisation=organisation.slug).count()
    return counts


def _organisation_users(organisation: Organisation, people: list[Person]) -> list[User]:
    """The accounts that exist only for this organisation: its people's and its HR's."""
    candidates = {person.user for person in people if person.user is not None}
    candidates |= {
        membership.user
        for membership in Membership.objects.filter(organisation=organisation).select_related(
            "user"
        )
    }
    return [
        user
        for user in candidates
        if not user.is_system_admin
        and not Person.objects.filter(user=user).exclude(organisation=organisation).exists()
        and not Membership.objects.filter(user=user).exclude(organisation=organisation).exists()
    ]


@transaction.atomic
def delete_organisation(organisation: Organisation, *, actor: User | None) -> dict[str, int]:
    """Delete the organisation and everything under it, its audit log and the accounts that
    exist only for it; one audit entry, without names, records that it was done."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    counts = plan_organisation_deletion(organisation)
    people = list(Person.objects.filter(organisation=organisation).select_related("user"))
    users = _organisation_users(organisation, people)
    values = _identities(people, users)
    emails = {person.email for person in people} | {user.email for user in users}
    user_ids = {user.pk for user in users}
    _forget_archives(list(ReportArchive.objects.filter(round__organisation=organisation)))
    _tasks_mentioning(values).delete()
    for rows in _login_attempts(emails):
        rows.delete()
    _forget_in_admin_history(people, users, values)
    AuditEntry.objects.filter(organisation=organisation.slug).delete()
    _audit_by(user_ids).update(actor_label=DELETED_ACTOR)
    PlanComment.objects.filter(author__in=user_ids).update(author=None, author_name="")
    # Everything under an organisation is tied to it by a cascading key; the keys that protect a
    # person or a unit from being deleted on their own (a round's invitations, a child unit)
    # restrict only deletions that do not take the protecting rows with them.
    organisation.delete()
    User.objects.filter(pk__in=user_ids).delete()
    audit(
        "organisation.delete",
        actor=actor,
        organisation=organisation.slug,
        **{kind: count for kind, count in counts.items() if count},
    )
    transaction.on_commit(settle_files)
    return counts


# The database files --------------------------------------------------------------------------


def settle_files() -> None:
    """After a deletion has committed: on SQLite, copy the write-ahead log into the database file
    and truncate it, so that no old page holding a deleted name stays in the log. The database
    file itself holds none: `secure_delete` overwrote the deleted content when it was removed."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for _attempt in range(20):
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _log, _done = cursor.fetchone()
            if not busy:
                return
        log.warning("the write-ahead log could not be truncated: another process is reading")
