"""What is computed from a closed round, kept per process and shared between processes: a closed
round never changes.

A closed round's figures, comparisons and participation decisions cost a region's first report
page several times the page itself. Each is computed once, put in the cache every server process
shares (the database, or Redis/Valkey: docs/deployment.md), and kept in each process that reads
it, so a server process that starts later loads it instead of computing it again. Closing a round
queues a task that computes them all (`omstil.reports.tasks.prepare_closed_round`), so that not
even the first reader waits.
"""

import functools
import logging
import pickle
from collections.abc import Callable

from django.core.cache import cache

from omstil.rounds.models import Round

log = logging.getLogger(__name__)

# Closed rounds whose results each process keeps; the ones used least recently go first.
ROUNDS_KEPT = 16
# How long the shared cache keeps a closed round's results after they were computed: the weeks
# in which its reports are read most. Afterwards the first reader computes them again.
SHARED_SECONDS = 30 * 24 * 60 * 60

_SHARED: dict[str, Callable[[Round], object]] = {}


def per_closed_round[T](compute: Callable[[Round], T]) -> Callable[[Round], T]:
    """`compute(round_)`, computed once for a closed round (then read from the shared cache and
    kept per process), every time otherwise.

    The key holds the time of closing, so a round closed again (in tests, or after a restore)
    is never served from an older result.
    """
    name = f"{compute.__module__}.{compute.__qualname__}"

    @functools.lru_cache(maxsize=ROUNDS_KEPT)
    def closed(round_id: int, closed_at: str) -> T:
        key = shared_key(name, round_id, closed_at)
        found = cache.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        value = compute(Round.objects.get(pk=round_id))
        try:
            cache.set(key, value, SHARED_SECONDS)
        except (pickle.PicklingError, TypeError, AttributeError):
            log.warning("%s of round %s is kept per process only", name, round_id)
        return value

    @functools.wraps(compute)
    def wrapper(round_: Round) -> T:
        if round_.status == Round.Status.CLOSED and round_.closed_at is not None:
            return closed(round_.pk, round_.closed_at.isoformat())
        return compute(round_)

    # What this process keeps can be dropped (as a new process starts without it).
    wrapper.forget_in_process = closed.cache_clear  # type: ignore[attr-defined]
    _SHARED[name] = wrapper
    return wrapper


def forget_in_process() -> None:
    """Drop every closed round's results this process keeps (the shared cache keeps its own)."""
    for wrapper in _SHARED.values():
        wrapper.forget_in_process()  # type: ignore[attr-defined]


def shared_key(name: str, round_id: int, closed_at: str) -> str:
    return f"closed-round:{name}:{round_id}:{closed_at}"
