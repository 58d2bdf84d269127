"""Who took part, as counts per leader and rater group: the only form in which it is shown.

While a round is open the counts are read from the invitations; when it closes they are written
to `Participation` and the invitations forget who completed (`omstil.responses.closing`).
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count, Q

from omstil.rounds.models import EvaluatedLeader, Invitation, Participation, Round


class GroupCount(NamedTuple):
    """Invited and completed about one leader (by pk) in one rater group."""

    leader_id: int
    rater_group: str
    invited: int
    completed: int


def group_counts(
    round_: Round, leaders: Iterable[EvaluatedLeader] | None = None
) -> list[GroupCount]:
    """Every (leader, rater group) of the round, or of `leaders` only, with its counts."""
    # A leader belongs to one round: filtered by the leaders alone, SQLite reads their rows
    # through the leader's index instead of every row of the round.
    ids = None if leaders is None else [leader.pk for leader in leaders]
    rows: Iterable[tuple[int, str, int, int]]
    if round_.status == Round.Status.CLOSED:
        closed = Participation.objects.filter(
            **({"round": round_} if ids is None else {"leader__in": ids})
        )
        rows = closed.values_list("leader_id", "rater_group", "invited", "completed")
    else:
        invitations = Invitation.objects.filter(
            **({"round": round_} if ids is None else {"leader__in": ids})
        )
        rows = (
            invitations.order_by()
            .values("leader_id", "rater_group")
            .annotate(invited=Count("pk"), done=Count("pk", filter=Q(completed=True)))
            .values_list("leader_id", "rater_group", "invited", "done")
        )
    return [GroupCount(*row) for row in rows]


def by_rater_group(counts: Iterable[GroupCount]) -> dict[str, dict[str, int]]:
    """The counts added up per rater group: {"employee": {"invited": n, "completed": n}, …}."""
    rates: dict[str, dict[str, int]] = defaultdict(lambda: {"invited": 0, "completed": 0})
    for count in counts:
        rates[count.rater_group]["invited"] += count.invited
        rates[count.rater_group]["completed"] += count.completed
    return dict(rates)


def tally(round_: Round) -> list[Participation]:
    """The counts of an open round as `Participation` rows, for closing to store."""
    return [
        Participation(
            round=round_,
            leader_id=count.leader_id,
            rater_group=count.rater_group,
            invited=count.invited,
            completed=count.completed,
        )
        for count in group_counts(round_)
    ]
