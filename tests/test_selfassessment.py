"""Private self-assessment: a leader takes one page by page and sees the change; nobody else can."""

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from omstil.accounts.models import User
from omstil.accounts.services import set_up_user
from omstil.instruments.models import InstrumentVersion
from omstil.instruments.services import get_version, library_files, sync_library
from omstil.selfassessment import services
from omstil.selfassessment.models import ReflectionNote, SelfAssessment, SelfAssessmentAnswer
from omstil.site.demo.selfassessment import demo_self_assessments
from tests.conftest import PASSWORD

TI_BUD_PAGES = [
    ["bud-01", "bud-02", "bud-03"],
    ["bud-04", "bud-05", "bud-06", "bud-07"],
    ["bud-08", "bud-09", "bud-10"],
]


@pytest.fixture
def leader(library: None) -> User:
    return set_up_user("lene@test.example", PASSWORD, name="Lene Leder")


@pytest.fixture
def other_leader(library: None) -> User:
    return set_up_user("ole@test.example", PASSWORD, name="Ole Leder")


def take(
    user: User,
    key: str,
    values: dict[str, str],
    notes: dict[str, str] | None = None,
    *,
    days_ago: int = 0,
) -> SelfAssessment:
    """A completed self-assessment, taken through the services as the pages take it."""
    assessment = services.start_self_assessment(user, key)
    all_pages = services.pages(assessment.version, "da")
    for page in all_pages:
        keys = {statement.key for statement in page.statements}
        services.save_page(
            assessment,
            page,
            {k: v for k, v in values.items() if k in keys},
            (notes or {}).get(page.theme_key, ""),
            complete=page is all_pages[-1],
        )
    when = timezone.now() - timedelta(days=days_ago)
    SelfAssessment.objects.filter(pk=assessment.pk).update(completed_at=when, started_at=when)
    assessment.refresh_from_db()
    return assessment


def page_post(client, assessment, number, answers=None, note="", action="next"):
    data = {f"udsagn-{key}": value for key, value in (answers or {}).items()}
    data.update({"note": note, "action": action})
    return client.post(reverse("selfassessment:page", args=[assessment.pk, number]), data)


def logged_in(client, user):
    client.login(username=user.email, password=PASSWORD)
    return client


# --- The library --------------------------------------------------------------------------


def test_the_library_offers_ti_bud_and_topleder_kompetencer_and_nothing_else(library):
    keys = [version.instrument.key for version in services.offered_versions()]
    assert sorted(keys) == ["ti-bud", "topleder-kompetencer"]


def test_an_instrument_that_is_not_offered_cannot_be_started(leader):
    for key in ["digital-omstilling", "medarbejder-digitale-kompetencer", "findes-ikke"]:
        with pytest.raises(services.NotFound):
            services.start_self_assessment(leader, key)
    assert not SelfAssessment.objects.exists()


def test_the_pages_are_the_themes_in_the_leaders_own_wording(leader):
    version = get_version("ti-bud")
    pages = services.pages(version, "da")
    assert [[s.key for s in page.statements] for page in pages] == TI_BUD_PAGES
    assert pages[0].statements[0].text.startswith("Jeg stiller mig selv spørgsmålet")
    assert pages[0].reflection_questions[0].startswith("Hvad er dit ærlige svar")
    english = services.pages(version, "en")
    assert english[0].title == "The organisation's relevance and its surroundings"


# --- Drafts, saving, completing -----------------------------------------------------------


def test_starting_twice_continues_the_same_draft(leader):
    first = services.start_self_assessment(leader, "ti-bud")
    again = services.start_self_assessment(leader, "ti-bud")
    assert again.pk == first.pk
    assert SelfAssessment.objects.count() == 1
    other = services.start_self_assessment(leader, "topleder-kompetencer")
    assert other.pk != first.pk


