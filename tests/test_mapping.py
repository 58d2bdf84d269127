"""Mapping employees' digital competences: set-up, opening, job families, figures, pages, access."""

import io
import itertools
import json
from collections import defaultdict
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omstil.accounts.services import set_up_user
from omstil.core.models import AuditEntry
from omstil.lib.job_families import OTHER, coarsen
from omstil.mapping import figures as mapping_figures
from omstil.mapping.figures import ancestors
from omstil.mapping.services import unit_map
from omstil.organisations.models import Organisation
from omstil.organisations.services import import_people
from omstil.responses.closing import close_round
from omstil.responses.models import Answer, Response
from omstil.rounds.mail import build_message
from omstil.rounds.models import COMPETENCE_GROUP, EvaluatedLeader, Invitation, Round
from omstil.rounds.services import (
    RoundInvalid,
    RoundSetup,
    create_round,
    open_round,
)
from omstil.site.demo.answers import simulate_answers
from omstil.site.demo.organisation import generate, to_csv
from tests.conftest import PASSWORD
from tests.hrfiles import csv_file
from tests.mapping_helpers import (
    BOSTEDET,
    EVERYONE,
    HJEMMEPLEJEN,
    INSTRUMENT,
    SOCIAL,
    TEKNIK,
    TOP,
    answer,
    closed_mapping,
    mapping_kommune,
    mapping_round,
    token_of,
)

ITEM = f"{INSTRUMENT}.systemer-i-jobbet"


@pytest.fixture
def fjordby(db) -> Organisation:
    return mapping_kommune()


@pytest.fixture
def closed(fjordby) -> Round:
    return closed_mapping(fjordby, EVERYONE)


# --- Setting up -------------------------------------------------------------------------------


def test_a_round_with_only_the_mapping_instrument_is_a_mapping_round(fjordby):
    round_ = mapping_round(fjordby, rater_groups=["employee", "self"])
    assert round_.is_mapping
    assert round_.kind == Round.Kind.MAPPING
    assert round_.rater_groups == [COMPETENCE_GROUP]
    assert not any(round_.visibility.values())


def test_an_evaluation_round_is_not_a_mapping(fjordby):
    round_ = create_round(
        fjordby,
        RoundSetup(
            name="Ledelsesevaluering",
            instruments=["digital-omstilling"],
            opens_on=date(2025, 3, 1),
            closes_on=date(2025, 3, 21),
        ),
    ).round
    assert not round_.is_mapping


def test_a_mapping_cannot_be_mixed_with_evaluation_instruments(fjordby):
    with pytest.raises(RoundInvalid) as refused:
        mapping_round(fjordby, instruments=[INSTRUMENT, "digital-omstilling"])
    assert any("kan ikke blandes med andre instrumenter" in error for error in refused.value.errors)
    assert not Round.objects.exists()


def test_a_mapping_has_no_comment_field_and_no_local_statements(fjordby):
    with pytest.raises(RoundInvalid) as refused:
        mapping_round(
            fjordby, comment_field=True, local_statements=[{"da": "Et udsagn", "en": "A statement"}]
        )
    assert "En kortlægning kan ikke have lokale udsagn." in refused.value.errors
    assert any("intet kommentarfelt" in error for error in refused.value.errors)


def test_other_self_assessments_are_still_refused(fjordby):
    with pytest.raises(RoundInvalid) as refused:
        mapping_round(fjordby, instruments=["ti-bud"])
    assert any("er en selvevaluering" in error for error in refused.value.errors)


