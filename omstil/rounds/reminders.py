"""Reminders: the days a new round proposes, how many a reminder goes to, and those sent.

How many have not answered is a count of who took part, so it follows the round page's rules
(docs/disclosure.md): it is taken from the round's counts as they stood at their last hourly
refresh, never live, and it is shown only where the round page shows how many have answered in
all. `omstil round status`, the operator's view, stays live.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from omstil.rounds.models import Reminder, Round
from omstil.rounds.participation import group_counts, round_overview

# A new round proposes a reminder a week after it opens and another five days later.
PROPOSED_REMINDER_DAYS = (7, 12)


def proposed_reminder_dates(opens_on: date, closes_on: date) -> list[date]:
    """The reminders a new round is proposed: 7 and 12 days after it opens, those before the
    closing day only. HR may change or remove them."""
    days = (opens_on + timedelta(days=after) for after in PROPOSED_REMINDER_DAYS)
    return [day for day in days if day < closes_on]


def not_completed(round_: Round) -> int:
    """How many invitations are not completed, in the round's counts as they stood at their last
    refresh (at most an hour old while the round is open): what a reminder records."""
    return sum(count.invited - count.completed for count in group_counts(round_))


def not_answered_shown(round_: Round) -> int | None:
    """How many a reminder would go to, as HR may be told: None where the round page does not
    show how many have answered in all (too few invited, or it could be worked out)."""
    total = round_overview(round_)["total"]
    if total["completed"] is None:
        return None
    return int(total["invited"]) - int(total["completed"])


@dataclass(frozen=True)
class SentReminder:
    """A reminder as the round page lists it."""

    at: datetime
    planned: bool
    by: str
    recipients: int | None


def sent_reminders(round_: Round, *, counts_shown: bool) -> list[SentReminder]:
    """The reminders the round has sent, oldest first; their counts only if `counts_shown`
    (the round page shows how many have answered in all, `not_answered_shown`)."""
    return [
        SentReminder(
            at=reminder.requested_at,
            planned=reminder.planned,
            by=(
                _("Planlagt")
                if reminder.planned
                else (
                    _("Sendt af %(name)s") % {"name": reminder.requested_by.get_short_name()}
                    if reminder.requested_by is not None
                    else _("Sendt manuelt")
                )
            ),
            recipients=reminder.recipients if counts_shown else None,
        )
        for reminder in Reminder.objects.filter(round=round_).select_related("requested_by")
    ]
