"""The figures of a closed round's reports, after disclosure control, as CONTRACT.md's JSON."""

import io
import json

import pytest
from django.core.management import call_command

from omstil.rounds.services import open_round
from tests.rounds_helpers import KEYS, draft_round, kommune


def report(*args) -> dict:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_leader_report_shows_a_group_that_reached_the_threshold(closed):
    data = report("leader", str(closed.pk), "3")
    assert data["round"] == closed.pk
    assert data["min_group_size"] == 5
    first = data["items"][0]
    assert first["key"] == KEYS[0]
    assert first["groups"]["employee"] == {
        "n": 5,
        "mean": 3.6,
        "distribution": {"1": 0, "2": 1, "3": 1, "4": 2, "5": 1},
        "dont_know": 0,
        "prefer_not": 0,
        "suppressed": False,
        "reason": None,
        "margin": 1.42,  # 95 % confidence interval of the mean: 3.6 ± 1.42
    }
    assert first["groups"]["self"]["mean"] == 5
    assert first["groups"]["superior"]["mean"] == 4


def test_an_item_below_the_threshold_shows_no_number(closed):
    data = report("leader", str(closed.pk), "3")
    nysgerrig = next(item for item in data["items"] if item["key"] == KEYS[3])
    group = nysgerrig["groups"]["employee"]
    assert group["suppressed"] is True
    assert group["n"] is None
    assert group["mean"] is None
    assert group["distribution"] is None
    assert group["reason"] == "skjult for at beskytte en mindre gruppe"


def test_a_leader_with_one_answer_is_hidden_and_so_is_what_would_give_it_away(closed):
    gustav = report("leader", str(closed.pk), "7")["items"][0]["groups"]["employee"]
    assert gustav["suppressed"] is True
    # Fjordby as a whole has Cecilie's 5 and Gustav's 1 (and Bo's and Anne's none): showing the
    # organisation and Cecilie would give Gustav's answer by subtraction.
    cecilie = report("leader", str(closed.pk), "3")["items"][0]["groups"]["employee"]
    whole = report("unit", str(closed.pk), "Fjordby Kommune")["items"][0]["groups"]["employee"]
    social = report("unit", str(closed.pk), "Fjordby Kommune / Social")["items"][0]["groups"][
        "employee"
    ]
    shown = [figure for figure in (cecilie, whole, social) if not figure["suppressed"]]
    for a in shown:
        for b in shown:
            assert a["n"] - b["n"] == 0 or abs(a["n"] - b["n"]) >= 5


def test_reports_wait_until_the_round_is_closed(db):
    round_ = draft_round(kommune())
    open_round(round_)
    with pytest.raises(SystemExit) as exit_info:
        call_command("report", "leader", str(round_.pk), "3")
    assert exit_info.value.code == 1


def test_the_report_as_an_excel_workbook_holds_the_same_figures(closed, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "rapport.xlsx"
    call_command("report", "leader", str(closed.pk), "3", "--format", "xlsx", "-o", str(path))
    sheet = load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Udsagn (nøgle)",
        "Tema",
        "Udsagn",
        "Svargruppe",
        "Svar (1–5)",
        "Gennemsnit",
    )
    employee_first = next(row for row in rows if row[0] == KEYS[0] and row[3] == "employee")
    assert employee_first[4:11] == (5, 3.6, 0, 1, 1, 2, 1)
    hidden = next(row for row in rows if row[0] == KEYS[3] and row[3] == "employee")
    assert hidden[4] is None
    assert hidden[13] == "skjult for at beskytte en mindre gruppe"


def test_the_report_shows_the_change_since_the_leaders_previous_round(closed):
    from datetime import timedelta

    from omstil.rounds.models import Round
    from tests.report_fixtures import answer

    Round.objects.filter(pk=closed.pk).update(
        opens_on=closed.opens_on - timedelta(days=365),
        closes_on=closed.closes_on - timedelta(days=365),
    )
    later = draft_round(closed.organisation)
    open_round(later)
    later.refresh_from_db()
    for employee_id in ["4", "5", "6", "20", "21"]:
        answer(later, employee_id, "3", "employee", ["5", "5", "5", "5", "5"])
    from omstil.responses.closing import close_round

    close_round(later)
    data = report("leader", str(later.pk), "3")
    assert data["previous_round"] == closed.pk
    first = data["items"][0]["groups"]
    assert first["employee"]["change"] == 1.4  # 5.0 now, 3.6 before
    assert "change" not in first["self"]  # own and superior answers: no change shown
    hidden_before = next(item for item in data["items"] if item["key"] == KEYS[3])
    assert hidden_before["groups"]["employee"]["change"] is None


