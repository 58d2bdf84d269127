"""Who took part, as counts per leader and rater group: the only form in which it is shown.

While a round is open the counts are read from the invitations; when it closes they are written
to `Participation` and the invitations forget who completed (`omstil.responses.closing`).

What leaders and HR see follows two rules (docs/disclosure.md): a group's count of who completed
is shown only when at least the round's minimum group size were invited
(`omstil.lib.disclosure.participation`), and while a round is open the counts they see are
refreshed at most once an hour, so that a change cannot be tied to one person's submit. The
operator's `omstil round status` reads them live.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from omstil.accounts.models import User
from omstil.lib.disclosure import Counts, Table, participation, participation_shown, suppress
from omstil.organisations.models import PATH_SEPARATOR
from omstil.rounds import tokens
from omstil.rounds.caching import per_closed_round
from omstil.rounds.models import (
    COMPETENCE_GROUP,
    EvaluatedLeader,
    Invitation,
    Participation,
    Round,
)


class GroupCount(NamedTuple):
    """Invited and completed about one leader (by pk) in one rater group."""

    leader_id: int
    rater_group: str
    invited: int
    completed: int


def _read(round_: Round, ids: list[int] | None) -> list[GroupCount]:
    # A leader belongs to one round: filtered by the leaders alone, SQLite reads their rows
    # through the leader's index instead of every row of the round.
    where: dict[str, Any] = {"round": round_} if ids is None else {"leader__in": ids}
    rows: Iterable[tuple[int, str, int, int]]
    if round_.status == Round.Status.CLOSED:
        rows = Participation.objects.filter(**where).values_list(
            "leader_id", "rater_group", "invited", "completed"
        )
    else:
        rows = (
            Invitation.objects.filter(**where)
            .order_by()
            .values("leader_id", "rater_group")
            .annotate(invited=Count("pk"), done=Count("pk", filter=Q(completed=True)))
            .values_list("leader_id", "rater_group", "invited", "done")
        )
    return [GroupCount(*row) for row in rows]


def _snapshot(round_: Round, every: int) -> list[GroupCount]:
    """The open round's counts as taken in the current period of `every` seconds: the first
    process to ask in a period takes them, on the round's row, and every process reads those."""
    now = timezone.now()
    period = int(now.timestamp()) // every
    stored, taken_at = Round.objects.values_list(
        "participation_snapshot", "participation_taken_at"
    ).get(pk=round_.pk)
    if taken_at is not None and int(taken_at.timestamp()) // every == period:
        return [GroupCount(*row) for row in stored]
    counts = _read(round_, None)
    won = Round.objects.filter(pk=round_.pk, participation_taken_at=taken_at).update(
        participation_snapshot=[list(count) for count in counts], participation_taken_at=now
    )
    if not won:  # another process took this period's counts a moment earlier: use theirs
        return _snapshot(round_, every)
    return counts


def group_counts(
    round_: Round, leaders: Iterable[EvaluatedLeader] | None = None, *, live: bool = False
) -> list[GroupCount]:
    """Every (leader, rater group) of the round, or of `leaders` only, with its counts.

    For an open round, unless `live`, the counts as they stood at the round's last hourly
    snapshot.
    """
    ids = None if leaders is None else [leader.pk for leader in leaders]
    every = settings.OMSTIL_PARTICIPATION_REFRESH_SECONDS
    if live or round_.status != Round.Status.OPEN or not every:
        return _read(round_, ids)
    snapshot = _snapshot(round_, every)
    if ids is None:
        return snapshot
    wanted = set(ids)
    return [row for row in snapshot if row.leader_id in wanted]


def by_rater_group(counts: Iterable[GroupCount]) -> dict[str, dict[str, int]]:
    """The counts added up per rater group: {"employee": {"invited": n, "completed": n}, …}."""
    rates: dict[str, dict[str, int]] = defaultdict(lambda: {"invited": 0, "completed": 0})
    for count in counts:
        rates[count.rater_group]["invited"] += count.invited
        rates[count.rater_group]["completed"] += count.completed
    return dict(rates)


def shown(counts: dict[str, int], minimum: int) -> dict[str, int | str | None]:
    """A group's counts as leaders and HR may see them: `completed` None for a small group."""
    completed = participation(counts["invited"], counts["completed"], minimum)
    return {
        "invited": counts["invited"],
        "completed": completed,
        "hidden": None if completed is not None else "few",
    }


