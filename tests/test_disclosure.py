"""Disclosure control: no published figures let anyone compute a group below the threshold."""

import ast
import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omstil.lib import disclosure
from omstil.lib.disclosure import Counts, Table, suppress


def counts(valid: list[int], dont_know: int = 0, prefer_not: int = 0) -> Counts:
    return Counts.of([*valid, *["dont_know"] * dont_know, *["prefer_not"] * prefer_not])


def test_the_module_imports_nothing_from_django():
    tree = ast.parse(Path(disclosure.__file__).read_text(encoding="utf-8"))
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.append(node.module)
    assert not [module for module in modules if module and module.startswith(("django", "omstil"))]


def test_a_group_below_the_threshold_shows_nothing():
    table = Table()
    table.add("leader", counts([4, 4, 5, 3]))
    figure = suppress(table, threshold=5)["leader"]
    assert figure.suppressed
    assert (figure.n, figure.mean, figure.distribution, figure.dont_know) == (
        None,
        None,
        None,
        None,
    )
    assert figure.reason == "skjult for at beskytte anonymiteten"


def test_a_group_at_the_threshold_shows_mean_and_distribution_without_opt_outs():
    table = Table()
    table.add("leader", counts([4, 4, 5, 3, 2], dont_know=1))
    figure = suppress(table, threshold=5)["leader"]
    assert (figure.n, figure.mean, figure.distribution) == (5, 3.6, (0, 1, 1, 2, 1))
    # One "Ved ikke": shown, the figure with and without it would differ by one person.
    assert figure.dont_know is None
    assert figure.reason == "skjult for at beskytte anonymiteten"


def test_opt_outs_are_shown_when_none_or_enough():
    table = Table()
    table.add("a", counts([4] * 5))
    table.add("b", counts([4] * 5, dont_know=3, prefer_not=2))
    figures = suppress(table, threshold=5)
    assert (figures["a"].dont_know, figures["a"].prefer_not) == (0, 0)
    assert (figures["b"].dont_know, figures["b"].prefer_not) == (3, 2)


def test_a_unit_minus_its_shown_leaders_may_not_leave_a_small_group():
    # Leader A has 6 answers, leader B 3 (hidden); the unit has 9. Showing A and the unit would
    # give B's answers by subtraction, so one of them goes too.
    table = Table()
    table.add("unit", counts([5] * 6 + [1] * 3))
    table.add("A", counts([5] * 6), parent="unit")
    table.add("B", counts([1] * 3), parent="unit")
    figures = suppress(table, threshold=5)
    assert figures["B"].suppressed
    assert figures["unit"].suppressed  # by default the pooled figure goes: A's report stays
    assert not figures["A"].suppressed
    nested = suppress(table, threshold=5, hide="nested")
    assert nested["A"].suppressed
    assert not nested["unit"].suppressed


def test_a_parent_and_its_only_child_may_not_differ_by_a_small_group():
    table = Table()
    table.add("unit", counts([3] * 7))
    table.add("team", counts([3] * 5), parent="unit")
    figures = suppress(table, threshold=5, hide="nested")
    assert figures["team"].suppressed
    assert not figures["unit"].suppressed
    assert suppress(table, threshold=5)["unit"].suppressed


def test_comments_have_their_own_threshold():
    assert not disclosure.show_comments(9, threshold=10)
    assert disclosure.show_comments(10, threshold=10)


answers: st.SearchStrategy[list[int | str]] = st.lists(
    st.sampled_from([1, 2, 3, 4, 5, "dont_know", "prefer_not"]), max_size=12
)


@st.composite
def hierarchies(draw: st.DrawFn) -> tuple[Table, dict[int, list[int]]]:
    """A random organisation: up to 9 groups in a tree, each with answers of its own."""
    size = draw(st.integers(1, 9))
    parents = [None] + [draw(st.integers(0, index - 1)) for index in range(1, size)]
    own = [Counts.of(draw(answers)) for _ in range(size)]
    children: dict[int, list[int]] = {index: [] for index in range(size)}
    for index, parent in enumerate(parents):
        if parent is not None:
            children[parent].append(index)

    def total(index: int) -> Counts:
        result = own[index]
        for child in children[index]:
            result = result + total(child)
        return result

    table = Table()
    for index in range(size):
        table.add(index, total(index), parents[index])
    return table, children


def descendants(index: int, children: dict[int, list[int]]) -> set[int]:
    found: set[int] = set()
    stack = list(children[index])
    while stack:
        node = stack.pop()
        found.add(node)
        stack.extend(children[node])
    return found


@settings(max_examples=400, deadline=None)
@given(
    data=hierarchies(),
    threshold=st.integers(3, 6),
    hide=st.sampled_from(["enclosing", "nested"]),
)
def test_no_published_figures_combine_into_a_group_below_the_threshold(data, threshold, hide):
    table, children = data
    figures = suppress(table, threshold, hide=hide)
    # Figures of groups nobody answered carry no numbers to subtract.
    published = {key for key, figure in figures.items() if not figure.suppressed and figure.n}
    for key in published:
        assert isinstance(key, int)
        assert table.counts[key].n >= threshold
        inside = sorted(descendants(key, children) & published)
        # Every way of subtracting disjoint published figures from a published figure.
        for size in range(1, len(inside) + 1):
            for chosen in itertools.combinations(inside, size):
                if any(a in descendants(b, children) for a in chosen for b in chosen if a != b):
                    continue
                remainder = table.counts[key]
                for other in chosen:
                    remainder = remainder - table.counts[other]
                assert remainder.n == 0 or remainder.n >= threshold, (key, chosen)
                with_opt_outs = [o for o in chosen if figures[o].dont_know is not None]
                if figures[key].dont_know is not None and len(with_opt_outs) == len(chosen):
                    assert remainder.opted_out == 0 or remainder.opted_out >= threshold
        if figures[key].dont_know is not None:
            assert table.counts[key].opted_out == 0 or table.counts[key].opted_out >= threshold


@given(data=hierarchies(), threshold=st.integers(3, 6))
def test_what_is_shown_is_the_true_figure(data, threshold):
    table, _children = data
    for key, figure in suppress(table, threshold).items():
        if not figure.suppressed and figure.n:
            counts_ = table.counts[key]
            assert figure.n == counts_.n
            assert figure.distribution == counts_.distribution
            assert figure.mean == pytest.approx(
                sum(v * c for v, c in zip((1, 2, 3, 4, 5), counts_.distribution, strict=True))
                / counts_.n
            )


def test_a_group_nobody_answered_is_zero_not_hidden():
    table = Table()
    table.add("unit", counts([4] * 6))
    table.add("A", counts([4] * 6), parent="unit")
    table.add("B", counts([]), parent="unit")
    figures = suppress(table, threshold=5)
    assert figures["B"] == disclosure.Figure(0, None, None, None, None, False, None)
    assert not figures["A"].suppressed
    assert not figures["unit"].suppressed