def test_the_leader_report_as_a_pdf_has_the_same_figures(closed, tmp_path):
    from pypdf import PdfReader

    path = tmp_path / "rapport.pdf"
    call_command("report", "leader", str(closed.pk), "3", "--format", "pdf", "-o", str(path))
    assert path.read_bytes().startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Rapport for Cecilie Ærø" in text
    assert "Min leder sikrer, at vores kompetencer er opdaterede" in text
    assert "3,6" in text or "3.6" in text
    assert "skjult for at beskytte en mindre gruppe" in text


def test_a_unit_report_as_a_pdf_pools_every_leader_below(closed, tmp_path):
    from pypdf import PdfReader

    path = tmp_path / "enhed.pdf"
    call_command(
        "report", "unit", str(closed.pk), "Fjordby Kommune / Social", "--format", "pdf",
        "-o", str(path),
    )  # fmt: skip
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())
    assert "Rapport for Fjordby Kommune / Social" in text
    assert "Min leder sikrer, at vores kompetencer er opdaterede" in text


def test_a_pdf_needs_a_file_to_go_to(closed):
    with pytest.raises(SystemExit) as exit_info:
        call_command("report", "unit", str(closed.pk), "Fjordby Kommune", "--format", "pdf")
    assert exit_info.value.code == 1


def test_the_leader_report_as_html_is_the_pdfs_source(closed, tmp_path):
    path = tmp_path / "rapport.html"
    call_command("report", "leader", str(closed.pk), "3", "--format", "html", "-o", str(path))
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Rapport for Cecilie Ærø" in html
    assert "skjult for at beskytte en mindre gruppe" in html


def straightforward_figures(round_) -> tuple[list[str], dict]:
    """The round's figures as they were first computed, kept as the reference for the fast
    version: every answer read one by one, one `Table` per rater group and statement, pooled
    into every unit above each leader, passed through `suppress`."""
    from collections import defaultdict

    from omstil.lib.disclosure import Counts, Figure, Table, suppress
    from omstil.reports.figures import (
        INDIVIDUAL_GROUPS,
        THRESHOLD_GROUPS,
        leader_key,
        unit_key,
    )
    from omstil.responses.models import Answer
    from omstil.rounds.models import EvaluatedLeader

    separator = " / "
    leaders = list(EvaluatedLeader.objects.filter(round=round_))
    answers: dict = defaultdict(list)
    for leader_id, group, item, value in Answer.objects.filter(
        response__round=round_, response__submitted=True
    ).values_list("response__leader_id", "response__rater_group", "item_key", "value"):
        answers[(leader_id, group, item)].append(int(value) if value.isdigit() else value)
    items = sorted({item for (_leader, _group, item) in answers})

    def above(unit_path: str) -> list[str]:
        parts = unit_path.split(separator)
        return [separator.join(parts[: depth + 1]) for depth in range(len(parts))]

    units = {path for leader in leaders for path in above(leader.unit_path)}
    figures: dict = {}
    for group in (*THRESHOLD_GROUPS, *INDIVIDUAL_GROUPS):
        for item in items:
            table = Table()
            totals: dict = defaultdict(Counts)
            for leader in leaders:
                values = answers.get((leader.pk, group, item), [])
                counts = Counts.of(values)
                if group in THRESHOLD_GROUPS:
                    table.add(leader_key(leader.employee_id), counts, unit_key(leader.unit_path))
                elif values:
                    figures[(leader_key(leader.employee_id), group, item)] = Figure(
                        counts.n,
                        sum(
                            v * c for v, c in zip((1, 2, 3, 4, 5), counts.distribution, strict=True)
                        )
                        / counts.n
                        if counts.n
                        else None,
                        counts.distribution if counts.n else None,
                        counts.dont_know,
                        counts.prefer_not,
                        False,
                        None,
                    )
                for path in above(leader.unit_path):
                    totals[path] = totals[path] + counts
            for path in units:
                parent = separator.join(path.split(separator)[:-1]) or None
                table.add(unit_key(path), totals[path], unit_key(parent) if parent else None)
            for cell, figure in suppress(table, round_.min_group_size).items():
                figures[(cell, group, item)] = figure
    return items, figures