def test_the_form_offers_the_mapping_and_refuses_to_mix_it(client, fjordby, hr):
    hr = hr(fjordby)
    client.login(username=hr.email, password=PASSWORD)
    url = reverse("rounds:create", args=["fjordby"])
    form = client.get(url + "?kortlaegning=1").content.decode()
    assert "Medarbejdernes digitale kompetencer (kortlægning)" in form
    assert "Kortlægning af digitale kompetencer" in form
    data = {
        "name": "Blandet",
        "instruments": [INSTRUMENT, "digital-omstilling"],
        "opens_on": "2025-02-03",
        "closes_on": "2025-02-20",
        "min_group_size": "3",
        "visibility": ["leader"],
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "kan ikke blandes med andre instrumenter" in refused.content.decode()
    created = client.post(url, {**data, "name": "Kortlægning", "instruments": [INSTRUMENT]})
    round_ = Round.objects.get()
    assert created.status_code == 302
    assert round_.is_mapping


def test_an_evaluation_still_needs_a_rater_group(client, fjordby, hr):
    hr = hr(fjordby)
    client.login(username=hr.email, password=PASSWORD)
    response = client.post(
        reverse("rounds:create", args=["fjordby"]),
        {
            "name": "Evaluering",
            "instruments": ["digital-omstilling"],
            "opens_on": "2025-02-03",
            "closes_on": "2025-02-20",
            "min_group_size": "5",
            "visibility": ["leader"],
        },
    )
    assert "Vælg mindst én svargruppe." in response.content.decode()
    assert not Round.objects.exists()


def test_round_create_on_the_command_line_refuses_a_mixed_round(fjordby):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "round",
            "create",
            "--org=fjordby",
            f"--instrument={INSTRUMENT}",
            "--instrument=digital-omstilling",
            "--opens=2025-02-03",
            "--closes=2025-02-20",
            stderr=err,
        )
    assert exit_.value.code == 1
    assert "kan ikke blandes" in err.getvalue()
    out = io.StringIO()
    call_command(
        "round",
        "create",
        "--org=fjordby",
        f"--instrument={INSTRUMENT}",
        "--opens=2025-02-03",
        "--closes=2025-02-20",
        "--json",
        stdout=out,
    )
    round_ = Round.objects.get(pk=json.loads(out.getvalue())["round"])
    assert round_.is_mapping
    assert round_.name == "Kortlægning af digitale kompetencer 2025"


# --- Opening ----------------------------------------------------------------------------------


def test_opening_invites_every_person_with_a_nearest_leader_once(fjordby):
    round_ = mapping_round(fjordby)
    count = open_round(round_)
    invitations = Invitation.objects.filter(round=round_)
    assert count == invitations.count() == 35  # everybody but Anne at the top
    assert set(invitations.values_list("rater_group", flat=True)) == {COMPETENCE_GROUP}
    by_person = defaultdict(list)
    for person, leader in invitations.values_list("person__employee_id", "leader__employee_id"):
        by_person[person].append(leader)
    assert all(len(leaders) == 1 for leaders in by_person.values())
    assert by_person["4"] == ["3"]
    assert by_person["3"] == ["2"]
    assert by_person["2"] == ["1"]
    # The teams are the leaders with someone reporting to them.
    assert set(EvaluatedLeader.objects.values_list("employee_id", flat=True)) == {
        "1",
        "2",
        "3",
        "5",
        "7",
    }


def test_job_families_are_coarsened_per_team_at_opening(fjordby):
    round_ = mapping_round(fjordby)
    open_round(round_)
    stored: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for leader, family in Invitation.objects.filter(round=round_).values_list(
        "leader__employee_id", "job_family"
    ):
        stored[leader][family] += 1
    # Hjemmeplejen: 6 SOSU-assistenter kept; 4 SOSU-hjælpere merged with the one nurse.
    assert dict(stored["3"]) == {"SOSU-assistent": 6, OTHER: 5}
    assert dict(stored["5"]) == {"Socialpædagog": 5, "SOSU-assistent": 3}
    assert dict(stored["7"]) == {"Ingeniør": 4, "Gartner": 3}
    # Bo's team: two leaders and three consultants; the leaders alone would be two in "Øvrige".
    assert dict(stored["2"]) == {OTHER: 5}
    assert dict(stored["1"]) == {OTHER: 4}


def test_a_mapping_can_use_only_some_of_the_areas(fjordby):
    from omstil.responses.questionnaire import build_pages

    round_ = mapping_round(fjordby, themes={INSTRUMENT: ["data", "informationssikkerhed"]})
    open_round(round_)
    round_.refresh_from_db()
    pages = build_pages(round_, COMPETENCE_GROUP, "da")
    assert [page.title for page in pages] == ["Data", "Informationssikkerhed og databeskyttelse"]
    answer(round_, "100", "4")
    close_round(round_)
    round_.refresh_from_db()
    assert [area.key for area in mapping_figures.compute(round_).areas] == [
        "data",
        "informationssikkerhed",
    ]


def test_only_teams_in_the_chosen_units_are_mapped(fjordby):
    round_ = mapping_round(fjordby, leader_units=[SOCIAL])
    open_round(round_)
    assert set(EvaluatedLeader.objects.values_list("employee_id", flat=True)) == {"2", "3", "5"}


def test_a_mapping_without_anybody_to_map_cannot_open(fjordby):
    round_ = mapping_round(fjordby, leader_units=["Fjordby Kommune / Findes ikke"])
    with pytest.raises(RoundInvalid):
        open_round(round_)


