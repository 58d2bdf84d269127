"""Comparisons beside a leader's figures, change over time in unit reports, and pooled access."""

from collections import defaultdict
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omstil.lib.disclosure import MIN_LEADERS, Hierarchy
from omstil.organisations.models import PATH_SEPARATOR, Organisation
from omstil.organisations.services import import_people
from omstil.reports.comparisons import MIN_OTHER_LEADERS, level
from omstil.reports.figures import compute, leader_key
from omstil.reports.services import leader_report, unit_report
from omstil.responses.closing import close_round
from omstil.responses.models import Answer
from omstil.rounds.models import EvaluatedLeader
from omstil.rounds.services import open_round
from omstil.site.demo.answers import simulate_answers
from omstil.site.demo.organisation import generate, to_csv
from tests.rounds_helpers import KEYS, draft_round, kommune


@pytest.fixture
def generated(db):
    kommune()  # the instrument library
    import_people("region", to_csv(generate(700, seed=11)), name="Generated")
    round_ = draft_round(Organisation.objects.get(slug="region"))
    open_round(round_)
    round_.refresh_from_db()
    simulate_answers(round_, response_rate=0.9, seed=4)
    close_round(round_)
    round_.refresh_from_db()
    return round_


def raw_distributions(round_) -> dict[tuple[str, str], list[int]]:
    """Every leader's employee answers per statement, counted straight from the answers."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * 5)
    rows = Answer.objects.filter(
        response__round=round_, response__rater_group="employee", response__submitted=True
    ).values_list("response__leader__employee_id", "item_key", "value")
    for employee_id, item, value in rows:
        if value.isdigit():
            counts[(employee_id, item)][int(value) - 1] += 1
    return counts


def pooled_mean(distributions: list[list[int]]) -> float:
    total = [sum(column) for column in zip(*distributions, strict=True)]
    return sum((value + 1) * count for value, count in enumerate(total)) / sum(total)


def test_comparisons_pool_every_shown_leader_of_the_organisation_and_of_the_same_level(generated):
    figures = compute(generated)
    raw = raw_distributions(generated)
    leaders = list(EvaluatedLeader.objects.filter(round=generated))
    shown = {
        (leader.employee_id, item)
        for leader in leaders
        for item in KEYS
        if not figures.group(leader_key(leader.employee_id), "employee", item).suppressed
        and raw[(leader.employee_id, item)] != [0] * 5
    }
    levels = {leader.employee_id: level(leader.unit_path) for leader in leaders}
    checked = 0
    for leader in leaders:
        report = leader_report(generated, leader.employee_id)
        for item in report["items"]:
            pool = [other for other, key in shown if key == item["key"]]
            same = [other for other in pool if levels[other] == levels[leader.employee_id]]
            for scope, members in (("organisation", pool), ("level", same)):
                got = item["comparisons"][scope]
                if len(set(members) - {leader.employee_id}) < MIN_OTHER_LEADERS:
                    assert got is None
                    continue
                expected = pooled_mean([raw[(member, item["key"])] for member in members])
                assert got["mean"] == pytest.approx(expected, abs=0.005)
                assert got["leaders"] == len(members)
                checked += 1
    assert checked > 50  # the generated region has enough leaders to compare at several levels


def test_a_hidden_leader_figure_is_never_part_of_a_comparison(generated):
    figures = compute(generated)
    hidden = [
        (leader.employee_id, item)
        for leader in EvaluatedLeader.objects.filter(round=generated)
        for item in KEYS
        if figures.group(leader_key(leader.employee_id), "employee", item).suppressed
    ]
    assert hidden  # some small teams in the generated region
    raw = raw_distributions(generated)
    employee_id, item = hidden[0]
    report = leader_report(generated, employee_id)
    organisation = next(i for i in report["items"] if i["key"] == item)["comparisons"][
        "organisation"
    ]
    assert organisation is not None
    everyone = sum(sum(raw[(leader, key)]) for leader, key in raw if key == item)
    assert organisation["n"] < everyone


def test_the_unit_report_shows_the_change_since_the_previous_round(closed, later):
    report = unit_report(later, "Fjordby Kommune / Social")
    assert report["previous_round"] == closed.pk
    first = report["items"][0]["groups"]["employee"]
    # Before: 4, 5, 3, 4, 2 (mean 3.6); now five times 5.
    assert first["mean"] == 5
    assert first["change"] == pytest.approx(1.4)
    hjemmeplejen = next(c for c in report["sub_units"] if c["label"] == "Hjemmeplejen")
    assert hjemmeplejen["items"][KEYS[0]]["change"] == pytest.approx(1.4)
    # A unit evaluated for the first time has nothing to compare with.
    assert unit_report(closed, "Fjordby Kommune / Social")["previous_round"] is None


units = st.lists(
    st.tuples(
        st.lists(st.sampled_from("ABC"), min_size=0, max_size=3).map(
            lambda parts: PATH_SEPARATOR.join(["Top", *parts])
        ),
        st.booleans(),
    ),
    min_size=1,
    max_size=25,
)


def pooled_unit_paths(leaders: list[tuple[str, bool]]) -> set[str]:
    """The units HR sees, each leader's team answering with 6 (or not at all)."""
    paths: dict[str, str | None] = {}
    for path, _did in leaders:
        parts = path.split(PATH_SEPARATOR)
        for depth in range(1, len(parts) + 1):
            paths.setdefault(
                PATH_SEPARATOR.join(parts[:depth]),
                PATH_SEPARATOR.join(parts[: depth - 1]) or None,
            )
    order = sorted(paths, key=lambda p: p.count(PATH_SEPARATOR))

    def answered_in(path: str) -> int:
        return sum(1 for p, did in leaders if did and (p == path or p.startswith(path + " / ")))

    counts = [answered_in(path) for path in order]
    shown, _outs = Hierarchy({path: paths[path] for path in order}).decide_pooled(
        [6 * count for count in counts], [0] * len(order), counts, 5
    )
    return {path for path, is_shown in zip(order, shown, strict=True) if is_shown}


