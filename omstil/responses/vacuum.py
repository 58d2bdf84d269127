"""After a round closes, PostgreSQL's `VACUUM` reclaims the old row versions of the tables the
closing rewrote, so that no dead row keeps a lookup hash or who took part (docs/anonymity.md).

`VACUUM` cannot run inside a transaction: `close_round` registers `vacuum_answer_tables` to run
once the closing has committed, and it runs on a connection of its own in autocommit mode. On
SQLite there is nothing to do (`secure_delete` overwrites what is deleted, docs/privacy.md). A
failure is logged, never raised: the round is closed either way, and autovacuum comes later.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger(__name__)

ANSWER_TABLES = (
    "responses_response",
    "responses_answer",
    "responses_comment",
    "rounds_invitation",
    "rounds_participation",
)


def vacuum_answer_tables() -> None:
    """`VACUUM` each table a closing rewrites, on PostgreSQL; log a warning for any that fails."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        for table in ANSWER_TABLES:
            try:
                with own.cursor() as cursor:
                    cursor.execute(f"VACUUM {own.ops.quote_name(table)}")
            except DatabaseError:
                log.warning("VACUUM %s after closing a round failed", table, exc_info=True)
    finally:
        own.close()
