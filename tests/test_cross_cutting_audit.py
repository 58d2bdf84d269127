"""The audit of figures that cut across the unit tree (`disclosure.leaks`, `disclosure.audit`).

Generated organisations small enough to enumerate: a handful of atoms (a leader's team × job
family), each with answers and a leader. `leaks` must agree with a search over every set of
atoms (is its indicator in the span of the figures?), and after `audit` no signed combination
of the shown figures equals a group of 1 to k − 1 answers or a single leader's team.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omstil.lib import disclosure
from omstil.lib.disclosure import MIN_LEADERS, audit, leaks

THRESHOLD = 5


@st.composite
def organisations(draw: st.DrawFn) -> tuple[list[int], list[int], list[list[int]]]:
    """Up to 7 atoms with answers and an owning leader, and up to 6 figures over them."""
    size = draw(st.integers(1, 7))
    answers = [draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 9])) for _ in range(size)]
    owner = [draw(st.integers(0, 3)) for _ in range(size)]
    figures = draw(
        st.lists(
            st.lists(st.integers(0, size - 1), min_size=1, max_size=size, unique=True),
            max_size=6,
        )
    )
    return answers, owner, figures


def in_span(figures: list[list[int]], atoms: list[int], target: set[int]) -> bool:
    """Whether the indicator of `target` (over `atoms`) is a real combination of the figures'."""
    column = {atom: number for number, atom in enumerate(atoms)}
    matrix = np.zeros((len(figures), len(atoms)))
    for row, figure in enumerate(figures):
        for atom in figure:
            if atom in column:
                matrix[row, column[atom]] = 1
    vector = np.array([[1.0 if atom in target else 0.0 for atom in atoms]])
    if not figures:
        return False
    rank = np.linalg.matrix_rank(matrix)
    return bool(np.linalg.matrix_rank(np.vstack([matrix, vector])) == rank)


def exposed(
    figures: list[list[int]], answers: list[int], owner: list[int], leaders: bool
) -> set[frozenset[int]]:
    """Every set of answering atoms a combination of the figures isolates that is small, or
    one leader's team alone."""
    atoms = [atom for atom, n in enumerate(answers) if n > 0]
    found = set()
    for count in range(1, len(atoms) + 1):
        for chosen in itertools.combinations(atoms, count):
            total = sum(answers[atom] for atom in chosen)
            one_team = len({owner[atom] for atom in chosen}) == 1
            if (0 < total < THRESHOLD or (leaders and one_team)) and in_span(
                figures, atoms, set(chosen)
            ):
                found.add(frozenset(chosen))
    return found


@settings(max_examples=300, deadline=None)
@given(organisations(), st.booleans())
def test_leaks_agrees_with_every_set_of_atoms(
    organisation: tuple[list[int], list[int], list[list[int]]], leaders: bool
) -> None:
    answers, owner, figures = organisation
    expected = bool(exposed(figures, answers, owner, leaders))
    assert leaks(figures, answers, owner, THRESHOLD, leaders=leaders) is expected


def signed_combinations_exposing(
    figures: list[list[int]], answers: list[int], owner: list[int], leaders: bool
) -> list[tuple[int, ...]]:
    """Every combination with coefficients −1, 0, 1 that adds up to a small group or a
    single leader's team (atoms without answers count as known to be empty)."""
    found = []
    atoms = [atom for atom, n in enumerate(answers) if n > 0]
    for signs in itertools.product((-1, 0, 1), repeat=len(figures)):
        if not any(signs):
            continue
        total = dict.fromkeys(atoms, 0)
        for sign, figure in zip(signs, figures, strict=True):
            for atom in figure:
                if atom in total:
                    total[atom] += sign
        if not all(value in (0, 1) for value in total.values()):
            continue
        chosen = [atom for atom, value in total.items() if value == 1]
        if not chosen:
            continue
        n = sum(answers[atom] for atom in chosen)
        if 0 < n < THRESHOLD or (leaders and len({owner[atom] for atom in chosen}) == 1):
            found.append(signs)
    return found


@settings(max_examples=300, deadline=None)
@given(organisations(), st.booleans())
def test_no_signed_combination_of_shown_figures_exposes_anyone(
    organisation: tuple[list[int], list[int], list[list[int]]], leaders: bool
) -> None:
    answers, owner, candidates = organisation
    everyone = [list(range(len(answers)))]
    fixed = [] if leaks(everyone, answers, owner, THRESHOLD, leaders=leaders) else everyone
    shown = audit(fixed, candidates, answers, owner, THRESHOLD, leaders=leaders)
    published = fixed + [figure for figure, kept in zip(candidates, shown, strict=True) if kept]
    assert signed_combinations_exposing(published, answers, owner, leaders) == []
    for figure, kept in zip(candidates, shown, strict=True):
        if kept:  # primary suppression holds for every shown candidate
            assert sum(answers[atom] for atom in figure) >= THRESHOLD
            if leaders:
                teams = {owner[atom] for atom in figure if answers[atom]}
                assert len(teams) >= MIN_LEADERS


@st.composite
def trees_and_candidates(
    draw: st.DrawFn,
) -> tuple[list[int], list[int], list[list[int]], list[list[int]]]:
    """Atoms under a small tree of figures (each atom in a leaf or a unit's own part) and
    candidates cutting across it."""
    answers, owner, candidates = draw(organisations())
    size = len(answers)
    nodes = draw(st.integers(1, 4))
    parents: list[int | None] = [None] + [draw(st.integers(0, i - 1)) for i in range(1, nodes)]
    home = [draw(st.integers(0, nodes - 1)) for _ in range(size)]
    fixed = []
    for node in range(nodes):
        inside = {node}
        for other in range(nodes):  # every node below `node`
            up = parents[other]
            while up is not None:
                if up == node:
                    inside.add(other)
                up = parents[up]
        figure = [atom for atom in range(size) if home[atom] in inside]
        keep: bool = draw(st.booleans())
        if figure and keep:
            fixed.append(figure)
    return answers, owner, fixed, candidates