@settings(max_examples=200, deadline=None)
@given(
    counts=st.dictionaries(
        st.sampled_from(["A", "B", "C", "D", "E", OTHER]), st.integers(0, 12), max_size=6
    ),
    minimum=st.integers(3, 6),
)
def test_coarsening_leaves_every_family_empty_or_at_least_the_minimum(counts, minimum):
    stored = coarsen(counts, minimum)
    sizes: dict[str, int] = defaultdict(int)
    for family, n in counts.items():
        sizes[stored[family]] += n
    assert set(stored) == set(counts)
    assert all(family in (original, OTHER) for original, family in stored.items())
    if sum(counts.values()) >= minimum:
        assert all(n == 0 or n >= minimum for n in sizes.values())
    # A family is merged only when it has to be: a kept family is never below the minimum,
    # and a family at or above it is kept whenever "other" is already 0 or large enough.
    kept = [family for family in counts if stored[family] == family and family != OTHER]
    assert all(counts[family] >= minimum for family in kept)


FAMILIES = ["SOSU-assistent", "Pædagog", "Ingeniør", "", "Sygeplejerske"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    teams=st.lists(
        st.lists(st.sampled_from(FAMILIES), min_size=1, max_size=14), min_size=1, max_size=3
    ),
    minimum=st.integers(3, 5),
)
def test_every_stored_team_and_family_has_none_or_at_least_the_minimum(library, teams, minimum):
    counter = next(_organisations)
    rows = [["1", "Top Leder", f"top{counter}@x.example", "Top", "ja", "", "Direktion", "da"]]
    for number, families in enumerate(teams):
        unit = f"Top / Enhed {number}"
        leader = f"{number + 1}000"
        rows.append([leader, f"Leder {number}", f"l{leader}.{counter}@x.example", unit, "ja"])
        rows[-1] += ["", "Leder", "da"]
        for index, family in enumerate(families):
            person = f"{number + 1}{index + 1:03d}"
            rows.append(
                [
                    person,
                    f"Ansat {person}",
                    f"a{person}.{counter}@x.example",
                    unit,
                    "nej",
                    "",
                    family,
                    "da",
                ]
            )
    slug = f"prop-{counter}"
    import_people(slug, csv_file(rows), name="Prop")
    round_ = mapping_round(Organisation.objects.get(slug=slug), min_group_size=minimum)
    open_round(round_)
    cells: dict[tuple[int, str], int] = defaultdict(int)
    team_size: dict[int, int] = defaultdict(int)
    for team, job_family in Invitation.objects.filter(round=round_).values_list(
        "leader_id", "job_family"
    ):
        cells[(team, job_family)] += 1
        team_size[team] += 1
    for (team, _job_family), n in cells.items():
        assert n >= minimum or team_size[team] < minimum


_organisations = itertools.count()


def test_a_response_stores_the_coarsened_job_family(fjordby):
    round_ = mapping_round(fjordby)
    open_round(round_)
    round_.refresh_from_db()
    answer(round_, "120", "3")  # the one Sygeplejerske: "Øvrige"
    answer(round_, "100", "4")  # a SOSU-assistent
    families = sorted(Response.objects.filter(round=round_).values_list("job_family", flat=True))
    assert families == [OTHER, "SOSU-assistent"]
    assert "Sygeplejerske" not in set(Response.objects.values_list("job_family", flat=True))


def test_closing_coarsens_the_families_again_by_who_answered(fjordby):
    # Bostedet: all five Socialpædagoger answer, but only one of the three SOSU-assistenter. Her
    # answers alone would be matched with her completed invitation, so at closing she goes into
    # "Øvrige"; and as "Øvrige" would then be one, the smallest family goes with her.
    everybody = {**{str(n): "4" for n in range(200, 205)}, **{str(n): "3" for n in range(210, 213)}}
    one_short = {key: value for key, value in everybody.items() if key not in ("211", "212")}
    round_ = closed_mapping(fjordby, one_short)
    families = Response.objects.filter(round=round_, leader__employee_id="5").values_list(
        "job_family", flat=True
    )
    assert sorted(families) == [OTHER] * 6
    complete = closed_mapping(fjordby, everybody, opens_on=date(2026, 2, 2))
    families = Response.objects.filter(round=complete, leader__employee_id="5").values_list(
        "job_family", flat=True
    )
    assert sorted(families) == ["SOSU-assistent"] * 3 + ["Socialpædagog"] * 5


