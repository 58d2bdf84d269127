"""A respondent answers through their personal link: pages, saving, changing, submitting, faults."""

import pytest
from django.test import Client
from django.urls import reverse

from omstil.responses.closing import close_round
from omstil.responses.models import Answer, Comment, Response
from omstil.rounds import tokens
from omstil.rounds.models import Invitation
from omstil.rounds.services import open_round
from tests.rounds_helpers import KEYS, draft_round, kommune


@pytest.fixture
def open_round_(db):
    round_ = draft_round(kommune(), comment_field=True)
    open_round(round_)
    round_.refresh_from_db()
    return round_


def token_of(round_, employee_id: str, leader: str = "3", group: str = "employee") -> str:
    invitation = Invitation.objects.get(
        round=round_, person__employee_id=employee_id, leader__employee_id=leader, rater_group=group
    )
    return tokens.token_for(round_.token_salt, invitation.person_id, leader, group)


def answers_of(client: Client, token: str, values: list[str], comment: str = ""):
    data = dict(zip(KEYS, values, strict=True))
    if comment:
        data["comment"] = comment
    return client.post(reverse("responses:page", args=[token, 1]), data)


def test_a_respondent_opens_the_link_answers_and_gets_a_receipt(client, open_round_):
    token = token_of(open_round_, "4")
    start = client.get(reverse("responses:start", args=[token]))
    html = start.content.decode()
    assert start.status_code == 200
    assert "Cecilie Ærø" in html
    assert "mindst 5" in html  # the anonymity rules, in words
    assert client.post(reverse("responses:start", args=[token]))["Location"].endswith("/side/1/")
    page = client.get(reverse("responses:page", args=[token, 1])).content.decode()
    assert page.count("<fieldset") == 5
    assert page.count("<legend") == 5
    assert "Min leder sikrer, at vi har styr på IT-sikkerheden i vores enhed" in page
    for label in [
        "Helt uenig",
        "Uenig",
        "Hverken enig eller uenig",
        "Enig",
        "Helt enig",
        "Ved ikke",
        "Ønsker ikke at oplyse",
    ]:
        assert f">{label}</label>" in page
    response = answers_of(client, token, ["4", "5", "3", "dont_know", "prefer_not"], "Godt arbejde")
    assert response["Location"].endswith("/kvittering/")
    receipt = client.get(response["Location"]).content.decode()
    assert "Tak for dine svar" in receipt
    assert "<form" not in receipt.split('id="main-content"')[1].split("</main>")[0]
    stored = Response.objects.get()
    assert (stored.rater_group, stored.leader.employee_id, stored.submitted) == (
        "employee",
        "3",
        True,
    )
    assert dict(Answer.objects.values_list("item_key", "value")) == dict(
        zip(KEYS, ["4", "5", "3", "dont_know", "prefer_not"], strict=True)
    )
    assert Comment.objects.get().text == "Godt arbejde"
    assert Invitation.objects.get(token_hash=tokens.invitation_hash(token)).completed


def test_answers_are_kept_and_can_be_changed_until_the_round_closes(client, open_round_):
    token = token_of(open_round_, "4")
    answers_of(client, token, ["1", "1", "1", "1", "1"])
    page = client.get(reverse("responses:page", args=[token, 1])).content.decode()
    assert page.count("checked") == 5
    answers_of(client, token, ["5", "5", "5", "5", "5"])
    assert set(Answer.objects.values_list("value", flat=True)) == {"5"}
    assert Response.objects.count() == 1


def test_two_tabs_submitting_the_same_invitation_leave_one_response(client, open_round_):
    token = token_of(open_round_, "4")
    other_tab = Client()
    answers_of(client, token, ["1", "2", "3", "4", "5"])
    answers_of(other_tab, token, ["5", "4", "3", "2", "1"])
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 5
    assert Answer.objects.get(item_key=KEYS[0]).value == "5"


def test_the_self_invitation_reads_the_self_wording(client, open_round_):
    token = token_of(open_round_, "3", leader="3", group="self")
    page = client.get(reverse("responses:page", args=[token, 1])).content.decode()
    assert "Jeg sikrer, at vi har styr på IT-sikkerheden i min enhed" in page