def shown_by_rater_group(
    counts: Iterable[GroupCount], minimum: int
) -> dict[str, dict[str, int | str | None]]:
    """`by_rater_group`, each group as it may be shown (`shown`)."""
    return {group: shown(rate, minimum) for group, rate in by_rater_group(counts).items()}


def round_status(round_: Round) -> dict[str, Any]:
    """Counts only: invited and completed, in all and per evaluated leader and unit.

    The operator's view (`omstil round status`): live and unsuppressed. What HR's page shows is
    `round_overview`.
    """
    leaders = {
        leader.pk: leader
        for leader in EvaluatedLeader.objects.filter(round=round_).only("employee_id", "unit_path")
    }
    by_leader: dict[str, dict[str, int]] = defaultdict(lambda: {"invited": 0, "completed": 0})
    by_unit: dict[str, dict[str, int]] = defaultdict(lambda: {"invited": 0, "completed": 0})
    invited = completed = 0
    for count in group_counts(round_, live=True):
        leader = leaders[count.leader_id]
        invited += count.invited
        completed += count.completed
        for row in (by_leader[leader.employee_id], by_unit[leader.unit_path]):
            row["invited"] += count.invited
            row["completed"] += count.completed
    return {
        "round": round_.pk,
        "status": round_.status,
        "invited": invited,
        "completed": completed,
        "by_leader": [
            {"leader": leader_id, **counts} for leader_id, counts in sorted(by_leader.items())
        ],
        "by_unit": [{"unit": path, **counts} for path, counts in sorted(by_unit.items())],
    }


# The anonymous groups, whose counts HR's round page shows per leader, per unit and in all. The
# self and superior groups are named in every report and have one invitee each: the page shows
# them only added up over all leaders.
ANONYMOUS_GROUPS = ("employee", "peer", COMPETENCE_GROUP)
NAMED_GROUPS = ("self", "superior")


def round_overview(round_: Round) -> dict[str, Any]:
    """What HR's round page shows of who took part: at most hourly fresh while the round runs,
    and no count that is, or can be worked out to be, a group of fewer than the minimum invited
    (`omstil.lib.disclosure.participation_shown`)."""
    minimum = round_.min_group_size
    leaders = {leader.pk: leader for leader in EvaluatedLeader.objects.filter(round=round_)}
    counts = group_counts(round_)
    anonymous = [count for count in counts if count.rater_group in ANONYMOUS_GROUPS]
    units: dict[str, dict[tuple[int, str], int]] = defaultdict(dict)
    rows_of: dict[str, list[GroupCount]] = defaultdict(list)
    for count in anonymous:
        path = leaders[count.leader_id].unit_path
        units[path][(count.leader_id, count.rater_group)] = count.invited
        rows_of[path].append(count)
    named = by_rater_group(count for count in counts if count.rater_group in NAMED_GROUPS)
    decided = participation_shown(
        units, minimum, {(0, group): rate["invited"] for group, rate in named.items()}
    )

    def added(rows: Iterable[GroupCount], show: bool) -> dict[str, int | str | None]:
        rows = list(rows)
        invited = sum(row.invited for row in rows)
        return {
            "invited": invited,
            "completed": sum(row.completed for row in rows) if show else None,
            "hidden": None if show else _hidden_reason(invited, minimum),
        }

    per_leader: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for count in sorted(anonymous, key=lambda row: ANONYMOUS_GROUPS.index(row.rater_group)):
        shown_group = decided.groups[(count.leader_id, count.rater_group)]
        per_leader[count.leader_id].append(
            {"group": count.rater_group, **added([count], shown_group)}
        )
    return {
        "total": added(counts, decided.total),
        "leaders": [
            {"name": leaders[leader_id].name, "groups": groups}
            for leader_id, groups in sorted(
                per_leader.items(), key=lambda row: leaders[row[0]].name
            )
        ],
        "units": [
            {
                "unit": path,
                **added(rows_of[path], decided.units[path]),
            }
            for path in sorted(units)
        ],
        # Outside every unit, each summed over all leaders: shown by the group rule alone.
        "named": {group: shown(rate, minimum) for group, rate in named.items()},
    }


