"""Once a round has closed, PostgreSQL's VACUUM has reclaimed the old row versions of the tables
the closing rewrote, on a connection of its own after the closing committed; a VACUUM that fails
is logged and the round is closed all the same. On SQLite no VACUUM is attempted."""

import logging
import time
from datetime import datetime
from typing import Any

import pytest
from django.db import connection, connections

from omstil.responses import vacuum
from omstil.responses.closing import close_round
from omstil.responses.vacuum import ANSWER_TABLES
from omstil.rounds.models import Round
from tests.report_fixtures import build_closed_round


def table_stats() -> dict[str, tuple[datetime | None, int]]:
    """`last_vacuum` and `n_dead_tup` of each answer table, as the statistics say now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, last_vacuum, n_dead_tup FROM pg_stat_user_tables"
            " WHERE relname = ANY(%s)",
            [list(ANSWER_TABLES)],
        )
        return {name: (at, dead) for name, at, dead in cursor.fetchall()}


def database_now() -> datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        row = cursor.fetchone()
        assert row is not None
        return row[0]


def vacuumed_since(started: datetime) -> dict[str, tuple[datetime | None, int]]:
    """Poll the statistics (they arrive asynchronously) until every table is vacuumed and clean."""
    deadline = time.monotonic() + 10
    while True:
        found = table_stats()
        if all(at is not None and at >= started and dead == 0 for at, dead in found.values()) or (
            time.monotonic() > deadline
        ):
            return found
        time.sleep(0.2)


def dead_tuples_on_disk(table: str) -> int:
    """Dead row versions in the table's pages, counted by reading them (pgstattuple)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        cursor.execute("SELECT dead_tuple_count FROM pgstattuple(%s)", [table])
        row = cursor.fetchone()
        assert row is not None
        return int(row[0])


@pytest.fixture
def own_connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every connection the VACUUM opens of its own."""
    opened: list[Any] = []
    create = connections.create_connection

    def recording(alias: str) -> Any:
        made = create(alias)
        opened.append(made)
        return made

    monkeypatch.setattr(connections, "create_connection", recording)
    return opened


@pytest.mark.django_db(transaction=True)
def test_closing_a_round_vacuums_the_tables_it_rewrote(own_connections):
    round_ = build_closed_round(close=False)
    started = database_now() if connection.vendor == "postgresql" else None
    # A backend sends its statistics at most once a second; after a pause, the closing's dead
    # rows are counted when it commits, before the VACUUM, which then counts them gone.
    time.sleep(1.1)

    close_round(round_)

    assert Round.objects.get(pk=round_.pk).status == Round.Status.CLOSED
    if connection.vendor != "postgresql":
        assert own_connections == []
        return
    assert len(own_connections) == 1
    assert own_connections[0] is not connection
    assert own_connections[0].connection is None, "the VACUUM's connection is left open"
    assert started is not None
    found = vacuumed_since(started)
    assert set(found) == set(ANSWER_TABLES)
    for table, (at, dead) in found.items():
        assert at is not None, (table, found)
        assert at >= started, (table, found)
        assert dead == 0, (table, found)
        assert dead_tuples_on_disk(table) == 0, table


@pytest.mark.django_db(transaction=True)
def test_a_failing_vacuum_is_logged_and_the_round_closes_all_the_same(
    monkeypatch, caplog, own_connections
):
    round_ = build_closed_round(close=False)
    started = database_now() if connection.vendor == "postgresql" else None
    monkeypatch.setattr(vacuum, "ANSWER_TABLES", ("responses_no_such_table", *ANSWER_TABLES))

    with caplog.at_level(logging.WARNING, logger="omstil.responses.vacuum"):
        close_round(round_)

    assert Round.objects.get(pk=round_.pk).status == Round.Status.CLOSED
    warnings = [record.getMessage() for record in caplog.records if record.name == vacuum.log.name]
    if connection.vendor != "postgresql":
        assert own_connections == []
        assert warnings == []
        return
    assert warnings == ["VACUUM responses_no_such_table after closing a round failed"]
    assert started is not None
    found = vacuumed_since(started)
    assert all(at is not None and at >= started for at, _ in found.values()), found