def test_a_draft_resumes_after_the_furthest_page_saved(leader):
    assessment = services.start_self_assessment(leader, "ti-bud")
    pages = services.pages(assessment.version)
    assert services.resume_page(assessment, len(pages)) == 1
    services.save_page(assessment, pages[0], {"bud-01": "3"}, "")
    services.save_page(assessment, pages[1], {"bud-04": "2"}, "")
    assessment.refresh_from_db()
    assert services.resume_page(assessment, len(pages)) == 3
    services.save_page(assessment, pages[0], {"bud-01": "4"}, "")
    assessment.refresh_from_db()
    assert services.resume_page(assessment, len(pages)) == 3


def test_saving_a_page_replaces_its_answers_and_its_note(leader):
    assessment = services.start_self_assessment(leader, "ti-bud")
    first, second = services.pages(assessment.version)[:2]
    services.save_page(assessment, first, {"bud-01": "3", "bud-02": "dont_know"}, " En note ")
    services.save_page(assessment, second, {"bud-04": "5"}, "")
    services.save_page(assessment, first, {"bud-03": "2"}, "")
    saved = services.saved(assessment)
    assert saved.answers == {"bud-03": "2", "bud-04": "5"}
    assert saved.notes == {}
    services.save_page(assessment, first, {}, " Ny note\n")
    assert services.saved(assessment).notes == {"relevans-og-omverden": "Ny note"}


def test_completing_records_the_time_and_a_completed_one_cannot_be_changed(leader):
    assessment = services.start_self_assessment(leader, "topleder-kompetencer")
    [page] = services.pages(assessment.version)
    assert assessment.completed_at is None
    services.save_page(assessment, page, {"kerneforretning": "4"}, "", complete=True)
    completed = SelfAssessment.objects.get(pk=assessment.pk)
    assert completed.is_completed
    assert completed.completed_at is not None
    with pytest.raises(services.AlreadyCompleted):
        services.save_page(assessment, page, {"kerneforretning": "1"}, "")
    assert services.saved(assessment).answers == {"kerneforretning": "4"}
    # The next start is a new sitting, not the completed one reopened.
    assert services.start_self_assessment(leader, "topleder-kompetencer").pk != assessment.pk


@pytest.mark.parametrize(
    ("answers", "note", "message"),
    [
        ({"bud-04": "3"}, "", "hører ikke til denne side"),  # a statement from another page
        ({"findes-ikke": "3"}, "", "hører ikke til denne side"),
        ({"bud-01": "6"}, "", "er ikke et svar på skalaen"),
        ({"bud-01": "0"}, "", "er ikke et svar på skalaen"),
        ({"bud-01": "prefer_not"}, "", "er ikke et svar på skalaen"),
        ({"bud-01": ""}, "", "er ikke et svar på skalaen"),
        ({"bud-01": "3"}, "x" * (services.NOTE_MAX + 1), "Noten er for lang"),
        ({"bud-01": "3"}, "a\x00b", "ugyldigt tegn"),  # PostgreSQL cannot store NUL
    ],
)
def test_bad_input_is_refused_with_a_danish_message_and_nothing_is_stored(
    leader, answers, note, message
):
    assessment = services.start_self_assessment(leader, "ti-bud")
    first = services.pages(assessment.version)[0]
    services.save_page(assessment, first, {"bud-02": "4"}, "Før")
    with pytest.raises(services.BadInput) as refused:
        services.save_page(assessment, first, {"bud-02": "1", **answers}, note, complete=True)
    assert message in refused.value.message
    assert "Intet er gemt" in refused.value.message
    assert services.saved(assessment) == services.Saved({"bud-02": "4"}, {first.theme_key: "Før"})
    assessment.refresh_from_db()
    assert not assessment.is_completed


def test_deleting_removes_the_answers_and_notes_too(leader):
    assessment = take(leader, "ti-bud", {"bud-01": "3"}, {"relevans-og-omverden": "Note"})
    services.delete_self_assessment(assessment)
    assert not SelfAssessment.objects.exists()
    assert not SelfAssessmentAnswer.objects.exists()
    assert not ReflectionNote.objects.exists()