def rounds_about_leader(user: User) -> list[dict[str, Any]]:
    """For a leader who logs in: each round that evaluates them, with their own response rate.

    A user is the leader whose active person in the HR file their account is tied to.
    """
    leaders = EvaluatedLeader.objects.filter(person__user=user, person__active=True).select_related(
        "round__organisation"
    )
    return [
        {
            "round": leader.round,
            "leader": leader,
            "groups": shown_by_rater_group(
                group_counts(leader.round, [leader]), leader.round.min_group_size
            ),
            # The leader's own self-rating is theirs to know, whatever the size of the group.
            "answered_self": next(
                (
                    count.completed > 0
                    for count in group_counts(leader.round, [leader], live=True)
                    if count.rater_group == "self"
                ),
                None,
            ),
            "self_url": _own_link(leader),
        }
        for leader in leaders.order_by("-round__opens_on")
    ]


def _own_link(leader: EvaluatedLeader) -> str:
    """While the round is open, the leader's own link to their self-rating (the one their
    invitation e-mail holds), for the leader signed in; "" when there is none."""
    round_ = leader.round
    if not round_.is_open or "self" not in round_.rater_groups or leader.person_id is None:
        return ""
    invitation = Invitation.objects.filter(
        round=round_, leader=leader, rater_group="self", person_id=leader.person_id
    ).first()
    if invitation is None:
        return ""
    token = tokens.token_for(round_.token_salt, invitation.person_id, leader.employee_id, "self")
    return reverse("responses:start", args=[token])


def _hidden_reason(invited: int, minimum: int) -> str:
    """Why a count is not shown: "few" invited, or "derived": it could be worked out."""
    return "few" if invited < minimum else "derived"


@per_closed_round
def closed_decisions(round_: Round) -> dict[str, dict[Hashable, bool]]:
    """For each rater group, which leaders' and units' counts a closed round's reports show.

    The leaders' groups and the units form a tree; a count is shown when at least the minimum
    were invited and no shown count minus the shown counts inside it leaves a smaller group
    (`omstil.lib.disclosure.suppress`, with the invited counted as the group's size).
    """
    units_of = dict(EvaluatedLeader.objects.filter(round=round_).values_list("pk", "unit_path"))
    by_group: dict[str, list[GroupCount]] = defaultdict(list)
    for count in _read(round_, None):
        by_group[count.rater_group].append(count)
    decisions: dict[str, dict[Hashable, bool]] = {}
    for group, counts in by_group.items():
        table = Table()
        totals: dict[str, int] = defaultdict(int)
        for count in counts:
            path = units_of[count.leader_id]
            table.add(
                ("leader", count.leader_id), Counts((count.invited, 0, 0, 0, 0)), ("unit", path)
            )
            parts = path.split(PATH_SEPARATOR)
            for depth in range(1, len(parts) + 1):
                totals[PATH_SEPARATOR.join(parts[:depth])] += count.invited
        for path, invited in totals.items():
            parent = PATH_SEPARATOR.join(path.split(PATH_SEPARATOR)[:-1])
            table.add(
                ("unit", path), Counts((invited, 0, 0, 0, 0)), ("unit", parent) if parent else None
            )
        figures = suppress(table, round_.min_group_size, hide="nested")
        decisions[group] = {key: not figure.suppressed for key, figure in figures.items()}
    return decisions


def report_rates(
    round_: Round, leaders: list[EvaluatedLeader], unit_path: str | None = None
) -> dict[str, dict[str, int | str | None]]:
    """How many were invited and answered, per rater group, as a closed report shows it: of one
    leader (`leaders` is them alone) or of the unit at `unit_path` with everything below it."""
    key: Hashable = ("unit", unit_path) if unit_path is not None else ("leader", leaders[0].pk)
    decisions = closed_decisions(round_) if round_.status == Round.Status.CLOSED else {}
    rates: dict[str, dict[str, int | str | None]] = {}
    for group, rate in by_rater_group(group_counts(round_, leaders)).items():
        if decisions.get(group, {}).get(key, False):
            rates[group] = {**rate, "hidden": None}
        else:
            reason = _hidden_reason(rate["invited"], round_.min_group_size)
            rates[group] = {"invited": rate["invited"], "completed": None, "hidden": reason}
    return rates


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
        for count in _read(round_, None)
    ]
