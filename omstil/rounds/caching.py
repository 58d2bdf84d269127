"""What is computed from a closed round, kept per process: a closed round never changes."""

import functools
from collections.abc import Callable

from omstil.rounds.models import Round

# Closed rounds whose results each process keeps; the ones used least recently go first.
ROUNDS_KEPT = 16


def per_closed_round[T](compute: Callable[[Round], T]) -> Callable[[Round], T]:
    """`compute(round_)`, computed once per process for a closed round, every time otherwise.

    The key holds the time of closing, so a round closed again (in tests, or after a restore)
    is never served from an older result.
    """

    @functools.lru_cache(maxsize=ROUNDS_KEPT)
    def closed(round_id: int, closed_at: str) -> T:
        return compute(Round.objects.get(pk=round_id))

    @functools.wraps(compute)
    def wrapper(round_: Round) -> T:
        if round_.status == Round.Status.CLOSED and round_.closed_at is not None:
            return closed(round_.pk, round_.closed_at.isoformat())
        return compute(round_)

    return wrapper