def test_an_english_speaking_respondent_gets_english_pages(client, open_round_):
    token = token_of(open_round_, "5")
    page = client.get(reverse("responses:page", args=[token, 1])).content.decode()
    assert '<html lang="en">' in page
    assert "Strongly disagree" in page


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"digital-omstilling.findes-ikke": "3"}, "unknown item"),
        ({KEYS[0]: "6"}, "value outside the scale"),
        ({KEYS[0]: "0"}, "value outside the scale"),
        ({KEYS[0]: "maybe"}, "value outside the scale"),
        ({"topleder-kompetencer.kerneforretning": "3"}, "an item of another round"),
    ],
)
def test_a_tampered_answer_is_refused_and_nothing_is_stored(client, open_round_, data, why):
    token = token_of(open_round_, "4")
    response = client.post(reverse("responses:page", args=[token, 1]), data)
    assert response.status_code == 400, why
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


def test_an_unknown_token_reveals_nothing(client, open_round_):
    unknown = client.get(reverse("responses:start", args=["a" * 32]))
    garbage = client.get(reverse("responses:start", args=["not-a-token"]))
    assert unknown.status_code == garbage.status_code == 404
    for page in (unknown, garbage):
        html = page.content.decode()
        assert "Linket virker ikke" in html
        assert "Cecilie" not in html
        assert "Fjordby" not in html
        assert "Ledelsesevaluering" not in html
    assert (
        client.post(reverse("responses:page", args=["a" * 32, 1]), {KEYS[0]: "3"}).status_code
        == 404
    )
    assert not Response.objects.exists()


def test_a_closed_round_shows_a_friendly_page_and_takes_no_answers(client, open_round_):
    token = token_of(open_round_, "4")
    close_round(open_round_)
    page = client.get(reverse("responses:start", args=[token]))
    assert page.status_code == 410
    assert "Evalueringen er lukket" in page.content.decode()
    assert answers_of(client, token, ["1", "1", "1", "1", "1"]).status_code == 410
    assert not Response.objects.exists()


def test_a_missing_csrf_token_is_refused(open_round_):
    client = Client(enforce_csrf_checks=True)
    token = token_of(open_round_, "4")
    response = answers_of(client, token, ["1", "1", "1", "1", "1"])
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_guessing_tokens_is_rate_limited(client, open_round_):
    from django.core.cache import cache

    cache.clear()
    for attempt in range(20):
        assert client.get(reverse("responses:start", args=[f"{attempt:0>32}"])).status_code == 404
    assert client.get(reverse("responses:start", args=["b" * 32])).status_code == 429
    # A real link still works from the same address: only guessing is limited.
    token = token_of(open_round_, "4")
    assert client.get(reverse("responses:start", args=[token])).status_code == 200
    cache.clear()


def test_a_whole_responding_session_costs_exactly_its_sql_statements(
    client, open_round_, django_assert_num_queries
):
    token = token_of(open_round_, "4")
    # The questionnaire is built once per round and kept (in the shared cache and each process).
    client.get(reverse("responses:start", args=[token]))
    # Three requests: the introduction with the statements, the answers, and the receipt.
    with django_assert_num_queries(13):
        start = client.get(reverse("responses:start", args=[token])).content.decode()
        assert f'action="{reverse("responses:page", args=[token, 1])}"' in start
        done = answers_of(client, token, ["4", "5", "3", "dont_know", "prefer_not"], "Fint")
        receipt = client.get(done["Location"]).content.decode()
    assert "Tak for dine svar" in receipt
    assert Response.objects.get().submitted


def test_changing_submitted_answers_replaces_them_and_the_comment(client, open_round_):
    token = token_of(open_round_, "4")
    answers_of(client, token, ["4", "5", "3", "dont_know", "prefer_not"], "Fint")
    emptied = {**dict.fromkeys(KEYS, "1"), "comment": "  "}
    client.post(reverse("responses:page", args=[token, 1]), emptied)
    assert sorted(Answer.objects.values_list("value", flat=True)) == ["1"] * 5
    assert not Comment.objects.exists()
    answers_of(client, token, ["2", "2", "2", "2", "2"], "Bedre")
    assert list(Comment.objects.values_list("text", "submitted")) == [("Bedre", True)]
    assert Response.objects.get().submitted


def two_page_round():
    """An open round of two pages: the instrument's theme, then a local statement."""
    round_ = draft_round(
        kommune(), local_statements=[{"da": "Vi holder gode møder", "en": "We hold good meetings"}]
    )
    open_round(round_)
    round_.refresh_from_db()
    return round_


