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
    assert figure.reason == "skjult for at beskytte en mindre gruppe"


def test_a_shown_group_shows_its_opt_out_counts_also_a_count_of_one():
    table = Table()
    table.add("leader", counts([4, 4, 5, 3, 2], dont_know=1))
    figure = suppress(table, threshold=5)["leader"]
    assert (figure.n, figure.mean, figure.distribution) == (5, 3.6, (0, 1, 1, 2, 1))
    # One "Ved ikke" among at least five: like a distribution's count of 1, it identifies
    # nobody (the decision recorded in docs/disclosure.md).
    assert (figure.dont_know, figure.prefer_not) == (1, 0)
    assert figure.reason is None


def test_opt_out_counts_that_a_difference_would_give_away_are_hidden():
    table = Table()
    table.add("unit", counts([4] * 10, dont_know=2))
    table.add("team", counts([4] * 5, dont_know=1), parent="unit")
    table.add("other", counts([4] * 5, dont_know=1), parent="unit")
    figures = suppress(table, threshold=5)
    # Each team shows its one "Ved ikke": the unit's 2 minus both is 0.
    assert [figures[key].dont_know for key in ("unit", "team", "other")] == [2, 1, 1]
    table = Table()
    table.add("unit", counts([4] * 10, dont_know=3))
    table.add("team", counts([4] * 10, dont_know=1), parent="unit")
    figures = suppress(table, threshold=5)
    # The unit minus the team would show two people outside it who said "Ved ikke".
    assert figures["unit"].dont_know is None
    assert figures["unit"].reason == "skjult, så den ikke kan regnes ud af de andre tal"
    assert figures["team"].dont_know == 1


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
                    # A remainder that is itself a group of at least `threshold` valid answers
                    # may hold a single "Ved ikke", as a shown figure may; one that holds only
                    # opt-outs must hold none or at least `threshold`.
                    assert (
                        remainder.n >= threshold
                        or remainder.opted_out == 0
                        or remainder.opted_out >= threshold
                    ), (key, chosen)
        if figures[key].dont_know is not None:
            # Opt-out counts appear only inside a shown figure (checked above).
            assert table.counts[key].n >= threshold


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


# The straightforward complementary suppression the module started with, kept as the reference
# for the fast one: passes over every shown figure in repr order, as long as a pass hides
# anything, each finding the largest shown figures inside a figure by searching the tree.
def reference_suppress(table: Table, threshold: int, hide: str = "enclosing") -> dict:
    children: dict = {key: [] for key in table.counts}
    for key, parent in table.parent.items():
        if parent is not None:
            children[parent].append(key)

    def published_inside(key, published):
        found, stack = [], list(children[key])
        while stack:
            child = stack.pop()
            if child in published:
                found.append(child)
            else:
                stack.extend(children[child])
        return found

    def small(count):
        return 0 < count < threshold

    def complement(shown, measure):
        changed = True
        while changed:
            changed = False
            for key in sorted(shown, key=repr):
                if key not in shown:
                    continue
                inside = published_inside(key, shown)
                if not inside:
                    continue
                remainder = table.counts[key]
                for child in inside:
                    remainder = remainder - table.counts[child]
                if small(measure(remainder)):
                    if hide == "enclosing":
                        shown.discard(key)
                    else:
                        shown.discard(
                            min(inside, key=lambda c: (measure(table.counts[c]), repr(c)))
                        )
                    changed = True

    published = {key for key, counts in table.counts.items() if counts.n >= threshold}
    complement(published, lambda counts: counts.n)
    show_opt_outs = set(published)
    complement(show_opt_outs, lambda counts: counts.opted_out)
    figures = {}
    for key, counts in table.counts.items():
        if counts.n == 0 and counts.opted_out == 0:
            figures[key] = disclosure.Figure(0, None, None, None, None, False, None)
        elif key not in published:
            figures[key] = disclosure.Figure.hidden(
                disclosure.PRIMARY_REASON
                if counts.n < threshold
                else disclosure.COMPLEMENTARY_REASON
            )
        else:
            shown = key in show_opt_outs
            total = sum(v * c for v, c in zip((1, 2, 3, 4, 5), counts.distribution, strict=True))
            figures[key] = disclosure.Figure(
                counts.n,
                total / counts.n,
                counts.distribution,
                counts.dont_know if shown else None,
                counts.prefer_not if shown else None,
                False,
                None if shown else disclosure.COMPLEMENTARY_REASON,
            )
    return figures