def test_deleting_a_user_deletes_their_self_assessments(leader, other_leader):
    take(leader, "ti-bud", {"bud-01": "3"}, {"relevans-og-omverden": "Note"})
    services.start_self_assessment(leader, "topleder-kompetencer")
    kept = take(other_leader, "ti-bud", {"bud-01": "4"})
    leader.delete()
    assert list(SelfAssessment.objects.all()) == [kept]
    assert SelfAssessmentAnswer.objects.get().assessment_id == kept.pk
    assert not ReflectionNote.objects.exists()


# --- Change ------------------------------------------------------------------------------


def test_change_is_only_between_points_on_the_scale():
    assert services.change("4", "2") == 2
    assert services.change("2", "4") == -2
    assert services.change("3", "3") == 0
    assert services.change("dont_know", "3") is None
    assert services.change("3", "dont_know") is None
    assert services.change("3", None) is None
    assert services.change(None, "3") is None
    assert services.mean(["1", "4", "dont_know", None]) == 2.5
    assert services.mean(["dont_know", None]) is None


def test_the_change_is_against_the_previous_completed_one_of_the_same_instrument(
    leader, other_leader
):
    first = take(leader, "ti-bud", {"bud-01": "2", "bud-02": "3"}, days_ago=700)
    second = take(
        leader,
        "ti-bud",
        {"bud-01": "3", "bud-02": "dont_know", "bud-03": "4"},
        {"relevans-og-omverden": "Anden gang"},
        days_ago=350,
    )
    # Neither another instrument, another user nor a draft is "the previous one".
    take(leader, "topleder-kompetencer", {"kerneforretning": "1"}, days_ago=100)
    take(other_leader, "ti-bud", {"bud-01": "5"}, days_ago=50)
    third = take(leader, "ti-bud", {"bud-01": "5", "bud-02": "4", "bud-03": "4"}, {}, days_ago=10)
    services.start_self_assessment(leader, "ti-bud")

    assert services.previous_completed(first) is None
    assert services.previous_completed(second) == first
    assert services.previous_completed(third) == second

    result = services.result(third, "da")
    assert result.previous == second
    rows = {row.key: row for row in result.themes[0].statements}
    assert (rows["bud-01"].value, rows["bud-01"].previous, rows["bud-01"].change) == ("5", "3", 2)
    assert (rows["bud-02"].previous, rows["bud-02"].change) == ("dont_know", None)
    assert rows["bud-03"].change == 0
    assert result.themes[0].mean == 4.3
    assert result.themes[0].previous_mean == 3.5
    assert result.themes[0].change == 0.8
    assert result.themes[0].previous_note == "Anden gang"
    assert result.themes[1].mean is None
    assert result.themes[1].change is None

    assert services.result(first, "da").previous is None


def test_the_overview_lists_sittings_newest_first_with_their_mean_and_change(leader):
    take(leader, "ti-bud", {"bud-01": "2", "bud-02": "dont_know"}, days_ago=700)
    take(leader, "ti-bud", {"bud-02": "dont_know"}, days_ago=350)
    take(leader, "ti-bud", {"bud-01": "4", "bud-04": "5"}, days_ago=10)
    draft = services.start_self_assessment(leader, "ti-bud")
    rows = {row.version.instrument.key: row for row in services.overview(leader)}
    assert rows["ti-bud"].draft == draft
    assert [(s.mean, s.change) for s in rows["ti-bud"].completed] == [
        (4.5, None),  # the one before has no points on the scale to compare with
        (None, None),
        (2.0, None),
    ]
    assert rows["topleder-kompetencer"].completed == []
    assert rows["topleder-kompetencer"].offered