def one_by_one(
    fixed: list[list[int]],
    candidates: list[list[int]],
    answers: list[int],
    owner: list[int],
    threshold: int,
    leaders: bool,
) -> list[bool]:
    """The candidates `leaks` lets be shown, taken one by one beside the fixed figures."""
    expected = [False] * len(candidates)
    if leaks(fixed, answers, owner, threshold, leaders=leaders):
        return expected
    kept: list[list[int]] = []
    for number, figure in enumerate(candidates):
        n = sum(answers[atom] for atom in figure)
        teams = {owner[atom] for atom in figure if answers[atom]}
        if n < threshold or (leaders and len(teams) < MIN_LEADERS):
            continue
        if not leaks([*fixed, *kept, figure], answers, owner, threshold, leaders=leaders):
            expected[number] = True
            kept.append(figure)
    return expected


@settings(max_examples=400, deadline=None)
@given(trees_and_candidates(), st.booleans(), st.integers(3, 9))
def test_audit_keeps_what_taking_candidates_one_by_one_keeps(
    organisation: tuple[list[int], list[int], list[list[int]], list[list[int]]],
    leaders: bool,
    threshold: int,
) -> None:
    """The audit's lookup of unions by their sums decides as `leaks` does over every figure,
    one by one, whatever the threshold (and so the size of the unions looked for)."""
    answers, owner, fixed, candidates = organisation
    expected = one_by_one(fixed, candidates, answers, owner, threshold, leaders)
    assert audit(fixed, candidates, answers, owner, threshold, leaders=leaders) == expected


@settings(max_examples=150, deadline=None)
@given(st.data(), st.booleans())
def test_many_small_teams_are_looked_up_as_exactly_as_searched(
    data: st.DataObject, leaders: bool
) -> None:
    """Up to 14 atoms of 1 or 2 answers, in remainders of a flat tree, with candidates across
    it: unions of up to four small classes are found by their sums just as the search does."""
    size = data.draw(st.integers(4, 14))
    answers = [data.draw(st.sampled_from([1, 1, 2, 6])) for _ in range(size)]
    owner = [data.draw(st.integers(0, 5)) for _ in range(size)]
    home = [data.draw(st.integers(0, 3)) for _ in range(size)]
    units = [[atom for atom in range(size) if home[atom] == unit] for unit in range(4)]
    fixed = [list(range(size))]
    for unit in units:
        keep: bool = data.draw(st.booleans())
        if unit and keep:
            fixed.append(unit)
    candidates = data.draw(
        st.lists(
            st.lists(st.integers(0, size - 1), min_size=2, max_size=size, unique=True),
            max_size=5,
        )
    )
    expected = one_by_one(fixed, candidates, answers, owner, THRESHOLD, leaders)
    assert audit(fixed, candidates, answers, owner, THRESHOLD, leaders=leaders) == expected


def test_halves_count_as_combinations() -> None:
    """Three leaders' pairs give each leader as half their signed sum: hidden."""
    pairs = [[0, 1], [0, 2], [1, 2]]
    assert leaks(pairs, [9, 9, 9], [0, 1, 2], THRESHOLD, leaders=True)
    assert not leaks(pairs, [9, 9, 9], [0, 1, 2], THRESHOLD, leaders=False)
    assert audit([], pairs, [9, 9, 9], [0, 1, 2], THRESHOLD, leaders=True) == [True, True, False]


def test_a_later_candidate_never_changes_an_earlier_ones_fate() -> None:
    """Figures added later (a new programme) hide themselves, not figures already shown."""
    answers, owner = [6, 6, 6, 6], [0, 1, 2, 3]
    first = audit([[0, 1, 2, 3]], [[0, 1], [0, 1, 2]], answers, owner, THRESHOLD, leaders=True)
    assert first == [True, False]  # ABC minus AB is C's team
    later = audit(
        [[0, 1, 2, 3]], [[0, 1], [0, 1, 2], [2, 3]], answers, owner, THRESHOLD, leaders=True
    )
    assert later[:2] == first


def test_too_many_small_sets_count_as_unsafe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the search budget the audit suppresses rather than guesses."""
    figures = [[0, 2, 3], [1, 2, 3]]
    with monkeypatch.context() as patch:
        patch.setattr(disclosure, "AUDIT_BUDGET", 0)
        # Two small atoms that no combination isolates: safe, but not searched.
        assert leaks(figures, [1, 1, 9, 9], [0, 1, 2, 3], THRESHOLD, leaders=False)
    assert not leaks(figures, [1, 1, 9, 9], [0, 1, 2, 3], THRESHOLD, leaders=False)


@pytest.mark.parametrize("small", [2, 3, 4, 6, 8])
def test_a_union_of_many_small_classes_is_found(small: int) -> None:
    """The whole, minus every big team, leaves `small` teams of one answer, each told apart
    from the others by a figure of its own: a union of that many classes, found and hidden."""
    threshold = small + 1
    ones = list(range(small))
    big = list(range(small, 2 * small))
    answers = [1] * small + [9] * small
    owner = list(range(2 * small))
    whole = [ones + big]
    pairs = [[one, team] for one, team in zip(ones, big, strict=True)]
    candidates = [big, *pairs]
    expected = one_by_one(whole, candidates, answers, owner, threshold, True)
    assert expected == [False] + [True] * small
    assert audit(whole, candidates, answers, owner, threshold, leaders=True) == expected