def test_a_questionnaire_of_several_pages_starts_with_a_link_to_the_first(client, db):
    round_ = two_page_round()
    token = token_of(round_, "4")
    start = client.get(reverse("responses:start", args=[token])).content.decode()
    assert f'href="{reverse("responses:page", args=[token, 1])}"' in start
    assert 'type="radio"' not in start


def test_the_receipt_does_not_thank_someone_who_has_not_submitted(client, open_round_):
    token = token_of(open_round_, "4")
    html = client.get(reverse("responses:receipt", args=[token])).content.decode()
    assert "Dine svar er ikke sendt endnu" in html
    assert "Tak for dine svar" not in html


def test_before_the_last_submit_the_page_lists_what_earlier_pages_left_unanswered(client, db):
    round_ = two_page_round()
    token = token_of(round_, "4")
    start = client.get(reverse("responses:start", args=[token])).content.decode()
    assert "Der er 6 udsagn" in start
    assert "Det tager omkring 3 minutter." in start  # follows the number of statements
    client.post(reverse("responses:page", args=[token, 1]), {KEYS[0]: "4", KEYS[2]: "dont_know"})
    last = client.get(reverse("responses:page", args=[token, 2])).content.decode()
    assert "Du har ikke svaret på 3 udsagn på de forrige sider" in last
    for missing in ("forklare, hvorfor", "kultur, hvor", "IT-sikkerheden"):
        assert missing in last.split('id="unanswered-heading"')[1].split("</ul>")[0]
    assert f'href="{reverse("responses:page", args=[token, 1])}"' in last
    # Submitting anyway stays allowed.
    done = client.post(reverse("responses:page", args=[token, 2]), {})
    assert done["Location"].endswith("/kvittering/")
    assert Response.objects.get().submitted
    # With every earlier statement answered, nothing is listed.
    other = token_of(round_, "5")
    client.post(reverse("responses:page", args=[other, 1]), dict.fromkeys(KEYS, "3"))
    page = client.get(reverse("responses:page", args=[other, 2])).content.decode()
    assert "unanswered-heading" not in page


def test_the_invitation_says_how_long_the_questionnaire_takes(open_round_):
    from omstil.rounds.mail import build_message

    invitation = Invitation.objects.filter(round=open_round_)[0]
    message = build_message(open_round_, invitation, reminder=False)
    assert "Det tager omkring 3 minutter." in message.body
    assert "10–15 minutter" not in message.body


def test_every_respondent_page_names_whom_it_is_about(client, open_round_):
    # Bo (2) is the superior of Cecilie (3): in two tabs, each page says which leader it is.
    token = token_of(open_round_, "2", leader="3", group="superior")
    for url in (
        reverse("responses:start", args=[token]),
        reverse("responses:page", args=[token, 1]),
        reverse("responses:receipt", args=[token]),
    ):
        html = client.get(url).content.decode()
        title = html.split("<title>")[1].split("</title>")[0]
        assert "Om Cecilie Ærø" in title, url
        assert '<p class="omstil-about">Om Cecilie Ærø' in html, url
    own = token_of(open_round_, "3", leader="3", group="self")
    assert (
        "Om din egen ledelse"
        in client.get(reverse("responses:page", args=[own, 1])).content.decode()
    )


def test_the_invitation_found_by_its_token_is_what_the_orm_finds(
    open_round_, django_assert_num_queries
):
    from django.forms.models import model_to_dict

    from omstil.responses.services import find_invitation

    token = token_of(open_round_, "4")
    expected = Invitation.objects.select_related("round", "leader").get(
        token_hash=tokens.invitation_hash(token)
    )
    with django_assert_num_queries(1):
        found = find_invitation(token)
        round_, leader = found.round, found.leader
    for made, orm in ((found, expected), (round_, expected.round), (leader, expected.leader)):
        values = {field.attname: getattr(made, field.attname) for field in made._meta.fields}
        assert values == {field.attname: getattr(orm, field.attname) for field in orm._meta.fields}
        assert type(made) is type(orm)
        assert not made._state.adding
    assert model_to_dict(round_) == model_to_dict(expected.round)
    assert round_.opened_at is not None
    assert round_.opened_at.tzinfo is not None  # converted as the ORM converts it
    assert isinstance(round_.anonymity_text, dict)  # a JSON field, decoded