def test_statement_keys_join_across_instrument_versions(leader, tmp_path):
    first = take(leader, "ti-bud", {"bud-01": "2", "bud-10": "2"}, days_ago=400)
    library = tmp_path / "library"
    library.mkdir()
    for file in library_files():
        (library / file.name).write_bytes(file.read_bytes())
    path: Path = library / "ti-bud.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["themes"][0]["items"][0]["text"]["self"]["da"] = "Jeg spørger, hvad vi skal kunne om ti år"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    sync_library([library])
    assert InstrumentVersion.objects.filter(instrument__key="ti-bud").count() == 2

    second = take(leader, "ti-bud", {"bud-01": "4", "bud-10": "3"})
    assert second.version.number == 2
    assert first.version.number == 1
    result = services.result(second, "da")
    rows = {row.key: row for theme in result.themes for row in theme.statements}
    assert rows["bud-01"].text == "Jeg spørger, hvad vi skal kunne om ti år"
    assert (rows["bud-01"].change, rows["bud-10"].change) == (2, 1)


# --- Pages -------------------------------------------------------------------------------


def test_a_leader_takes_a_self_assessment_page_by_page_and_sees_the_result(client, leader):
    logged_in(client, leader)
    overview = client.get(reverse("selfassessment:overview"))
    html = overview.content.decode()
    assert overview.status_code == 200
    assert "10 bud: Hvad digital transformation kræver af toplederen" in html
    assert "Toplederens digitale kompetencer" in html
    assert "Kun du kan se dine svar og noter" in html

    started = client.post(reverse("selfassessment:start", args=["ti-bud"]))
    assessment = SelfAssessment.objects.get(owner=leader)
    assert started["Location"] == reverse("selfassessment:page", args=[assessment.pk, 1])
    first = client.get(started["Location"]).content.decode()
    assert "Side 1 af 3" in first
    assert first.count("<fieldset") == 3
    assert 'name="udsagn-bud-01" value="dont_know"' in first
    assert "Ønsker ikke at oplyse" not in first
    assert "Hvad er dit ærlige svar" in first  # the theme's reflection questions

    moved = page_post(client, assessment, 1, {"bud-01": "3", "bud-02": "4"}, "Min note")
    assert moved["Location"] == reverse("selfassessment:page", args=[assessment.pk, 2])
    back = page_post(client, assessment, 2, {"bud-04": "2"}, action="back")
    assert back["Location"] == reverse("selfassessment:page", args=[assessment.pk, 1])
    again = client.get(back["Location"]).content.decode()
    assert 'value="4" checked' in again
    assert ">Min note</textarea>" in again
    page_post(client, assessment, 1, {"bud-01": "3", "bud-02": "4"}, "Min note")
    page_post(client, assessment, 2, {"bud-04": "2", "bud-05": "dont_know"})
    last = client.get(reverse("selfassessment:page", args=[assessment.pk, 3])).content.decode()
    assert "Afslut selvvurderingen" in last
    done = page_post(client, assessment, 3, {"bud-10": "5"}, action="complete")
    assert done["Location"] == reverse("selfassessment:result", args=[assessment.pk])

    result = client.get(done["Location"]).content.decode()
    assert "Din selvvurdering er afsluttet." in result
    assert "Det er første gang, du tager denne selvvurdering." in result
    assert "4 – Enig" in result
    assert "Ved ikke" in result
    assert "Ikke besvaret" in result
    assert "Min note" in result
    assert "Refleksionsspørgsmål" in result
    # A completed one opens on its result; its pages are no longer forms.
    page_again = client.get(reverse("selfassessment:page", args=[assessment.pk, 1]))
    assert page_again["Location"] == reverse("selfassessment:result", args=[assessment.pk])


def test_save_and_continue_later_keeps_a_draft_to_resume(client, leader):
    logged_in(client, leader)
    client.post(reverse("selfassessment:start", args=["ti-bud"]))
    assessment = SelfAssessment.objects.get()
    page_post(client, assessment, 1, {"bud-01": "3"})
    later = page_post(client, assessment, 2, {"bud-04": "4"}, "Halvvejs", action="later")
    assert later["Location"] == reverse("selfassessment:overview")
    overview = client.get(later["Location"]).content.decode()
    assert "Din selvvurdering er gemt." in overview
    assert "Fortsæt din selvvurdering" in overview
    resumed = client.get(reverse("selfassessment:result", args=[assessment.pk]))
    assert resumed["Location"] == reverse("selfassessment:page", args=[assessment.pk, 3])
    restarted = client.post(reverse("selfassessment:start", args=["ti-bud"]))
    assert restarted["Location"] == reverse("selfassessment:page", args=[assessment.pk, 3])
    assert SelfAssessment.objects.count() == 1


