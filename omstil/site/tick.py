"""The daily work of every app, in one place: `omstil tick` (and its alias `omstil round tick`).

Each job is its own app's service and safe to run twice a day or from two machines at once; this
module only says in which order they run and reports what each did.
"""

from typing import Any

from omstil.core.cache import expire as expire_cache
from omstil.development.services import send_action_reminders
from omstil.organisations.services import purge_pending_imports
from omstil.privacy.expiry import carry_out_everywhere
from omstil.reports.tasks import delete_old_archives, give_up_stale_archives
from omstil.responses.closing import close_due_rounds
from omstil.rounds.services import send_due_reminders
from omstil.rounds.tasks import queue_all_owed


def run_daily_jobs() -> dict[str, Any]:
    """Send due reminders, close rounds past their end, resume owed e-mail, tidy up old files
    and expired entries of the shared cache, carry out every organisation's retention rules.

    Reminders go before closing so that a round whose last day was yesterday still gets the
    reminder planned for that day only if it is still open.
    """
    reminded = send_due_reminders()
    plan_reminders = send_action_reminders()
    closed = close_due_rounds()
    return {
        "reminded": reminded,
        "closed": closed,
        "rounds_with_owed_email": queue_all_owed(),
        "pending_imports_deleted": purge_pending_imports(),
        "plan_reminders": plan_reminders,
        "report_zips_given_up": give_up_stale_archives(),
        "report_zips_deleted": delete_old_archives(),
        "cache_entries_expired": expire_cache(),
        # Last, so that what closed today is counted and kept by today's rules.
        "retention": carry_out_everywhere(),
    }