def test_simulated_answers_go_through_the_real_service_in_a_mapping(fjordby):
    round_ = mapping_round(fjordby)
    open_round(round_)
    round_.refresh_from_db()
    answered = simulate_answers(round_, response_rate=0.8, seed=3)
    assert answered == Invitation.objects.filter(round=round_, completed=True).count() > 0
    keys = set(Answer.objects.filter(response__round=round_).values_list("item_key", flat=True))
    assert ITEM in keys
    assert len(keys) == 18


# --- What respondents see ---------------------------------------------------------------------


def test_the_respondent_reads_the_self_wording_and_is_told_it_is_a_mapping(client, fjordby):
    round_ = mapping_round(fjordby)
    open_round(round_)
    round_.refresh_from_db()
    token = token_of(round_, "100")
    start = client.get(reverse("responses:start", args=[token])).content.decode()
    assert "Du vurderer dine egne digitale kompetencer" in start
    assert "heller ikke for din leder eller HR" in start
    assert "evaluerer" not in start
    assert "Cecilie" not in start
    page = client.get(reverse("responses:page", args=[token, 1])).content.decode()
    assert "Jeg kan selv bruge de digitale systemer, som mit arbejde kræver" in page
    assert "Brug af digitale systemer" in page


def test_the_email_says_it_is_a_mapping_of_your_own_competences(fjordby):
    round_ = mapping_round(fjordby)
    open_round(round_)
    round_.refresh_from_db()
    invitation = Invitation.objects.select_related("leader").get(
        round=round_, person__employee_id="100"
    )
    message = build_message(round_, invitation, reminder=False)
    assert message.subject == "Kortlægning af dine digitale kompetencer: Kortlægning 2025"
    assert "kortlægger medarbejdernes digitale kompetencer" in message.body
    assert "Cecilie" not in message.body
    assert "Svar på kortlægningen" in str(message.alternatives[0][0])


def test_the_anonymity_text_tells_about_the_job_family(fjordby):
    round_ = mapping_round(fjordby)
    open_round(round_)
    round_.refresh_from_db()
    assert "Din faggruppe gemmes sammen med dine svar" in round_.anonymity_text["da"]
    assert "Lederens egne svar" not in round_.anonymity_text["da"]


# --- Figures ----------------------------------------------------------------------------------


def _independent(round_: Round) -> dict[tuple[str, str, str], list[str]]:
    """Every answer of every (unit, job family, statement), read row by row in Python."""
    answers: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    units = dict(EvaluatedLeader.objects.filter(round=round_).values_list("pk", "unit_path"))
    responses = {
        response.pk: response for response in Response.objects.filter(round=round_, submitted=True)
    }
    for answer_ in Answer.objects.filter(response__round=round_):
        response = responses[answer_.response_id]
        for unit in ancestors(units[response.leader_id]):
            answers[(unit, response.job_family, answer_.item_key)].append(answer_.value)
    return answers


def _valid(values: list[str]) -> list[int]:
    return [int(value) for value in values if value in {"1", "2", "3", "4", "5"}]


@pytest.fixture
def generated(library) -> Round:
    """A fictive kommune of 160 people, mapped with simulated answers and closed."""
    import_people("fiktiv", to_csv(generate(160, seed=11)), name="Fiktiv Kommune")
    round_ = mapping_round(Organisation.objects.get(slug="fiktiv"), min_group_size=3)
    open_round(round_)
    round_.refresh_from_db()
    simulate_answers(round_, response_rate=0.8, seed=5)
    close_round(round_)
    round_.refresh_from_db()
    return round_


def test_after_closing_every_team_and_family_of_responses_is_none_or_the_minimum(generated):
    cells: dict[tuple[int, str], int] = defaultdict(int)
    team_size: dict[int, int] = defaultdict(int)
    for team, job_family in Response.objects.filter(round=generated).values_list(
        "leader_id", "job_family"
    ):
        cells[(team, job_family)] += 1
        team_size[team] += 1
    assert cells
    for (team, _job_family), n in cells.items():
        assert n >= generated.min_group_size or team_size[team] < generated.min_group_size
    # Nothing but the round, the team, the rater group, the family and the language is shared
    # with the invitations; no person's own job family is kept below the minimum.
    stored = set(Response.objects.filter(round=generated).values_list("job_family", flat=True))
    assert stored <= set(Invitation.objects.values_list("job_family", flat=True))


