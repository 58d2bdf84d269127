"""The cheapest complementary suppression (`Hierarchy.cheapest`) is optimal and safe: for small
generated trees, no valid set of shown figures is worth more than the one it finds (an
exhaustive search over every subset), and in the one it finds no combination of shown figures
leaves a small group, in answers or in leaders."""

import itertools
from collections.abc import Hashable

from hypothesis import given, settings
from hypothesis import strategies as st

from omstil.lib.disclosure import Hierarchy


@st.composite
def trees(draw: st.DrawFn) -> tuple[list[int | None], list[int], list[int]]:
    """Up to 12 figures in a tree, each with answers and leaders of its own (pooled upwards)."""
    size = draw(st.integers(1, 12))
    parents: list[int | None] = [None] + [draw(st.integers(0, i - 1)) for i in range(1, size)]
    own_answers = [draw(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 12])) for _ in range(size)]
    own_leaders = [draw(st.integers(0, 2)) if own_answers[i] else 0 for i in range(size)]
    answers, leaders = list(own_answers), list(own_leaders)
    for node in range(size - 1, 0, -1):  # a node's parent comes before it
        up = parents[node]
        assert up is not None
        answers[up] += answers[node]
        leaders[up] += leaders[node]
    return parents, answers, leaders


def remainders_safe(
    parents: list[int | None], measure: list[int], threshold: int, shown: list[bool]
) -> bool:
    """Straight from the definition: every shown figure minus the largest shown figures inside
    it is 0 or at least `threshold`."""
    size = len(parents)

    def above(node: int) -> list[int]:
        found, up = [], parents[node]
        while up is not None:
            found.append(up)
            up = parents[up]
        return found

    for node in range(size):
        if not shown[node]:
            continue
        inside = [d for d in range(size) if node in above(d) and shown[d]]
        largest = [d for d in inside if not any(a in inside for a in above(d))]
        left = measure[node] - sum(measure[d] for d in largest)
        if 0 < left < threshold:
            return False
    return True


def exhaustive(parents, measures, allowed, value):
    """The greatest value of a valid set, trying every subset of the allowed figures."""
    candidates = [node for node, ok in enumerate(allowed) if ok]
    best = 0.0
    for size in range(len(candidates) + 1):
        for chosen in itertools.combinations(candidates, size):
            shown = [node in chosen for node in range(len(parents))]
            if all(remainders_safe(parents, m, k, shown) for m, k in measures):
                best = max(best, sum(value[node] for node in chosen))
    return best


@settings(max_examples=300, deadline=None)
@given(tree=trees(), threshold=st.integers(3, 6), with_leaders=st.booleans(), data=st.data())
def test_no_valid_set_of_shown_figures_is_worth_more(tree, threshold, with_leaders, data):
    parents, answers, leaders = tree
    hierarchy = Hierarchy(dict(enumerate(parents)))
    measures = [(answers, threshold)] + ([(leaders, 2)] if with_leaders else [])
    allowed = [all(m[node] >= k for m, k in measures) for node in range(len(parents))]
    value = [float(data.draw(st.integers(1, 20))) for _ in parents]
    shown = hierarchy.cheapest(measures, allowed, value)
    assert all(not s or a for s, a in zip(shown, allowed, strict=True))  # only allowed ones
    assert all(remainders_safe(parents, m, k, shown) for m, k in measures)
    found = sum(v for v, s in zip(value, shown, strict=True) if s)
    assert found == exhaustive(parents, measures, allowed, value)


def test_it_hides_one_small_sub_unit_rather_than_the_unit_above():
    # A directorate: its own leader's team (3 answers, one leader) and three sub-units. The
    # directorate minus its sub-units would be that one team; hiding the smallest sub-unit
    # (6 answers, 1 leader) leaves 9 answers of two leaders, and the directorate can be shown.
    parents = [None, 0, 0, 0]
    answers = [3 + 30 + 40 + 6, 30, 40, 6]
    leaders = [1 + 3 + 4 + 1, 3, 4, 1]
    hierarchy = Hierarchy(dict(enumerate(parents)))
    allowed = [True, True, True, True]
    value = [10.0 * answers[0], 30.0, 40.0, 6.0]
    shown = hierarchy.cheapest([(answers, 5), (leaders, 2)], allowed, value)
    assert shown == [True, True, True, False]


def test_the_same_sub_unit_goes_on_every_statement_when_that_costs_little_more():
    # A directorate with its own leader's team and three sub-units of two leaders each: on
    # every statement one sub-unit must go, or the directorate minus them is the director's
    # team. Alone, each statement hides its smallest sub-unit, A twice and B once; told what
    # the others hide, the third hides A too, at one answer more, so one column has a gap.
    parents: dict[Hashable, Hashable | None] = {"top": None, "A": "top", "B": "top", "C": "top"}
    hierarchy = Hierarchy(parents)
    statements = [(10, 12, 30), (10, 13, 30), (11, 10, 30)]  # answers in A, B, C
    leaders = [1 + 6, 2, 2, 2]
    decided_alone = []
    for a, b, c in statements:
        valid = [4 + a + b + c, a, b, c]
        decided_alone.append(hierarchy.decide_pooled(valid, [0] * 4, leaders, 5)[0])
    assert [shown.index(False) for shown in decided_alone] == [1, 1, 2]
    hidden = [sum(not shown[node] for shown in decided_alone) for node in range(4)]
    for a, b, c in statements:
        valid = [4 + a + b + c, a, b, c]
        shown, _outs = hierarchy.decide_pooled(
            valid, [0] * 4, leaders, 5, hidden_elsewhere=hidden, statements=3
        )
        assert shown == [True, False, True, True]
    # A sub-unit hidden elsewhere is worth at most half less: a much larger one is kept.
    valid = [4 + 30 + 10 + 30, 30, 10, 30]
    shown, _outs = hierarchy.decide_pooled(
        valid, [0] * 4, leaders, 5, hidden_elsewhere=hidden, statements=3
    )
    assert shown == [True, True, False, True]
