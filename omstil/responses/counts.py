"""A round's answers counted by leader, rater group, statement and answer – once, at closing.

Every figure of a round is made from these counts (`omstil.reports.figures`). While a round is
open they are counted by the database each time; when it closes they are counted once more and
stored (`ClosedCounts`), so that any server process that later makes a report loads a few
compressed arrays instead of counting a region's answers again.
"""

import io
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import IntegrityError, connections, transaction
from django.db.models import Count, Q

from omstil.responses.models import Answer, ClosedCounts
from omstil.rounds.models import Round

ANSWERS = ("1", "2", "3", "4", "5", "dont_know", "prefer_not")


@dataclass(frozen=True)
class LeaderCounts:
    """`counts[leader, key, answer]`: how many of `leaders[leader]`'s raters in `keys[key]`
    (rater group, statement) gave each of the ANSWERS."""

    leaders: "npt.NDArray[np.int64]"
    keys: list[tuple[str, str]]
    counts: "npt.NDArray[np.int32]"


def counts_of(round_: Round) -> LeaderCounts:
    """The round's counts: stored at closing for a closed round, counted now otherwise.

    A round closed before counts were stored has them counted and stored the first time.
    """
    if round_.status != Round.Status.CLOSED or round_.closed_at is None:
        return count(round_)
    row = ClosedCounts.objects.filter(round=round_, closed_at=round_.closed_at).first()
    if row is not None:
        return _loaded(row)
    counted = count(round_)
    _store(round_, counted)
    return counted


def store(round_: Round) -> None:
    """Count the closed round's answers and store the counts (in the closing transaction)."""
    _store(round_, count(round_))


def _store(round_: Round, counted: LeaderCounts) -> None:
    if round_.closed_at is None:
        raise ValueError("only a closed round's counts are stored")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, leaders=counted.leaders, counts=counted.counts)
    try:
        with transaction.atomic():
            ClosedCounts.objects.update_or_create(
                round=round_,
                defaults={
                    "closed_at": round_.closed_at,
                    "keys": [list(key) for key in counted.keys],
                    "data": buffer.getvalue(),
                },
            )
    except IntegrityError:
        pass  # another process stored the same counts at the same moment


def _loaded(row: ClosedCounts) -> LeaderCounts:
    with np.load(io.BytesIO(bytes(row.data))) as arrays:
        leaders, counts = arrays["leaders"], arrays["counts"]
    return LeaderCounts(leaders, [(group, item) for group, item in row.keys], counts)


def count(round_: Round) -> LeaderCounts:
    """Count the round's submitted answers in the database, one row per leader, rater group and
    statement with the seven answers counted apart."""
    query = (
        Answer.objects.filter(response__round=round_, response__submitted=True)
        .values_list("response__leader_id", "response__rater_group", "item_key")
        .annotate(
            total=Count("*"),
            **{
                f"answer_{index}": Count("value", filter=Q(value=v))
                for index, v in enumerate(ANSWERS)
            },
        )
        .order_by()
    )
    # Read straight from the cursor: converting every count to int again, as the queryset
    # does, would take as long as the database takes to count them.
    sql, params = query.query.get_compiler(using=query.db).as_sql()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    leaders: dict[int, int] = {}
    keys: dict[tuple[str, str], int] = {}
    for leader, group, item, *_counts in rows:
        leaders.setdefault(leader, len(leaders))
        keys.setdefault((group, item), len(keys))
    counts = np.zeros((len(leaders), len(keys), len(ANSWERS)), dtype=np.int32)
    if rows:
        answers = np.array([row[3:] for row in rows], dtype=np.int32)
        if (wrong := np.flatnonzero(answers[:, 0] != answers[:, 1:].sum(axis=1))).size:
            _leader, group, item, *_rest = rows[wrong[0]]
            raise ValueError(f"not an answer among the {group} answers to {item}")
        at_leader = np.array([leaders[row[0]] for row in rows], dtype=np.int64)
        at_key = np.array([keys[(row[1], row[2])] for row in rows], dtype=np.int64)
        counts[at_leader, at_key] = answers[:, 1:]
    return LeaderCounts(np.array(list(leaders), dtype=np.int64), list(keys), counts)