def test_the_result_page_shows_the_change_since_last_time(client, leader):
    earlier = take(
        leader,
        "ti-bud",
        {"bud-01": "2", "bud-02": "4"},
        {"relevans-og-omverden": "Før"},
        days_ago=365,
    )
    latest = take(leader, "ti-bud", {"bud-01": "4", "bud-02": "4"}, {"relevans-og-omverden": "Nu"})
    logged_in(client, leader)
    html = client.get(reverse("selfassessment:result", args=[latest.pk])).content.decode()
    assert "Ændringerne er regnet i forhold til din selvvurdering fra" in html
    assert "<td>+2</td>" in html
    assert "<td>Uændret</td>" in html
    assert "Din note fra sidst" in html
    overview = client.get(reverse("selfassessment:overview")).content.decode()
    assert overview.index(str(latest.pk)) < overview.index(str(earlier.pk))  # newest first
    assert "<td>4,0</td>\n        <td>+1,0</td>" in overview
    assert "<td>3,0</td>\n        <td>–</td>" in overview
    assert "Tag selvvurderingen igen" in overview


def test_deleting_asks_first_then_deletes(client, leader):
    assessment = take(leader, "ti-bud", {"bud-01": "3"})
    logged_in(client, leader)
    url = reverse("selfassessment:delete", args=[assessment.pk])
    confirm = client.get(url).content.decode()
    assert "Det kan ikke fortrydes" in confirm
    assert SelfAssessment.objects.exists()
    deleted = client.post(url)
    assert deleted["Location"] == reverse("selfassessment:overview")
    assert not SelfAssessment.objects.exists()
    assert "Selvvurderingen er slettet." in client.get(deleted["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"udsagn-bud-04": "3", "action": "next"}, "hører ikke til denne side"),
        ({"udsagn-findes-ikke": "3", "action": "next"}, "hører ikke til denne side"),
        ({"udsagn-bud-01": "6", "action": "next"}, "er ikke et svar på skalaen"),
        ({"udsagn-bud-01": "prefer_not", "action": "next"}, "er ikke et svar på skalaen"),
        ({"udsagn-bud-01": "3", "action": "complete"}, "Formularen kunne ikke læses"),
        ({"udsagn-bud-01": "3", "action": "slet-alt"}, "Formularen kunne ikke læses"),
        ({"bud-01": "3", "action": "next"}, "Formularen kunne ikke læses"),
        ({"note": "x" * (services.NOTE_MAX + 1), "action": "next"}, "Noten er for lang"),
        ({"note": "a\x00b", "action": "next"}, "ugyldigt tegn"),
    ],
)
def test_bad_input_over_http_is_a_400_in_danish_and_stores_nothing(client, leader, data, message):
    assessment = services.start_self_assessment(leader, "ti-bud")
    logged_in(client, leader)
    response = client.post(reverse("selfassessment:page", args=[assessment.pk, 1]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Intet er gemt" in response.content.decode()
    assert not SelfAssessmentAnswer.objects.exists()
    assessment.refresh_from_db()
    assert assessment.pages_saved == 0


def test_changing_a_completed_self_assessment_is_a_409(client, leader):
    assessment = take(leader, "ti-bud", {"bud-01": "3"})
    logged_in(client, leader)
    response = page_post(client, assessment, 1, {"bud-01": "1"})
    assert response.status_code == 409
    assert "kan ikke ændres" in response.content.decode()
    assert services.saved(assessment).answers == {"bud-01": "3"}


def test_unknown_pages_and_instruments_are_404(client, leader):
    assessment = services.start_self_assessment(leader, "ti-bud")
    logged_in(client, leader)
    assert client.get(reverse("selfassessment:page", args=[assessment.pk, 4])).status_code == 404
    assert client.get(reverse("selfassessment:page", args=[assessment.pk, 0])).status_code == 404
    for key in ["digital-omstilling", "findes-ikke"]:
        response = client.post(reverse("selfassessment:start", args=[key]))
        assert response.status_code == 404
        assert "kan ikke bruges som selvvurdering" in response.content.decode()
    assert client.get(reverse("selfassessment:start", args=["ti-bud"])).status_code == 405


# --- Access: nobody but the owner --------------------------------------------------------


@pytest.fixture
def persona(request, other_leader, org_admin, system_admin) -> User:
    return {"another leader": other_leader, "HR": org_admin, "system admin": system_admin}[
        request.param
    ]


@pytest.mark.parametrize("persona", ["another leader", "HR", "system admin"], indirect=True)
def test_nobody_but_the_owner_can_see_change_or_delete_a_self_assessment(client, leader, persona):
    completed = take(leader, "ti-bud", {"bud-01": "3"}, {"relevans-og-omverden": "Hemmelig note"})
    draft = services.start_self_assessment(leader, "topleder-kompetencer")
    logged_in(client, persona)
    missing = uuid.uuid4()
    for assessment_id in [completed.pk, draft.pk, missing]:
        for url in [
            reverse("selfassessment:result", args=[assessment_id]),
            reverse("selfassessment:page", args=[assessment_id, 1]),
            reverse("selfassessment:delete", args=[assessment_id]),
        ]:
            seen = client.get(url)
            assert seen.status_code == 404, url
            assert "Hemmelig note" not in seen.content.decode()
            assert "Selvvurderingen findes ikke." in seen.content.decode()
        changed = client.post(
            reverse("selfassessment:page", args=[assessment_id, 1]),
            {"udsagn-bud-01": "1", "udsagn-kerneforretning": "1", "action": "complete"},
        )
        assert changed.status_code == 404
        assert (
            client.post(reverse("selfassessment:delete", args=[assessment_id])).status_code == 404
        )
    # The persona's own overview lists none of the owner's.
    overview = client.get(reverse("selfassessment:overview")).content.decode()
    assert str(completed.pk) not in overview
    assert str(draft.pk) not in overview
    assert SelfAssessment.objects.filter(owner=leader).count() == 2
    assert services.saved(completed).answers == {"bud-01": "3"}
    assert not services.saved(draft).answers
    # Nor can a service be tricked into it.
    with pytest.raises(services.NotFound):
        services.access_self_assessment(persona, completed.pk)


def test_the_owner_can_open_their_own(client, leader):
    assessment = take(leader, "ti-bud", {"bud-01": "3"}, {"relevans-og-omverden": "Min note"})
    logged_in(client, leader)
    response = client.get(reverse("selfassessment:result", args=[assessment.pk]))
    assert response.status_code == 200
    assert "Min note" in response.content.decode()
    assert services.access_self_assessment(leader, str(assessment.pk)) == assessment


def test_an_id_that_is_not_an_id_is_404(client, leader):
    logged_in(client, leader)
    assert client.get("/selvvurdering/123/").status_code == 404
    assert client.get("/selvvurdering/ikke-et-id/side/1/").status_code == 404
    with pytest.raises(services.NotFound):
        services.access_self_assessment(leader, "ikke-et-id")


def test_an_anonymous_visitor_is_sent_to_log_in(client, leader):
    assessment = take(leader, "ti-bud", {"bud-01": "3"})
    for url in [
        reverse("selfassessment:overview"),
        reverse("selfassessment:result", args=[assessment.pk]),
        reverse("selfassessment:page", args=[assessment.pk, 1]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    with pytest.raises(services.NotFound):
        services.access_self_assessment(AnonymousUser(), assessment.pk)


def test_an_inactive_owner_sees_nothing(leader):
    assessment = take(leader, "ti-bud", {"bud-01": "3"})
    User.objects.filter(pk=leader.pk).update(is_active=False)
    leader.refresh_from_db()
    with pytest.raises(services.NotFound):
        services.access_self_assessment(leader, assessment.pk)


def test_django_admin_does_not_show_self_assessments(client, leader, system_admin):
    take(leader, "ti-bud", {"bud-01": "3"}, {"relevans-og-omverden": "Hemmelig note"})
    registered = {model._meta.app_label for model in admin.site._registry}
    assert "selfassessment" not in registered
    logged_in(client, system_admin)
    index = client.get(reverse("admin:index")).content.decode()
    assert "selfassessment" not in index.lower()
    assert "Selvvurdering" not in index
    assert client.get("/admin/selfassessment/selfassessment/").status_code == 404
    user_page = client.get(reverse("admin:accounts_user_change", args=[leader.pk])).content
    assert "Hemmelig note" not in user_page.decode()


# --- Languages ---------------------------------------------------------------------------


def test_the_pages_render_in_danish_and_in_english_by_the_language_cookie(client, leader):
    earlier = take(leader, "ti-bud", {"bud-01": "3"}, days_ago=30)
    latest = take(leader, "ti-bud", {"bud-01": "4"})
    draft = services.start_self_assessment(leader, "topleder-kompetencer")
    logged_in(client, leader)
    urls = [
        reverse("selfassessment:overview"),
        reverse("selfassessment:page", args=[draft.pk, 1]),
        reverse("selfassessment:result", args=[latest.pk]),
        reverse("selfassessment:delete", args=[earlier.pk]),
    ]
    for url in urls:
        danish = client.get(url).content.decode()
        assert '<html lang="da">' in danish
        assert "Forside" in danish
    danish_page = client.get(urls[1]).content.decode()
    assert "Jeg integrerer digitale løsninger i organisationens kerneforretning" in danish_page
    # Dansk IT's name for the competence stands above its statement.
    assert (
        '<span class="omstil-statement-heading">Integrering af digital ledelse i '
        "kerneforretningen</span>" in danish_page
    )
    assert "Helt enig" in danish_page

    client.post(reverse("set_language"), {"language": "en", "next": "/selvvurdering/"})
    assert client.cookies["omstil_language"].value == "en"
    english = [client.get(url).content.decode() for url in urls]
    for html in english:
        assert '<html lang="en">' in html
        assert "Log out" in html
        assert "Forside" not in html
    assert "10 pointers: What digital transformation demands of the top leader" in english[0]
    assert "I integrate digital solutions into the organisation" in english[1]
    assert "Strongly agree" in english[1]
    assert "Helt enig" not in english[1]
    assert "I ask myself how I make sure" in english[2]
    assert "Statement 1 of 10" in english[2]  # the pointers numbered across their themes
    assert "What is your honest answer" in english[2]
    assert "4 – Agree" in english[2]


# --- The demo ----------------------------------------------------------------------------


def test_the_demo_leader_has_earlier_self_assessments_that_show_change(leader):
    assert demo_self_assessments("lene@TEST.example") == leader
    rows = {row.version.instrument.key: row for row in services.overview(leader)}
    assert len(rows["ti-bud"].completed) == 2
    assert rows["ti-bud"].draft is not None
    assert services.saved(rows["ti-bud"].draft).notes
    assert len(rows["topleder-kompetencer"].completed) == 2
    latest, earlier = rows["ti-bud"].completed
    assert latest.change is not None
    assert latest.change > 0
    assert earlier.change is None
    result = services.result(latest.assessment, "da")
    assert result.previous == earlier.assessment
    assert any(row.change for theme in result.themes for row in theme.statements)
    assert all(theme.note and theme.previous_note for theme in result.themes)
    # Run again (as `omstil demo` is), nothing is added twice.
    demo_self_assessments(leader.email)
    assert SelfAssessment.objects.filter(owner=leader).count() == 5
    assert demo_self_assessments("ingen@test.example") is None