def test_the_figures_agree_with_an_independent_computation(generated):
    computed = mapping_figures.compute(generated)
    independent = _independent(generated)
    k = generated.min_group_size
    assert independent
    for (unit, family, item), values in independent.items():
        figure = computed.figure(unit, family, item)
        valid = _valid(values)
        if 0 < len(valid) < k:
            assert figure.suppressed, (unit, family, item)
        if not figure.suppressed and valid:
            assert figure.n == len(valid)
            assert figure.mean == pytest.approx(sum(valid) / len(valid))
            assert figure.distribution == tuple(valid.count(v) for v in (1, 2, 3, 4, 5))
    # Every figure computed is one of these cells: nothing pools across job families.
    answered = {key for key, figure in computed.figures.items() if figure.n or figure.suppressed}
    assert answered <= set(independent)


def test_no_shown_figure_minus_the_shown_figures_inside_it_leaves_a_small_group(generated):
    computed = mapping_figures.compute(generated)
    k = generated.min_group_size
    shown = {
        key: figure.n or 0
        for key, figure in computed.figures.items()
        if not figure.suppressed and figure.n
    }
    checked = 0
    for (unit, family, item), n in shown.items():
        # The largest shown figures inside: shown units below whose units in between are hidden.
        inside = [
            other_n
            for (other, other_family, other_item), other_n in shown.items()
            if other_family == family
            and other_item == item
            and other.startswith(unit + " / ")
            and not any(
                (between, family, item) in shown
                for between in ancestors(other)[1:]
                if between.startswith(unit + " / ")
            )
        ]
        if inside:
            checked += 1
            assert n - sum(inside) == 0 or n - sum(inside) >= k, (unit, family, item)
    assert checked


def test_the_organisation_total_of_a_family_is_kept_when_it_is_large_enough(generated):
    computed = mapping_figures.compute(generated)
    top = next(unit for unit, up in computed.units.items() if up is None)
    for (unit, family, item), values in _independent(generated).items():
        if unit == top:
            shown = not computed.figure(unit, family, item).suppressed
            assert shown == (len(_valid(values)) >= generated.min_group_size)


def test_all_pools_only_the_shown_family_cells_and_says_how_many(generated):
    computed = mapping_figures.compute(generated)
    top = next(unit for unit, up in computed.units.items() if up is None)
    data = unit_map(generated, top)
    for row in data["items"]:
        shown = [cell for cell in row["cells"] if cell["mean"] is not None]
        assert row["all"]["families"] == len(shown)
        assert row["all"]["n"] == sum(cell["n"] for cell in shown)
        if shown:
            pooled = sum(cell["mean"] * cell["n"] for cell in shown) / row["all"]["n"]
            assert row["all"]["mean"] == pytest.approx(pooled, abs=0.01)


def test_an_area_score_is_the_mean_of_its_statements_only_when_all_are_shown(generated):
    computed = mapping_figures.compute(generated)
    for unit in computed.units:
        for family in computed.families_in(unit):
            for area in computed.areas:
                figures = [computed.figure(unit, family, item) for item in area.items]
                score = computed.area_score(unit, family, area)
                if all(not f.suppressed and f.mean is not None for f in figures):
                    assert score == pytest.approx(
                        sum(f.mean for f in figures if f.mean is not None) / len(figures)
                    )
                else:
                    assert score is None


def test_a_small_cell_is_hidden_and_so_is_the_cell_that_would_give_it_away(fjordby):
    # One SOSU-assistent at Bostedet says "Ved ikke" to one statement: 2 valid answers there.
    answers: dict[str, str | dict[str, str]] = dict(EVERYONE)
    answers["210"] = {key: ("dont_know" if key == ITEM else "2") for key in _statement_keys()}
    round_ = mapping_round(fjordby)
    open_round(round_)
    round_.refresh_from_db()
    for employee_id, value in answers.items():
        answer(round_, employee_id, value)
    close_round(round_)
    round_.refresh_from_db()
    computed = mapping_figures.compute(round_)
    family = "SOSU-assistent"
    assert computed.figure(BOSTEDET, family, ITEM).suppressed  # 2 < 3
    # Social (6 + 2) minus Hjemmeplejen (6) would be Bostedet's 2: the smaller figure inside
    # goes, so Hjemmeplejen's is hidden too, and the totals stay.
    assert computed.figure(HJEMMEPLEJEN, family, ITEM).suppressed
    assert computed.figure(SOCIAL, family, ITEM).n == 8
    assert computed.figure(TOP, family, ITEM).n == 8
    # Other statements are untouched.
    other = f"{INSTRUMENT}.udnytte-funktioner"
    assert computed.figure(HJEMMEPLEJEN, family, other).n == 6
    # The area of the statement has no score where a statement is hidden.
    area = computed.areas[0]
    assert computed.area_score(HJEMMEPLEJEN, family, area) is None
    assert computed.area_hidden(HJEMMEPLEJEN, family, area)


