"""The cache every server process shares: Django's database cache with an atomic `incr`.

Rate limits count with `add` and `incr` (`omstil.core.clients.count_request`). Django's database
cache adds a key atomically (a second insert of the same key fails and `add` says False), but its
`incr` reads and writes the value in two steps, so two servers counting at once could both write
the same count. Here `incr` locks the row first (PostgreSQL `FOR UPDATE`; SQLite writes one
transaction at a time), so N attempts spread over any number of servers count as N.
"""

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import router, transaction
from django.utils import timezone

from omstil.core.models import CacheEntry


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache (`CACHE_URL` unset), counting atomically."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        database = router.db_for_write(CacheEntry)
        with transaction.atomic(using=database):
            entry = (
                CacheEntry.objects.using(database)
                .select_for_update()
                .filter(cache_key=key, expires__gt=timezone.now())
                .first()
            )
            if entry is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(entry.value.encode("latin1"))) + delta  # noqa: S301
            entry.value = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode(
                "latin1"
            )
            entry.save(update_fields=["value"], using=database)
        return value


def expire() -> int:
    """Delete the entries whose time is up (the database cache removes them only when full)."""
    deleted, _ = CacheEntry.objects.filter(expires__lte=timezone.now()).delete()
    return deleted
