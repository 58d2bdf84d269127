"""After a round, nothing in the database links any response to any invitation or person."""

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from omstil.responses.closing import close_round
from omstil.responses.models import Answer, Comment, Response
from omstil.rounds import tokens
from omstil.rounds.models import Invitation, Round
from omstil.rounds.services import open_round
from tests.rounds_helpers import KEYS, draft_round, kommune


@pytest.fixture
def answered_and_closed(db):
    round_ = draft_round(kommune(), comment_field=True)
    open_round(round_)
    round_.refresh_from_db()
    tokens_by_invitation = {}
    for invitation in Invitation.objects.filter(round=round_).select_related("leader"):
        token = tokens.token_for(
            round_.token_salt,
            invitation.person_id,
            invitation.leader.employee_id,
            invitation.rater_group,
        )
        tokens_by_invitation[invitation.pk] = token
        client = Client()
        client.post(
            reverse("responses:page", args=[token, 1]),
            {**dict.fromkeys(KEYS, "4"), "comment": f"Kommentar {invitation.pk}"},
        )
    close_round(round_)
    return round_, tokens_by_invitation


def test_the_response_tables_have_no_reference_to_invitations_or_people():
    for model in (Response, Answer, Comment):
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey | models.OneToOneField):
                assert field.related_model.__name__ not in {"Invitation", "Person", "User"}, (
                    f"{model.__name__}.{field.name}"
                )
            assert not isinstance(field, models.DateTimeField), f"{model.__name__}.{field.name}"


def test_nothing_in_any_response_row_matches_anything_in_any_invitation_row(answered_and_closed):
    round_, tokens_by_invitation = answered_and_closed
    invitation_values: set[str] = set()
    for row in Invitation.objects.filter(round=round_).values():
        invitation_values.update(
            str(value) for value in row.values() if value not in (None, "", True, False)
        )
    invitation_values |= set(tokens_by_invitation.values())
    invitation_values |= {tokens.invitation_hash(token) for token in tokens_by_invitation.values()}
    ids_and_keys = {str(value) for value in Invitation.objects.values_list("pk", flat=True)}
    for model in (Response, Answer, Comment):
        for stored in model.objects.values():
            for column, value in stored.items():
                if column in {
                    "round_id",
                    "leader_id",
                    "rater_group",
                    "day",
                    "value",
                    "item_key",
                    "submitted",
                    "text",
                    "response_id",
                }:
                    continue
                assert str(value) not in invitation_values, f"{model.__name__}.{column}"
    assert Response.objects.count() == len(ids_and_keys)


def test_closing_leaves_nothing_that_finds_a_response_from_a_token(answered_and_closed):
    round_, tokens_by_invitation = answered_and_closed
    round_.refresh_from_db()
    assert round_.lookup_key == "" and round_.token_salt == ""  # noqa: PT018
    assert not Response.objects.exclude(lookup=None).exists()
    assert not Comment.objects.exclude(lookup=None).exists()
    assert Response.objects.filter(submitted=True).count() == len(tokens_by_invitation)


def test_responses_carry_no_time_finer_than_the_day(answered_and_closed):
    with connection.cursor() as cursor:
        columns = [
            column.name
            for column in connection.introspection.get_table_description(
                cursor, Response._meta.db_table
            )
        ]
    assert "day" in columns
    assert not {"created_at", "updated_at", "submitted_at", "completed_at"} & set(columns)
    invitation_columns = {field.name for field in Invitation._meta.get_fields()}
    assert not {"completed_at", "completed_on"} & invitation_columns


def test_response_ids_are_random_and_say_nothing_of_order(answered_and_closed):
    for model in (Response, Answer, Comment):
        for pk in model.objects.values_list("pk", flat=True):
            assert pk.version == 4, model.__name__  # random, not time-based


def test_every_model_that_stores_answers_is_covered_here():
    answer_models = {model.__name__ for model in apps.get_app_config("responses").get_models()}
    assert answer_models == {"Response", "Answer", "Comment", "ClosedCounts"}
    # The counts stored at closing hold no more than the answers do: numbers by leader, rater
    # group and statement, and the time of the closing that made them.
    counted = {field.name for field in apps.get_model("responses", "ClosedCounts")._meta.fields}
    assert counted == {"round", "closed_at", "keys", "data"}
    assert Round._meta.get_field("lookup_key").max_length == 64


@pytest.mark.django_db(transaction=True)
def test_no_database_trace_of_the_writing_transaction_links_answers_to_invitations():
    round_ = draft_round(kommune(), comment_field=True)
    open_round(round_)
    round_.refresh_from_db()
    for invitation in Invitation.objects.filter(round=round_).select_related("leader"):
        token = tokens.token_for(
            round_.token_salt,
            invitation.person_id,
            invitation.leader.employee_id,
            invitation.rater_group,
        )
        Client().post(
            reverse("responses:page", args=[token, 1]),
            {**dict.fromkeys(KEYS, "3"), "comment": "Fint"},
        )
    close_round(round_)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM rounds_invitation i"
                " JOIN responses_answer a ON a.xmin = i.xmin WHERE i.completed AND i.round_id = %s",
                [round_.pk],
            )
            linked_answers = cursor.fetchone()[0]
            cursor.execute("SELECT count(DISTINCT xmin::text::bigint) FROM responses_answer")
            distinct_writes = cursor.fetchone()[0]
        # Everything was rewritten by the closing transaction: one xmin for all answers, the same
        # as every invitation's, so the shared value singles nobody out.
        assert distinct_writes == 1
        assert (
            linked_answers
            == Answer.objects.count()
            * Invitation.objects.filter(round=round_, completed=True).count()
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM responses_response")
            assert len(cursor.fetchall()) == Response.objects.count()
    round_.refresh_from_db()
    assert set(Response.objects.values_list("day", flat=True)) == {
        timezone.localdate(round_.closed_at)
    }
