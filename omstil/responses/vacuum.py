"""After a round closes, PostgreSQL's `VACUUM` reclaims the old row versions of the tables the
closing rewrote, so that no dead row keeps a lookup hash or who took part (docs/anonymity.md).

`VACUUM` cannot run inside a transaction: `close_round` registers `vacuum_answer_tables` to run
once the closing has committed. On SQLite there is nothing to do (`secure_delete` overwrites what
is deleted), and a failure is logged, never raised: the round is closed either way.
"""

import logging

from django.db import DatabaseError, connection

log = logging.getLogger(__name__)

ANSWER_TABLES = (
    "responses_response",
    "responses_answer",
    "responses_comment",
    "rounds_invitation",
    "rounds_participation",
)


def vacuum_answer_tables() -> None:
    """`VACUUM` the tables a closing rewrites, when on PostgreSQL and outside a transaction."""
    if connection.vendor != "postgresql":
        return
    if connection.in_atomic_block:
        log.warning("VACUUM after closing a round skipped: inside a transaction")
        return
    try:
        with connection.cursor() as cursor:
            for table in ANSWER_TABLES:
                cursor.execute(f"VACUUM {connection.ops.quote_name(table)}")
    except DatabaseError:
        log.warning("VACUUM after closing a round failed", exc_info=True)
