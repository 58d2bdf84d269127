"""A closed round's answers are counted once, when it closes, and every report's figures are made
from those stored counts: no process counts the answers of a closed round again."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from omstil.core.models import CacheEntry
from omstil.reports import figures
from omstil.reports.comparisons import comparisons
from omstil.reports.tasks import prepare_closed_round
from omstil.responses.counts import count, counts_of
from omstil.responses.models import Answer, ClosedCounts
from omstil.rounds.caching import forget_in_process
from omstil.rounds.models import Round
from omstil.rounds.participation import closed_decisions

ANSWER_TABLE = Answer._meta.db_table


def fresh(round_: Round) -> Round:
    return Round.objects.get(pk=round_.pk)


def test_closing_stores_the_counts_the_answers_give(closed):
    round_ = fresh(closed)
    stored = ClosedCounts.objects.get(round=round_)
    assert stored.closed_at == round_.closed_at
    loaded, counted = counts_of(round_), count(round_)
    assert loaded.keys == counted.keys
    assert loaded.leaders.tolist() == counted.leaders.tolist()
    assert loaded.counts.tolist() == counted.counts.tolist()
    assert loaded.counts.sum() == Answer.objects.filter(response__round=round_).count() > 0


def test_figures_from_the_stored_counts_are_the_figures_of_the_answers(closed):
    round_ = fresh(closed)
    from_answers = figures._compute(round_, count(round_))
    with CaptureQueriesContext(connection) as queries:
        from_stored = figures._compute(round_)
    assert from_stored.all() == from_answers.all()
    assert from_stored.all()  # the fixture's round has figures to compare
    assert not [query for query in queries if ANSWER_TABLE in query["sql"]]


def test_an_open_round_is_counted_from_its_answers(db):
    from tests.report_fixtures import build_closed_round

    round_ = fresh(build_closed_round(close=False))
    assert round_.status == Round.Status.OPEN
    with CaptureQueriesContext(connection) as queries:
        figures._compute(round_)
    assert [query for query in queries if ANSWER_TABLE in query["sql"]]
    assert not ClosedCounts.objects.exists()


def test_a_round_closed_without_stored_counts_gets_them_the_first_time(closed):
    round_ = fresh(closed)
    ClosedCounts.objects.all().delete()
    assert round_.closed_at is not None
    before = figures._compute(round_).all()
    assert ClosedCounts.objects.filter(round=round_, closed_at=round_.closed_at).exists()
    with CaptureQueriesContext(connection) as queries:
        again = figures._compute(round_).all()
    assert again == before
    assert not [query for query in queries if ANSWER_TABLE in query["sql"]]


def test_counts_of_an_earlier_closing_are_not_used(closed):
    round_ = fresh(closed)
    assert ClosedCounts.objects.filter(round=round_).exists()
    assert round_.closed_at is not None
    Round.objects.filter(pk=round_.pk).update(closed_at=round_.closed_at.replace(year=2030))
    round_ = fresh(round_)
    with CaptureQueriesContext(connection) as queries:
        counts_of(round_)
    assert [query for query in queries if ANSWER_TABLE in query["sql"]]
    assert ClosedCounts.objects.get(round=round_).closed_at == round_.closed_at


def test_deleting_the_round_deletes_its_counts(closed):
    fresh(closed).delete()
    assert not ClosedCounts.objects.exists()


def test_a_new_process_loads_a_closed_rounds_prepared_results_from_the_shared_cache(closed):
    round_ = fresh(closed)
    # Closing queued the preparing (the worker runs it); here it runs at once.
    prepare_closed_round.call(round_.pk)
    made = (figures.compute(round_).all(), comparisons(round_), closed_decisions(round_))
    assert CacheEntry.objects.filter(cache_key__contains=f":{round_.pk}:").count() == 3
    forget_in_process()  # as a server process that starts now
    with CaptureQueriesContext(connection) as queries:
        loaded = (figures.compute(round_).all(), comparisons(round_), closed_decisions(round_))
    assert loaded == made
    tables = {CacheEntry._meta.db_table}
    assert all(any(table in query["sql"] for table in tables) for query in queries)
    assert len(queries) == 3


def test_closing_queues_the_preparing_of_the_reports(db, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from omstil.responses.closing import close_round
    from tests.report_fixtures import build_closed_round

    round_ = build_closed_round(close=False)
    with django_capture_on_commit_callbacks(execute=True):
        close_round(round_)
    queued = DBTaskResult.objects.filter(task_path__endswith="prepare_closed_round")
    assert [(task.queue_name, task.args_kwargs["args"]) for task in queued] == [
        ("files", [round_.pk])
    ]
