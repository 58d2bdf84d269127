"""Once a round has closed, PostgreSQL's VACUUM has reclaimed the old row versions of the tables
the closing rewrote; on SQLite no VACUUM is attempted, and the round closes all the same."""

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.db import connection

from omstil.responses.closing import close_round
from omstil.responses.vacuum import ANSWER_TABLES
from omstil.rounds.models import Round
from tests.report_fixtures import build_closed_round


def last_vacuums() -> dict[str, datetime | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, last_vacuum FROM pg_stat_user_tables WHERE relname = ANY(%s)",
            [list(ANSWER_TABLES)],
        )
        return dict(cursor.fetchall())


def database_now() -> datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        row = cursor.fetchone()
        assert row is not None
        return row[0]


@pytest.mark.django_db(transaction=True)
def test_closing_a_round_vacuums_the_tables_it_rewrote():
    round_ = build_closed_round(close=False)
    statements: list[str] = []

    def record(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        statements.append(sql)
        return execute(sql, *args)

    started = database_now() if connection.vendor == "postgresql" else None
    with connection.execute_wrapper(record):
        close_round(round_)

    assert Round.objects.get(pk=round_.pk).status == Round.Status.CLOSED
    vacuums = [sql for sql in statements if sql.lstrip().upper().startswith("VACUUM")]
    if connection.vendor != "postgresql":
        assert statements
        assert vacuums == []
        return
    assert len(vacuums) == len(ANSWER_TABLES)
    assert started is not None
    deadline = time.monotonic() + 10
    while True:
        found = last_vacuums()
        done = {name for name, at in found.items() if at is not None and at >= started}
        if done == set(ANSWER_TABLES) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert done == set(ANSWER_TABLES), found