def _areas() -> dict[str, str]:
    """Statement key → competence area key, in questionnaire order."""
    from omstil.instruments.services import get_version

    items = get_version(INSTRUMENT).items.select_related("theme").order_by("position")
    return {f"{INSTRUMENT}.{item.key}": item.theme.key for item in items}


def _statement_keys() -> list[str]:
    return list(_areas())


def test_a_unit_map_shows_families_areas_statements_and_the_response_rate(closed):
    data = unit_map(closed, HJEMMEPLEJEN)
    assert [family["label"] for family in data["families"]] == ["SOSU-assistent", "Øvrige"]
    assert data["response_rate"] == {"invited": 11, "completed": 11, "hidden": None}
    area = data["areas"][0]
    assert area["title"] == "Brug af digitale systemer"
    # Five SOSU-assistenter rated 4 and Dorte 5; "Øvrige": four rated 3, the nurse 2.
    assert area["cells"][0]["score"] == pytest.approx(4.17, abs=0.01)
    assert area["cells"][1]["score"] == pytest.approx(2.8)
    assert area["all"] == {"score": pytest.approx(3.55, abs=0.01), "families": 2, "change": None}
    assert len(data["items"]) == 18
    assert data["sub_units"] == []
    assert data["parent"] == SOCIAL


def test_the_top_unit_is_the_organisation_map(closed):
    data = unit_map(closed, TOP)
    assert data["response_rate"] == {"invited": 35, "completed": 35, "hidden": None}
    assert [unit["unit"] for unit in data["sub_units"]] == [SOCIAL, TEKNIK]
    assert data["parent"] is None


def test_suggestions_are_the_two_lowest_areas_and_any_below_three(fjordby):
    # Information security and data lowest; new ways of working below 3 as well.
    levels = {"data": "2", "informationssikkerhed": "1", "nye-digitale-arbejdsgange": "2"}
    ratings = {key: levels.get(area, "4") for key, area in _areas().items()}
    round_ = mapping_round(fjordby)
    open_round(round_)
    round_.refresh_from_db()
    for employee_id in EVERYONE:
        answer(round_, employee_id, ratings)
    close_round(round_)
    round_.refresh_from_db()
    suggestions = unit_map(round_, TOP)["suggestions"]
    assert [s["area"] for s in suggestions] == [
        "informationssikkerhed",
        "data",
        "nye-digitale-arbejdsgange",
    ]
    first = suggestions[0]
    assert first["title"] == "Informationssikkerhed og databeskyttelse"
    assert first["score"] == 1.0
    assert first["focus_areas"]
    assert first["description"]


def test_the_change_since_the_previous_mapping_where_both_are_shown(fjordby):
    earlier = closed_mapping(fjordby, EVERYONE, opens_on=date(2024, 2, 5))
    better = {employee: str(min(5, int(value) + 1)) for employee, value in EVERYONE.items()}
    better["4"] = "5"
    later = closed_mapping(fjordby, better, opens_on=date(2025, 2, 3))
    data = unit_map(later, TEKNIK)
    assert data["previous_round"] == earlier.pk
    ingenioer = [f["label"] for f in data["families"]].index("Ingeniør")
    gartner = [f["label"] for f in data["families"]].index("Gartner")
    area = data["areas"][0]
    assert area["cells"][ingenioer]["change"] == 0.0  # 5 then, 5 now
    assert area["cells"][gartner]["change"] == 1.0  # 3 then, 4 now
    assert area["all"]["change"] == pytest.approx(0.43, abs=0.01)
    assert data["items"][0]["cells"][gartner]["change"] == 1.0


def test_the_change_of_all_compares_the_families_shown_both_times(fjordby):
    # A year ago one SOSU-assistent at Bostedet said "Ved ikke" to one statement, which hid the
    # SOSU-assistenter's first area at Hjemmeplejen too; this year everything is shown.
    earlier: dict[str, str | dict[str, str]] = dict(EVERYONE)
    earlier["210"] = {key: ("dont_know" if key == ITEM else "2") for key in _statement_keys()}
    round_ = mapping_round(fjordby, opens_on=date(2024, 2, 5))
    open_round(round_)
    round_.refresh_from_db()
    for employee_id, value in earlier.items():
        answer(round_, employee_id, value)
    close_round(round_)
    later = closed_mapping(fjordby, dict.fromkeys(EVERYONE, "5"), opens_on=date(2025, 2, 3))
    area = unit_map(later, HJEMMEPLEJEN)["areas"][0]
    sosu, other = area["cells"]
    assert sosu["change"] is None  # hidden a year ago
    assert other["change"] == pytest.approx(5 - 2.8)
    assert area["all"]["families"] == 2
    assert area["all"]["change"] == other["change"]  # "Øvrige" alone was shown both times