@st.composite
def organisations(draw: st.DrawFn) -> Table:
    """Up to 30 groups in one or more trees, named as reports name them (units by path, leaders
    by employee id) or by numbers in a shuffled order, so that the order figures are checked in
    bears no relation to the tree."""
    size = draw(st.integers(1, 30))
    parents: list[int | None] = [None]
    for index in range(1, size):
        parents.append(draw(st.one_of(st.integers(0, index - 1), st.just(index - 1), st.none())))
    keys: list = []
    if draw(st.booleans()):
        keys = draw(st.permutations(range(size)))
    else:
        for index, parent in enumerate(parents):
            if parent is not None and keys[parent][0] == "leader":
                parent = parents[index] = None  # nothing lies inside a leader's group
            if parent is None or draw(st.booleans()):
                name = f"Enhed {index}" if parent is None else f"{keys[parent][1]} / Enhed {index}"
                keys.append(("unit", name))
            else:
                keys.append(("leader", str(index)))
    totals = [Counts.of(draw(answers)) for _ in range(size)]
    for index in range(size - 1, 0, -1):  # a group's parent comes before it
        parent = parents[index]
        if parent is not None:
            totals[parent] = totals[parent] + totals[index]
    table = Table()
    for index, parent in enumerate(parents):
        table.add(keys[index], totals[index], None if parent is None else keys[parent])
    return table


@settings(max_examples=1500, deadline=None)
@given(
    table=organisations(),
    threshold=st.integers(1, 7),
    hide=st.sampled_from(["enclosing", "nested"]),
)
def test_suppression_hides_exactly_what_the_straightforward_passes_hide(table, threshold, hide):
    expected = reference_suppress(table, threshold, hide)
    figures = suppress(table, threshold, hide=hide)
    assert list(figures.items()) == list(expected.items())
    # A hierarchy prepared once gives the same for any counts; groups left out had no answers.
    hierarchy = disclosure.Hierarchy(table.parent)
    answered = {key: counts for key, counts in table.counts.items() if counts != Counts()}
    assert hierarchy.suppress(answered, threshold, hide=hide) == expected


def test_a_hierarchy_refuses_counts_of_groups_it_does_not_hold():
    hierarchy = disclosure.Hierarchy({"unit": None, "A": "unit"})
    with pytest.raises(KeyError):
        hierarchy.suppress({"B": counts([4] * 5)}, threshold=5)


def test_nested_hides_the_first_by_name_of_equally_small_figures_and_checks_again():
    # The team (5) minus leader A (5) leaves nothing; the unit (14) minus the team and leader
    # B (5 each) leaves 4. "nested" hides B, first by name of the two; the unit minus the team
    # then leaves 9, so nothing more goes.
    table = Table()
    table.add(("unit", "U"), counts([3] * 14))
    table.add(("unit", "U / Team"), counts([3] * 5), ("unit", "U"))
    table.add(("leader", "A"), counts([3] * 5), ("unit", "U / Team"))
    table.add(("leader", "B"), counts([4] * 5), ("unit", "U"))
    nested = suppress(table, threshold=5, hide="nested")
    assert [key for key, figure in nested.items() if figure.suppressed] == [("leader", "B")]
    enclosing = suppress(table, threshold=5)
    assert [key for key, figure in enclosing.items() if figure.suppressed] == [("unit", "U")]


# Who took part: the counts of a round page (groups in units, units in the round).

participation_units = st.dictionaries(
    st.sampled_from("ABCDE"),
    st.dictionaries(st.integers(0, 6), st.integers(1, 9), min_size=1, max_size=4),
    min_size=1,
    max_size=5,
)


@given(units=participation_units, threshold=st.integers(3, 6))
def test_no_shown_participation_count_leaves_a_small_group_by_subtraction(units, threshold):
    from omstil.lib.disclosure import participation_shown

    keyed = {unit: {(unit, g): n for g, n in groups.items()} for unit, groups in units.items()}
    shown = participation_shown(keyed, threshold)

    def small(invited: int) -> bool:
        return 0 < invited < threshold

    for unit, groups in keyed.items():
        for key, invited in groups.items():
            assert shown.groups[key] == (invited >= threshold)
        if shown.units[unit]:
            hidden = sum(n for key, n in groups.items() if not shown.groups[key])
            assert not small(hidden)
            assert sum(groups.values()) >= threshold
    if shown.total:
        left = sum(
            n
            for unit, groups in keyed.items()
            if not shown.units[unit]
            for key, n in groups.items()
            if not shown.groups[key]
        )
        assert not small(left)