@pytest.fixture
def generated(db):
    """A generated organisation of about 400 people, with a closed round in which each leader's
    groups answered anywhere from not at all to fully, so many figures are near the threshold."""
    import random
    import uuid
    from datetime import date

    from omstil.instruments.services import sync_library
    from omstil.organisations.models import Organisation
    from omstil.organisations.services import import_people
    from omstil.responses.closing import close_round
    from omstil.responses.models import Answer, Response
    from omstil.rounds.models import Invitation
    from omstil.site.demo.organisation import generate, to_csv

    sync_library()
    import_people("generated", to_csv(generate(400, seed=5)), name="Generated")
    round_ = draft_round(
        Organisation.objects.get(slug="generated"),
        rater_groups=["employee", "peer", "self", "superior"],
        min_group_size=3,
    )
    open_round(round_)
    rng = random.Random(5)
    rates: dict = {}
    responses, answers = [], []
    for invitation in Invitation.objects.filter(round=round_).values("leader_id", "rater_group"):
        rate = rates.setdefault((invitation["leader_id"], invitation["rater_group"]), rng.random())
        if rng.random() > rate:
            continue
        response = Response(
            id=uuid.uuid4(),
            round=round_,
            leader_id=invitation["leader_id"],
            rater_group=invitation["rater_group"],
            submitted=rng.random() < 0.95,  # a few only saved, never submitted: not counted
            day=date.today(),
        )
        responses.append(response)
        for key in rng.sample(KEYS, rng.randint(1, len(KEYS))):
            value = rng.choice(["1", "2", "3", "4", "5", "5", "dont_know", "prefer_not"])
            answers.append(Answer(id=uuid.uuid4(), response=response, item_key=key, value=value))
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    close_round(round_)
    round_.refresh_from_db()
    return round_


def test_the_figures_are_those_of_one_table_per_group_and_statement(generated, closed):
    from omstil.reports.figures import EMPTY, _compute

    for round_ in (generated, closed):
        figures = _compute(round_)
        items, expected = straightforward_figures(round_)
        assert figures.items == items
        # A rater group of nobody (peers, unless the round has them) is left out, and reads as
        # empty all the same.
        answered = {key[1] for key, figure in expected.items() if figure != EMPTY}
        present = set(round_.rater_groups) | answered
        absent = {key: figure for key, figure in expected.items() if key[1] not in present}
        assert all(figure == EMPTY == figures.group(*key) for key, figure in absent.items())
        assert {key: figures.group(*key) for key in expected} == expected
        assert figures.all() == {k: f for k, f in expected.items() if f != EMPTY}
    hidden = [figure for figure in _compute(generated).all().values() if figure.suppressed]
    assert len(hidden) > 100  # the generated round does exercise disclosure control


def test_computing_a_rounds_figures_takes_the_same_queries_whatever_its_size(generated, closed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from omstil.reports.figures import _compute

    counts = []
    for round_ in (closed, generated):
        with CaptureQueriesContext(connection) as queries:
            _compute(round_)
        counts.append(len(queries))
    assert counts == [2, 2]


def test_a_stored_answer_that_is_not_an_answer_stops_the_figures(closed):
    from omstil.reports.figures import _compute
    from omstil.responses.models import Answer

    answer = Answer.objects.filter(response__round=closed, response__rater_group="employee")[0]
    Answer.objects.filter(pk=answer.pk).update(value="7")
    with pytest.raises(
        ValueError, match=f"not an answer among the employee answers to {answer.item_key}"
    ):
        _compute(closed)
