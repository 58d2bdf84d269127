"""HR's organisation report across the tree: by leadership level and by job family, and each
within the units right below the top, decided together with everything else HR sees."""

from collections import Counter

import pytest
from django.urls import reverse

from omstil.lib import disclosure
from omstil.lib.job_families import OTHER
from omstil.reports import crosscut
from omstil.reports.figures import View, compute
from omstil.reports.services import unit_report
from omstil.responses.models import Response
from tests.programme_helpers import Measured, measured_kommune

TOP = "Målby Kommune"


@pytest.fixture
def measured(db: None) -> Measured:
    return measured_kommune()


def test_evaluation_answers_keep_the_job_family_only_for_groups_of_the_minimum(measured):
    round_ = measured.baseline
    families = Counter(
        Response.objects.filter(round=round_, submitted=True, rater_group="employee").values_list(
            "leader_id", "job_family"
        )
    )
    kept = {pair: n for pair, n in families.items() if pair[1] != OTHER}
    assert kept, "the generated kommune has job families to keep"
    assert min(kept.values()) >= round_.min_group_size
    others = [n for (_leader, family), n in families.items() if family == OTHER]
    leaders_with_kept = {leader for leader, _family in kept}
    for (leader, family), n in families.items():
        if family == OTHER and leader in leaders_with_kept:
            assert n >= round_.min_group_size
    assert others  # small teams answer under "Øvrige"
    assert (
        not Response.objects.filter(round=round_)
        .exclude(rater_group="employee")
        .exclude(job_family=OTHER)
    )


def test_hr_sees_levels_and_job_families_and_nothing_combines_into_a_small_group(measured, hr):
    round_ = measured.baseline
    assert not round_.visibility.get("org_admins")
    admin = hr(measured.organisation)
    report = unit_report(round_, TOP, viewer=admin)
    assert report["named_leaders"] is False
    kinds = {(table["kind"], table["unit"] is None) for table in report["breakdowns"]}
    assert kinds == {("level", True), ("family", True), ("level", False), ("family", False)}
    shown: Counter[tuple[str, bool]] = Counter()
    for table in report["breakdowns"]:
        for column in table["columns"]:
            for figure in column["items"].values():
                if figure["n"] and not figure["suppressed"]:
                    shown[table["kind"], table["unit"] is None] += 1
                    assert figure["n"] >= round_.min_group_size
                    assert figure["dont_know"] is None  # opt-outs are not shown across the tree
    assert shown["level", True]
    assert shown["family", True]

    # Everything HR sees of each statement, as sets of atoms: no combination isolates a small
    # group or one leader's team.
    figures = compute(round_)
    atoms = crosscut.atoms(figures)
    cell_atoms = crosscut._cell_atoms(figures, atoms)
    for item, column in atoms.items.items():
        layer = figures.layers[("employee", item)]
        seen = [
            cell_atoms[node]
            for node in range(figures.units)
            if figures.pooled.published[layer][node]
        ]
        for _name, pools in crosscut.breakdowns(figures, TOP):
            for pool in pools:
                if not crosscut.figure(figures, View.POOLED, pool.key, item).suppressed:
                    seen.append(crosscut._members(atoms, pool))
        valid = atoms.counts[:, column, :5].sum(axis=1).tolist()
        assert not disclosure.leaks(
            seen, valid, atoms.owner, round_.min_group_size, leaders=True
        ), item


def test_only_the_organisations_report_has_the_views_across_the_tree(measured, hr):
    admin = hr(measured.organisation)
    below = next(
        column["unit"]
        for column in unit_report(measured.baseline, TOP, viewer=admin)["sub_units"]
        if column["opens"]
    )
    assert unit_report(measured.baseline, below, viewer=admin)["breakdowns"] == []


def test_the_page_shows_the_views_with_their_explanation(client, measured, hr):
    client.force_login(hr(measured.organisation))
    page = client.get(
        reverse("reports:unit", args=[measured.baseline.pk]), {"enhed": TOP}
    ).content.decode()
    assert "Efter ledelsesniveau" in page
    assert "Efter faggruppe" in page
    assert "På tværs af enhederne" in page
