"""The one way to audit: `audit(event, actor=…, **fields)` writes a row and a log line.

Every service that changes state calls it inside its transaction, so a change that is rolled
back leaves no entry, and an entry is never missing for a change that was made. The log line
follows when the transaction commits. Fields are plain values (ids, slugs, counts), never answers.
"""

import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from omstil.core.models import AuditEntry

log = logging.getLogger("omstil.audit")
SYSTEM = "system"


def audit(
    event: str,
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    organisation: str = "",
    **fields: Any,
) -> AuditEntry:
    """Record that `actor` (None: the system, e.g. the daily tick) did `event`."""
    known = actor is not None and actor.is_authenticated
    actor_id = actor.pk if known and actor is not None else None
    label = getattr(actor, "email", "") if known else ""
    entry = AuditEntry.objects.create(
        event=event,
        actor_id=actor_id,
        actor_label=label or SYSTEM,
        organisation=organisation,
        fields={key: _plain(value) for key, value in fields.items()},
    )
    line = " ".join(
        [event, *(f"{key}={value!r}" for key, value in entry.fields.items())]
        + ([f"org={organisation}"] if organisation else [])
        + [f"actor={actor_id if actor_id is not None else SYSTEM}"]
    )
    transaction.on_commit(lambda: log.info("%s", line))
    return entry


def _plain(value: Any) -> Any:
    """A value JSON can hold as it is; anything else (a date, a model) as its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return str(value)


def last_entry(event: str, **fields: Any) -> AuditEntry | None:
    """The latest entry of `event` whose fields hold these values, if any."""
    lookups = {f"fields__{name}": value for name, value in fields.items()}
    return AuditEntry.objects.filter(event=event, **lookups).order_by("-at", "-pk").first()
