"""Carrying out the retention rules: what the daily tick deletes, and why it may.

Per organisation (`omstil.privacy.retention.rules_for`):

- people who left (no longer in the HR file) are deleted `leavers_months` after they left, as
  `omstil person delete` deletes them;
- a closed round's invitations go `invitation_days` after it closed; the counts of who took part
  stay (`rounds.Participation`), and so does everything the reports show;
- a closed round goes, with everything under it, `answers_years` after it closed, unless a round
  that is still kept shows its figures (a leader's trend, a unit's change, a programme's effect):
  then it stays as long as that round does, so no report still within retention changes;
- audit entries older than `audit_years` go.

Across the installation, finished background tasks go after `TASK_RESULT_DAYS`: a sent e-mail's
task holds its address and text. Every removal is audited per organisation with its counts; a
run that removes nothing writes nothing.
"""

import calendar
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from omstil.core.audit import audit
from omstil.core.models import AuditEntry
from omstil.organisations.models import Organisation, Person
from omstil.privacy.deletion import delete_person, delete_round, settle_files
from omstil.privacy.models import DEFAULTS, RetentionPolicy
from omstil.privacy.retention import rules_for
from omstil.programmes.models import Programme
from omstil.reports.services import rounds_drawn_on
from omstil.rounds.models import Invitation, Round

# Days a finished background task (a sent e-mail among them) is kept for troubleshooting.
TASK_RESULT_DAYS = 7


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day if shorter)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def years_before(moment: datetime, years: int) -> datetime:
    return months_before(moment, 12 * years)


def expired_rounds(
    organisation: Organisation, policy: RetentionPolicy, now: datetime
) -> list[Round]:
    """The closed rounds past `answers_years` that no kept round's reports draw on."""
    closed = Round.objects.filter(organisation=organisation, status=Round.Status.CLOSED)
    cutoff = years_before(now, policy.answers_years)
    candidates = {r.pk: r for r in closed.filter(closed_at__lt=cutoff)}
    if not candidates:
        return []
    kept = list(closed.exclude(pk__in=candidates))
    needed: set[int] = set()
    for round_ in kept:
        needed |= rounds_drawn_on(round_)
    kept_ids = {r.pk for r in kept}
    for pair in Programme.objects.filter(organisation=organisation).values_list(
        "baseline_round", "follow_up_round"
    ):
        if kept_ids & set(pair):
            needed |= {pk for pk in pair if pk is not None}
    return [r for pk, r in sorted(candidates.items()) if pk not in needed]


def due(organisation: Organisation, now: datetime | None = None) -> dict[str, Any]:
    """What the next tick would remove in the organisation, without removing it."""
    now = now or timezone.now()
    policy = rules_for(organisation)
    return {
        "leavers": list(_leavers(organisation, policy, now)),
        "invitations": _invitations(organisation, policy, now).count(),
        "rounds": expired_rounds(organisation, policy, now),
        "audit_entries": _audit_entries(organisation, policy, now).count(),
    }


def _leavers(organisation: Organisation, policy: RetentionPolicy, now: datetime) -> Any:
    return Person.objects.filter(
        organisation=organisation,
        active=False,
        deactivated_at__lt=months_before(now, policy.leavers_months),
    ).order_by("pk")


def _invitations(organisation: Organisation, policy: RetentionPolicy, now: datetime) -> Any:
    return Invitation.objects.filter(
        round__organisation=organisation,
        round__status=Round.Status.CLOSED,
        round__closed_at__lt=now - timedelta(days=policy.invitation_days),
    )


def _audit_entries(organisation: Organisation, policy: RetentionPolicy, now: datetime) -> Any:
    return AuditEntry.objects.filter(
        organisation=organisation.slug, at__lt=years_before(now, policy.audit_years)
    )


def carry_out(organisation: Organisation, now: datetime | None = None) -> dict[str, int]:
    """Apply the organisation's rules once; each deletion is its own transaction."""
    now = now or timezone.now()
    policy = rules_for(organisation)
    removed = {"people": 0, "invitations": 0, "rounds": 0, "audit_entries": 0}
    # The log first, so that the entries this run writes are never among those it removes.
    with transaction.atomic():
        removed["audit_entries"], _kinds = _audit_entries(organisation, policy, now).delete()
    for person in _leavers(organisation, policy, now):
        delete_person(person, actor=None, reason="retention")
        removed["people"] += 1
    for round_ in expired_rounds(organisation, policy, now):
        delete_round(round_, actor=None, reason="retention")
        removed["rounds"] += 1
    with transaction.atomic():
        removed["invitations"], _kinds = _invitations(organisation, policy, now).delete()
        if removed["invitations"] or removed["audit_entries"]:
            audit(
                "retention.run",
                actor=None,
                organisation=organisation.slug,
                invitations=removed["invitations"],
                audit_entries=removed["audit_entries"],
            )
    if removed["invitations"]:
        transaction.on_commit(settle_files)
    return removed


def carry_out_everywhere(now: datetime | None = None) -> dict[str, Any]:
    """The daily tick's retention work: every organisation's rules, then the installation's."""
    now = now or timezone.now()
    by_organisation = {}
    for organisation in Organisation.objects.order_by("slug"):
        removed = carry_out(organisation, now)
        if any(removed.values()):
            by_organisation[organisation.slug] = removed
    # Entries outside any organisation (system administrators' own work) follow the longest
    # rule of any organisation.
    longest = max(
        [rules_for(organisation).audit_years for organisation in Organisation.objects.all()]
        or [DEFAULTS["audit_years"]]
    )
    installation, _kinds = AuditEntry.objects.filter(
        organisation="", at__lt=years_before(now, longest)
    ).delete()
    tasks, _kinds = DBTaskResult.objects.filter(
        Q(finished_at__lt=now - timedelta(days=TASK_RESULT_DAYS)), finished_at__isnull=False
    ).delete()
    return {
        "organisations": by_organisation,
        "installation_audit_entries": installation,
        "finished_tasks": tasks,
    }
