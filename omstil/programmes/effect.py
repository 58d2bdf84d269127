"""The effect of a competence programme on one statement: pure functions, no Django.

The leader is the unit. For each leader, the employees' answers give one mean in the round
before the programme (the baseline) and one in the round after it (the follow-up), and the
leader's change is the difference of the two. A group's change is the mean of its leaders'
changes, with a 95 % confidence interval by Student's t on n_leaders − 1 degrees of freedom; the
programme's estimated effect is the participants' mean change minus the other leaders' (a
difference in differences), with an interval by Welch's t on the two groups' leader changes.

The employees of one leader are not independent of each other – they share a leader, a
workplace and a round – so counting employees as independent observations would make the
intervals too narrow for a claim about leaders. Taking each leader's change as one observation
lets the interval hold the real spread between leaders, whatever the correlation inside a team,
at the price of wide intervals when the groups are small.

Disclosure control decides what may enter a group, as for the comparisons in the leader's
report: a leader figure that disclosure control hides is passed in as None and left out, a
leader enters only when both figures are shown (the same leaders before and after), and a group
is shown only when it holds at least `min_leaders` leaders.
"""

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

SCALE = (1, 2, 3, 4, 5)
CONFIDENCE = 0.95

# How many employees gave each answer 1 to 5 about one leader (or a pool of leaders).
Distribution = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class Sample:
    """Valid answers (1–5): one leader's employees, or several leaders' added together."""

    distribution: Distribution

    @property
    def n(self) -> int:
        return sum(self.distribution)

    @property
    def mean(self) -> float:
        return math.fsum(v * c for v, c in zip(SCALE, self.distribution, strict=True)) / self.n


def pool(distributions: Iterable[Distribution]) -> Sample:
    """The answers of several leaders' employees added together."""
    total = [0, 0, 0, 0, 0]
    for distribution in distributions:
        for index, count in enumerate(distribution):
            total[index] += count
    return Sample((total[0], total[1], total[2], total[3], total[4]))


def variance(values: Sequence[float]) -> float:
    """The sample variance (divided by n − 1); 0 for fewer than two values."""
    if len(values) < 2:
        return 0.0
    mean = math.fsum(values) / len(values)
    return math.fsum((value - mean) ** 2 for value in values) / (len(values) - 1)


@dataclass(frozen=True)
class Estimate:
    """A sum of ± independent means with its 95 % confidence interval.

    `low`, `high` and `freedom` are None when the interval cannot be computed: a sample of one
    value, or no spread at all in any of the samples.
    """

    value: float
    low: float | None
    high: float | None
    freedom: float | None

    @property
    def margin(self) -> float | None:
        """Half the interval's width."""
        return None if self.high is None else self.high - self.value


def welch(terms: Sequence[tuple[int, Sequence[float]]]) -> Estimate:
    """Σ sign × mean over independent samples of values, with a Welch–Satterthwaite t interval.

    With one sample it is the one-sample t interval of its mean on n − 1 degrees of freedom;
    with two, Welch's interval of the difference of their means.
    """
    value = math.fsum(sign * math.fsum(values) / len(values) for sign, values in terms)
    if any(len(values) < 2 for _sign, values in terms):
        return Estimate(value, None, None, None)
    parts = [variance(values) / len(values) for _sign, values in terms]
    total = math.fsum(parts)
    # No spread (up to rounding: the answers are on a scale of 1 to 5) leaves no interval to give.
    if total <= 1e-24:
        return Estimate(value, None, None, None)
    if len(terms) == 1:
        freedom: float = len(terms[0][1]) - 1  # what Satterthwaite gives, without rounding
    else:
        freedom = total**2 / math.fsum(
            part**2 / (len(values) - 1) for part, (_sign, values) in zip(parts, terms, strict=True)
        )
    margin = t_quantile(1 - (1 - CONFIDENCE) / 2, freedom) * math.sqrt(total)
    return Estimate(value, value - margin, value + margin, freedom)


@dataclass(frozen=True)
class GroupChange:
    """One group of leaders: each leader's change, their mean before and after, and the mean
    change with its interval over leaders.

    `baseline` and `follow_up` are the group's answers added together, for the number of
    answers behind the figures; the means and the change are over leaders, each leader
    weighing the same whatever the size of their team.
    """

    leaders: int
    baseline: Sample
    follow_up: Sample
    change: Estimate
    leader_ids: tuple[str, ...] = ()  # the leaders, by employee id
    leader_changes: tuple[float, ...] = ()  # each leader's change, in the order of leader_ids
    baseline_mean: float = 0.0  # the mean over leaders of each leader's baseline mean
    follow_up_mean: float = 0.0


