"""Disclosure control: which figures of a report may be shown without exposing small groups.

The rules of the anonymity promise (PRODUCT.md), in one place and without Django:

- a group's answers to a statement are shown only when at least `threshold` gave a valid answer
  (1–5); otherwise neither mean nor distribution is shown (primary suppression);
- "Ved ikke" and "Ønsker ikke at oplyse" are counted but kept out of means; their counts are
  shown only when together they are 0 or at least `threshold`, so that a figure with and one
  without them never differ by a group of 1 to threshold − 1;
- no two figures a user can see may differ by such a group either: when a published figure
  minus the published figures nested inside it leaves a remainder of 1 to threshold − 1 valid
  answers, more figures are hidden until the remainder is 0 or large enough (complementary
  suppression).

Figures form a hierarchy (a *laminar* family): a unit contains its sub-units and its leaders'
groups, and two figures are either nested or disjoint. For such a family, every set of answers
that can be computed from published figures by adding and subtracting them is a union of the
*remainders* – a published figure minus the largest published figures inside it – so checking
every remainder checks every combination. Callers must pass every figure one user can see.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

SCALE = (1, 2, 3, 4, 5)
HIDDEN_REASON = "skjult for at beskytte anonymiteten"


@dataclass(frozen=True)
class Counts:
    """How one group answered one statement."""

    distribution: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    dont_know: int = 0
    prefer_not: int = 0

    @property
    def n(self) -> int:
        """Valid answers (1–5)."""
        return sum(self.distribution)

    @property
    def opted_out(self) -> int:
        return self.dont_know + self.prefer_not

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            tuple(a + b for a, b in zip(self.distribution, other.distribution, strict=True)),  # type: ignore[arg-type]
            self.dont_know + other.dont_know,
            self.prefer_not + other.prefer_not,
        )

    def __sub__(self, other: "Counts") -> "Counts":
        return Counts(
            tuple(a - b for a, b in zip(self.distribution, other.distribution, strict=True)),  # type: ignore[arg-type]
            self.dont_know - other.dont_know,
            self.prefer_not - other.prefer_not,
        )

    @classmethod
    def of(cls, answers: Iterable[int | str]) -> "Counts":
        """Count answers given as 1–5, "dont_know" or "prefer_not"."""
        distribution = [0, 0, 0, 0, 0]
        dont_know = prefer_not = 0
        for answer in answers:
            if answer == "dont_know":
                dont_know += 1
            elif answer == "prefer_not":
                prefer_not += 1
            elif isinstance(answer, int) and answer in SCALE:
                distribution[answer - 1] += 1
            else:
                raise ValueError(f"not an answer: {answer!r}")
        return cls(tuple(distribution), dont_know, prefer_not)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Figure:
    """What may be shown of one group's answers to one statement."""

    n: int | None
    mean: float | None
    distribution: tuple[int, int, int, int, int] | None
    dont_know: int | None
    prefer_not: int | None
    suppressed: bool
    reason: str | None

    @classmethod
    def hidden(cls, reason: str) -> "Figure":
        return cls(None, None, None, None, None, True, reason)


@dataclass
class Table:
    """The groups of one report (or of everything one user can see), for one statement.

    `parent` gives each group the group it lies inside; groups without a parent are the tops.
    A group's counts must include every answer of the groups inside it.
    """

    counts: dict[Hashable, Counts] = field(default_factory=dict)
    parent: dict[Hashable, Hashable | None] = field(default_factory=dict)

    def add(self, key: Hashable, counts: Counts, parent: Hashable | None = None) -> None:
        self.counts[key] = counts
        self.parent[key] = parent


def _children(table: Table) -> dict[Hashable, list[Hashable]]:
    children: dict[Hashable, list[Hashable]] = {key: [] for key in table.counts}
    for key, parent in table.parent.items():
        if parent is not None:
            children[parent].append(key)
    return children


def _published_inside(
    key: Hashable, children: Mapping[Hashable, list[Hashable]], published: set[Hashable]
) -> list[Hashable]:
    """The largest published groups strictly inside `key` (published descendants, topmost)."""
    found: list[Hashable] = []
    stack = list(children[key])
    while stack:
        child = stack.pop()
        if child in published:
            found.append(child)
        else:
            stack.extend(children[child])
    return found


def _is_small(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def _complement(
    table: Table,
    children: Mapping[Hashable, list[Hashable]],
    shown: set[Hashable],
    threshold: int,
    hide: str,
    measure: Callable[[Counts], int],
) -> None:
    """Complementary suppression: take figures out of `shown` until no remainder is small.

    A remainder is a shown figure minus the largest shown figures inside it, counted by
    `measure` (valid answers, or opt-outs).
    """
    changed = True
    while changed:
        changed = False
        for key in sorted(shown, key=repr):
            if key not in shown:
                continue
            inside = _published_inside(key, children, shown)
            if not inside:
                continue
            remainder = table.counts[key]
            for child in inside:
                remainder = remainder - table.counts[child]
            if _is_small(measure(remainder), threshold):
                if hide == "enclosing":
                    shown.discard(key)
                else:
                    shown.discard(
                        min(inside, key=lambda child: (measure(table.counts[child]), repr(child)))
                    )
                changed = True


def suppress(table: Table, threshold: int, *, hide: str = "enclosing") -> dict[Hashable, Figure]:
    """The figures that may be shown of every group in `table`, and the ones to hide.

    When a figure and the figures inside it would give away a small remainder, `hide` chooses
    which goes: "enclosing" hides the figure that pools the others (a leader's own figures are
    kept, a unit total goes), "nested" hides the smallest figure inside it (totals are kept).
    """
    if hide not in ("enclosing", "nested"):
        raise ValueError("hide must be 'enclosing' or 'nested'")
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    children = _children(table)
    published = {key for key, counts in table.counts.items() if counts.n >= threshold}
    _complement(table, children, published, threshold, hide, lambda counts: counts.n)
    # Opt-out counts are shown only where they cannot single anyone out, inside one figure or
    # as the difference of two nested ones.
    show_opt_outs = {
        key for key in published if not _is_small(table.counts[key].opted_out, threshold)
    }
    _complement(table, children, show_opt_outs, threshold, hide, lambda counts: counts.opted_out)
    figures: dict[Hashable, Figure] = {}
    for key, counts in table.counts.items():
        if counts.n == 0 and counts.opted_out == 0:
            # Nobody answered: nothing to hide, and an empty group leaves no remainder.
            figures[key] = Figure(0, None, None, None, None, False, None)
            continue
        if key not in published:
            figures[key] = Figure.hidden(HIDDEN_REASON)
            continue
        shown = key in show_opt_outs
        mean = sum(value * count for value, count in zip(SCALE, counts.distribution, strict=True))
        figures[key] = Figure(
            n=counts.n,
            mean=mean / counts.n,
            distribution=counts.distribution,
            dont_know=counts.dont_know if shown else None,
            prefer_not=counts.prefer_not if shown else None,
            suppressed=False,
            reason=None if shown else HIDDEN_REASON,
        )
    return figures


def show_comments(count: int, threshold: int) -> bool:
    """Comments have their own, higher threshold; below it none of a group's are shown."""
    return count >= threshold