@settings(max_examples=300, deadline=None)
@given(units)
def test_no_two_pooled_units_differ_by_one_leader(leaders):
    shown = pooled_unit_paths(leaders)
    answered = [path for path, did in leaders if did]

    def inside(path: str) -> int:
        return sum(1 for p in answered if p == path or p.startswith(path + PATH_SEPARATOR))

    for path in shown:
        assert inside(path) >= MIN_LEADERS
        below = [
            other
            for other in shown
            if other.startswith(path + PATH_SEPARATOR)
            and not any(
                other.startswith(middle + PATH_SEPARATOR)
                for middle in shown
                if middle.startswith(path + PATH_SEPARATOR)
            )
        ]
        remainder = inside(path) - sum(inside(other) for other in below)
        assert remainder != 1
        assert remainder == 0 or 6 * remainder >= 5
    # The organisation as a whole is kept whenever it pools enough leaders.
    assert ("Top" in shown) == (len(answered) >= MIN_LEADERS)


def test_the_report_and_its_pdf_source_show_the_comparisons(generated):
    from omstil.reports.rendering import leader_html

    compared = next(
        leader.employee_id
        for leader in EvaluatedLeader.objects.filter(round=generated)
        if leader_report(generated, leader.employee_id)["items"][0]["comparisons"]["level"]
    )
    html = leader_html(generated, compared)
    assert "Organisationen (" in html
    assert "Samme niveau (" in html
    assert "Eksempler" in html  # the theme's examples beside its results
    assert "Det fik de svarende at vide, før de svarede:" in html
    employees_only = leader_html(generated, compared, employees_only=True)
    assert "Samme niveau (" not in employees_only


def test_the_unit_workbook_has_the_heat_map_with_change(closed, later, tmp_path):
    from django.core.management import call_command
    from openpyxl import load_workbook

    path = tmp_path / "enhed.xlsx"
    call_command(
        "report", "unit", str(later.pk), "Fjordby Kommune / Social", "--format", "xlsx", "-o",
        str(path),
    )  # fmt: skip
    workbook = load_workbook(path)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    first = next(row for row in rows if row[0] == KEYS[0] and row[3] == "employee")
    assert first[5] == 5
    assert first[14] == pytest.approx(1.4)  # the change since the previous round
    heat = list(workbook["Udsagn × enheder"].iter_rows(values_only=True))
    assert heat[0] == ("Udsagn (nøgle)", "Udsagn", "Bo Socialchef", "Hjemmeplejen")
    assert heat[1][0] == KEYS[0]
    assert heat[1][3] == 5


def test_no_viewer_can_work_out_a_leader_they_do_not_see_from_the_comparisons(generated):
    from omstil.accounts.services import set_up_user
    from omstil.reports.access import visible_leaders
    from omstil.reports.comparisons import comparisons
    from tests.conftest import PASSWORD

    compared = comparisons(generated)
    leaders = list(EvaluatedLeader.objects.filter(round=generated))
    levels = {leader.employee_id: level(leader.unit_path) for leader in leaders}
    # The top leader, heads of department and a team leader: every kind of viewer.
    viewers = sorted(leaders, key=lambda leader: (levels[leader.employee_id], leader.unit_path))
    checked = 0
    for viewer in [*viewers[:4], viewers[-1]]:
        user = set_up_user(viewer.email, PASSWORD)
        known = visible_leaders(user, generated)
        reports = [leader_report(generated, employee_id, viewer=user) for employee_id in known]
        for item in KEYS:
            shown: dict[object, frozenset[str]] = {}
            for report in reports:
                pools = next(i for i in report["items"] if i["key"] == item)["comparisons"]
                own = levels[report["leader"]["employee_id"]]
                if pools["organisation"]:
                    shown["organisation"] = compared.organisation[item].leaders
                if pools["level"]:
                    shown[own] = compared.by_level[(own, item)].leaders
            for members in shown.values():
                assert len(members - known) not in (1, 2)
                checked += 1
            if "organisation" in shown:
                in_levels = frozenset().union(*(m for k, m in shown.items() if k != "organisation"))
                assert len(shown["organisation"] - known - in_levels) not in (1, 2)
    assert checked > 20