@dataclass(frozen=True)
class ItemEffect:
    """The effect on one statement.

    `participant_leaders` and `other_leaders` count the leaders whose figures are shown in both
    rounds; a group's change is None when it holds fewer than the minimum, and the difference
    is None unless both changes are shown.
    """

    participant_leaders: int
    other_leaders: int
    participants: GroupChange | None
    others: GroupChange | None
    difference: Estimate | None
    # Why a group of enough leaders is not shown all the same (disclosure control's reason).
    participants_hidden: str | None = None
    others_hidden: str | None = None


def _shown(distribution: Distribution | None) -> bool:
    return distribution is not None and sum(distribution) > 0


def _group_change(
    leaders: list[str],
    baseline: Mapping[str, Distribution | None],
    follow_up: Mapping[str, Distribution | None],
) -> GroupChange:
    """`leaders` all have a shown figure in both rounds."""
    before = [Sample(d) for leader in leaders if (d := baseline[leader]) is not None]
    after = [Sample(d) for leader in leaders if (d := follow_up[leader]) is not None]
    changes = tuple(a.mean - b.mean for a, b in zip(after, before, strict=True))
    return GroupChange(
        leaders=len(leaders),
        baseline=pool(sample.distribution for sample in before),
        follow_up=pool(sample.distribution for sample in after),
        change=welch([(1, changes)]),
        leader_ids=tuple(leaders),
        leader_changes=changes,
        baseline_mean=math.fsum(sample.mean for sample in before) / len(before),
        follow_up_mean=math.fsum(sample.mean for sample in after) / len(after),
    )


def item_effect(
    baseline: Mapping[str, Distribution | None],
    follow_up: Mapping[str, Distribution | None],
    participants: Collection[str],
    min_leaders: int,
) -> ItemEffect:
    """The effect of a programme on one statement.

    `baseline` and `follow_up` hold every leader evaluated in that round, by employee id, with
    the employees' distribution as disclosure control shows it, or None when it is hidden.
    Leaders evaluated in both rounds who are not in `participants` are the comparison group.
    """
    if min_leaders < 1:
        raise ValueError("a group needs at least one leader")
    both = baseline.keys() & follow_up.keys()
    measured = sorted(
        leader for leader in both if _shown(baseline[leader]) and _shown(follow_up[leader])
    )
    taking_part = set(participants)
    inside = [leader for leader in measured if leader in taking_part]
    outside = [leader for leader in measured if leader not in taking_part]
    mine = _group_change(inside, baseline, follow_up) if len(inside) >= min_leaders else None
    theirs = _group_change(outside, baseline, follow_up) if len(outside) >= min_leaders else None
    difference = None
    if mine is not None and theirs is not None:
        difference = welch([(1, mine.leader_changes), (-1, theirs.leader_changes)])
    return ItemEffect(len(inside), len(outside), mine, theirs, difference)


def t_quantile(probability: float, freedom: float) -> float:
    """The `probability` quantile (0.5–1) of Student's t distribution with real `freedom` > 0."""
    if not 0.5 <= probability < 1 or freedom <= 0:
        raise ValueError("t_quantile takes a probability in [0.5, 1) and freedom > 0")
    low, high = 0.0, 1.0
    while t_cdf(high, freedom) < probability:
        low, high = high, high * 2
    for _ in range(200):
        middle = (low + high) / 2
        if t_cdf(middle, freedom) < probability:
            low = middle
        else:
            high = middle
        if high - low < 1e-12:
            break
    return (low + high) / 2


def t_cdf(t: float, freedom: float) -> float:
    """The distribution function of Student's t, through the regularized incomplete beta."""
    tail = 0.5 * _incomplete_beta(freedom / 2, 0.5, freedom / (freedom + t * t))
    return 1 - tail if t > 0 else tail


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b) (continued fraction, Lentz)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    # The continued fraction converges fast only on this side of the mean; use symmetry.
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 + even * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + even / c
        c = c if abs(c) > tiny else tiny
        result *= d * c
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 + odd * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + odd / c
        c = c if abs(c) > tiny else tiny
        step = d * c
        result *= step
        if abs(step - 1) < 1e-15:
            break
    return result