def test_no_change_is_shown_from_an_evaluation_round_or_another_instrument(fjordby, closed):
    later = closed_mapping(fjordby, EVERYONE, opens_on=date(2026, 2, 2))
    assert unit_map(later, TOP)["previous_round"] == closed.pk
    Round.objects.filter(pk=closed.pk).update(kind=Round.Kind.EVALUATION)
    assert unit_map(later, TOP)["previous_round"] is None


# --- Pages and access -------------------------------------------------------------------------


def _map(client, round_, path, email=None, **params):
    if email is not None:
        client.force_login(set_up_user(email, PASSWORD))
    return client.get(reverse("mapping:unit", args=[round_.pk]), {"enhed": path, **params})


@pytest.mark.parametrize(
    ("email", "path", "status"),
    [
        ("cecilie@fjordby.example", HJEMMEPLEJEN, 200),  # the unit's leader
        ("bo@fjordby.example", HJEMMEPLEJEN, 200),  # her superior
        ("bo@fjordby.example", SOCIAL, 200),
        ("anne@fjordby.example", TOP, 200),  # the top of the chain
        ("anne@fjordby.example", HJEMMEPLEJEN, 200),
        ("cecilie@fjordby.example", SOCIAL, 404),  # a unit above her own
        ("cecilie@fjordby.example", BOSTEDET, 404),  # a neighbour's unit
        ("gustav@fjordby.example", HJEMMEPLEJEN, 404),  # another leader
        ("bo@fjordby.example", TEKNIK, 404),
        ("dorte@fjordby.example", HJEMMEPLEJEN, 404),  # an employee
        ("ude@andet.example", HJEMMEPLEJEN, 404),  # somebody else
    ],
)
def test_who_may_see_a_unit_map(client, closed, email, path, status):
    assert _map(client, closed, path, email).status_code == status


def test_hr_sees_every_unit_and_the_organisation(client, closed, hr):
    hr = hr(closed.organisation)
    client.force_login(hr)
    for path in (TOP, SOCIAL, HJEMMEPLEJEN, BOSTEDET, TEKNIK):
        assert _map(client, closed, path).status_code == 200
    assert _map(client, closed, "Fjordby Kommune / Findes ikke").status_code == 404


def test_another_organisations_admin_sees_nothing(client, closed, hr):
    other = Organisation.objects.create(slug="anden", name="Anden Kommune")
    client.force_login(hr(other))
    assert _map(client, closed, TOP).status_code == 404


def test_a_system_admin_sees_the_organisation_map(client, closed):
    client.force_login(set_up_user("sys@omstil.example", PASSWORD, system_admin=True))
    assert _map(client, closed, TOP).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, closed):
    response = _map(client, closed, TOP)
    assert response.status_code == 302
    assert "/konto/log-ind/" in response["Location"]


def test_no_map_while_the_mapping_is_open_or_for_an_evaluation_round(client, fjordby, hr):
    round_ = mapping_round(fjordby)
    open_round(round_)
    hr = hr(fjordby)
    client.force_login(hr)
    assert _map(client, round_, TOP).status_code == 404
    Round.objects.filter(pk=round_.pk).update(
        kind=Round.Kind.EVALUATION, status=Round.Status.CLOSED
    )
    assert _map(client, round_, TOP).status_code == 404


def test_the_page_shows_the_heat_map_suggestions_and_statements(client, closed):
    html = _map(client, closed, HJEMMEPLEJEN, "cecilie@fjordby.example").content.decode()
    assert "Kortlægning for Fjordby Kommune / Social / Hjemmeplejen" in html
    assert "Kompetenceområder og faggrupper" in html
    assert "Forslag til kompetenceudvikling" in html
    assert "SOSU-assistent" in html
    assert "Øvrige" in html
    assert "11 af 11 medarbejdere har svaret." in html
    # Each suggestion leads into the leader's plan in one click (development.write_into_plan).
    suggestions = html.split("Forslag til kompetenceudvikling")[1].split("Udsagnene")[0]
    assert suggestions.count(f'action="{reverse("development:write_into_plan")}"') == (
        suggestions.count("<h3>")
    )
    assert "2 af 2 faggrupper" in html
    assert "Til kortlægningen for" not in html  # Social is not hers to see
    anne = _map(client, closed, SOCIAL, "anne@fjordby.example").content.decode()
    assert "Til kortlægningen for Fjordby Kommune" in anne
    assert f"?enhed={HJEMMEPLEJEN.replace(' ', '%20')}" in anne