def test_the_change_is_left_out_when_the_viewer_could_not_see_the_earlier_report(
    client, closed, later, hr
):
    from django.urls import reverse

    from omstil.accounts.services import set_up_user
    from omstil.rounds.models import Round
    from tests.conftest import PASSWORD

    # HR may see leader reports in the later round, not in the earlier one.
    Round.objects.filter(pk=later.pk).update(visibility={**later.visibility, "org_admins": True})
    later.refresh_from_db()
    hr = hr(closed.organisation)
    report = leader_report(later, "3", viewer=hr)
    assert report["previous_round"] is None
    assert all("change" not in item["groups"]["employee"] for item in report["items"])
    # Cecilie herself saw the earlier report, so she gets the change.
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD)
    assert leader_report(later, "3", viewer=cecilie)["previous_round"] == closed.pk
    # The unit report: a leader's column was seen pooled at most, so no change there either.
    unit = unit_report(later, "Fjordby Kommune", viewer=hr)
    for column in unit["sub_units"]:
        if column["kind"] == "leader":
            assert all("change" not in cell for cell in column["items"].values())
    client.login(username=hr.email, password=PASSWORD)
    html = client.get(reverse("reports:leader", args=[later.pk, "3"])).content.decode()
    assert "Ændring siden sidst" not in html


def test_an_id_too_large_for_the_database_is_not_found(client, closed):
    from omstil.accounts.services import set_up_user
    from tests.conftest import PASSWORD

    set_up_user("cecilie@fjordby.example", PASSWORD)
    client.login(username="cecilie@fjordby.example", password=PASSWORD)
    for url in (
        "/udvikling/99999999999999999999999/3/plan/",
        "/rapporter/99999999999999999999999/leder/3/",
        "/rapporter/99999999999999999999999/enhed/?enhed=Fjordby%20Kommune",
    ):
        assert client.get(url).status_code == 404


def test_a_unit_beside_the_viewers_own_report_never_gives_away_another_leader(generated):
    """HR who is an evaluated leader too sees their own report and the units pooled. With the
    units decided as for any HR, a unit of two leaders' teams minus their own report is the
    other leader's team; decided with their own figures known, no combination of the units
    they see and the reports they see isolates another leader's team or a small group."""
    from omstil.accounts.services import set_up_user
    from omstil.lib.disclosure import leaks
    from omstil.organisations.services import add_admin
    from omstil.reports.access import unit_access, visible_leaders
    from omstil.reports.figures import Knowing, View, unit_key
    from tests.conftest import PASSWORD

    figures = compute(generated)
    leaders = list(EvaluatedLeader.objects.filter(round=generated))
    number = {leader.employee_id: index for index, leader in enumerate(leaders)}
    units = [
        cast(tuple[str, str], key) for key, node in figures.cells.items() if node < figures.units
    ]
    below = {
        key: [
            number[leader.employee_id]
            for leader in leaders
            if leader.unit_path == key[1] or leader.unit_path.startswith(key[1] + PATH_SEPARATOR)
        ]
        for key in units
    }
    threshold = generated.min_group_size
    leaked_before = checked = 0
    # Team leaders (their own report) and heads of units (theirs and their employees').
    by_depth = sorted(leaders, key=lambda leader: -leader.unit_path.count(PATH_SEPARATOR))
    for viewer in by_depth[:15] + by_depth[-15:]:
        user = set_up_user(viewer.email, PASSWORD)
        add_admin(generated.organisation, user, actor=None)
        known_ids = visible_leaders(user, generated)
        access = unit_access(user, generated, units[0][1])
        assert access is not None
        if access.named:
            user.delete()
            continue  # sees every leader's report: nothing pooled to give away
        assert access.view == Knowing(frozenset(known_ids))
        checked += 1
        for item in KEYS:
            layer = figures.layers[("employee", item)]
            answers = [
                int(figures.counts[figures.cells[leader_key(leader.employee_id)], layer, :5].sum())
                for leader in leaders
            ]
            known = {
                number[employee_id]
                for employee_id in known_ids
                if figures.published[layer][figures.cells[leader_key(employee_id)]]
            }
            # The known teams subtracted: what is left of each unit the viewer is shown.
            unknown = [0 if index in known else n for index, n in enumerate(answers)]
            owner = list(range(len(leaders)))
            for view, must_be_safe in ((access.view, True), (View.POOLED, False)):
                shown = [
                    [atom for atom in below[key] if atom not in known]
                    for key in units
                    if not figures.group(key, "employee", item, view).suppressed
                ]
                leaked = leaks(shown, unknown, owner, threshold, leaders=True)
                if must_be_safe:
                    assert not leaked, (viewer.unit_path, item)
                else:
                    leaked_before += leaked
        report = unit_report(generated, units[0][1], viewer=user)
        assert report["named_leaders"] is False
        user.delete()
    assert checked >= 20
    assert leaked_before > 0  # the attack works on the units decided as for any HR
    assert unit_key(units[0][1]) in figures.cells
