"""`omstil tick`: the installation's daily work, with `omstil round tick` as its alias."""

import io
import json
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from omstil.rounds.models import Round
from omstil.rounds.services import open_round
from tests.rounds_helpers import draft_round, kommune

KEYS = {
    "reminded",
    "closed",
    "rounds_with_owed_email",
    "pending_imports_deleted",
    "plan_reminders",
    "report_zips_given_up",
    "report_zips_deleted",
    "cache_entries_expired",
    "retention",
}


def tick(*command: str) -> dict:
    out = io.StringIO()
    call_command(*command, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_tick_closes_a_round_whose_last_day_has_passed(db):
    today = timezone.localdate()
    round_ = draft_round(
        kommune(), opens_on=today - timedelta(days=21), closes_on=today - timedelta(days=1)
    )
    open_round(round_)
    done = tick("tick")
    assert set(done) == KEYS
    assert done["closed"] == [round_.pk]
    assert Round.objects.get(pk=round_.pk).status == Round.Status.CLOSED


def test_round_tick_is_the_same_daily_work(db):
    today = timezone.localdate()
    round_ = draft_round(
        kommune(), opens_on=today - timedelta(days=21), closes_on=today - timedelta(days=1)
    )
    open_round(round_)
    assert tick("round", "tick")["closed"] == [round_.pk]
    assert (
        tick("round", "tick")
        == tick("tick")
        == {
            **dict.fromkeys(KEYS, 0),
            "reminded": [],
            "closed": [],
            "retention": {
                "organisations": {},
                "installation_audit_entries": 0,
                "finished_tasks": 0,
            },
        }
    )