def test_the_page_in_english_has_the_instrument_in_english(client, closed):
    client.cookies["omstil_language"] = "en"
    html = _map(client, closed, HJEMMEPLEJEN, "cecilie@fjordby.example").content.decode()
    assert 'lang="en"' in html
    assert "Using digital systems" in html
    assert "I can use the digital systems that my work requires on my own" in html


def test_the_map_as_pdf(client, closed):
    response = _map(client, closed, HJEMMEPLEJEN, "cecilie@fjordby.example", format="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_every_view_of_a_map_is_audited(client, closed):
    _map(client, closed, HJEMMEPLEJEN, "cecilie@fjordby.example")
    entry = AuditEntry.objects.get(event="mapping.unit")
    assert entry.actor_label == "cecilie@fjordby.example"
    assert entry.fields == {"round": closed.pk, "subject": HJEMMEPLEJEN, "format": "html"}


def test_leader_reports_and_plans_are_not_found_for_a_mapping(client, closed, hr):
    client.force_login(set_up_user("cecilie@fjordby.example", PASSWORD))
    for name in ("reports:leader", "development:dialogue", "development:plan"):
        assert client.get(reverse(name, args=[closed.pk, "3"])).status_code == 404
    unit = client.get(reverse("reports:unit", args=[closed.pk]), {"enhed": HJEMMEPLEJEN})
    assert unit.status_code == 404
    hr = hr(closed.organisation)
    client.force_login(hr)
    assert client.get(reverse("reports:unit", args=[closed.pk]), {"enhed": TOP}).status_code == 404
    assert client.post(reverse("reports:archive_request", args=[closed.pk])).status_code == 404


def test_omstil_report_refuses_a_mapping_with_a_clear_message(closed):
    for kind, subject in (("leader", "3"), ("unit", TOP)):
        err = io.StringIO()
        with pytest.raises(SystemExit) as exit_:
            call_command("report", kind, str(closed.pk), subject, stderr=err)
        assert exit_.value.code == 1
        assert "er en kortlægning af medarbejdernes kompetencer" in err.getvalue()
        assert "omstil mapping unit" in err.getvalue()


def test_my_rounds_shows_the_team_count_and_the_map_not_a_report(client, closed):
    client.force_login(set_up_user("cecilie@fjordby.example", PASSWORD))
    html = client.get(reverse("my_rounds")).content.decode()
    assert "Se kortlægningen for din enhed" in html
    assert "Se din rapport" not in html
    assert "Udviklingsplan" not in html
    assert "11 af 11" in html


def test_the_round_page_links_hr_to_the_organisation_map(client, closed, hr):
    client.force_login(hr(closed.organisation))
    html = client.get(reverse("rounds:detail", args=["fjordby", closed.pk])).content.decode()
    assert "Kortlægning for Fjordby Kommune" in html
    assert reverse("mapping:unit", args=[closed.pk]) in html
    assert "Lav en zip-fil" not in html
    assert "Udviklingsplaner" not in html


def test_omstil_mapping_unit_writes_json_html_and_pdf(closed, tmp_path):
    out = io.StringIO()
    call_command("mapping", "unit", str(closed.pk), TEKNIK, stdout=out)
    data = json.loads(out.getvalue())
    assert data["unit"] == TEKNIK
    assert data["kind"] == "mapping"
    assert {"families", "areas", "items", "suggestions", "response_rate"} <= set(data)
    call_command("mapping", "unit", str(closed.pk), TEKNIK, "--format=html", f"-o{tmp_path}/m.html")
    assert "Kortlægning for Fjordby Kommune / Teknik" in (tmp_path / "m.html").read_text()
    call_command("mapping", "unit", str(closed.pk), TEKNIK, "--format=pdf", f"-o{tmp_path}/m.pdf")
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("mapping", "unit", str(closed.pk), "Ingen / Steder", stderr=err)
    assert "er med i kortlægning" in err.getvalue()
