"""Competence programmes: the effect computation, the services, the forms and who may see them."""

import io
import math
import re
import statistics
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from omstil.accounts.services import set_up_user
from omstil.core.models import AuditEntry
from omstil.lib import disclosure
from omstil.organisations.models import Organisation, Person
from omstil.organisations.services import import_people
from omstil.programmes.effect import item_effect, pool, t_quantile, variance, welch
from omstil.programmes.models import (
    Attendance,
    Element,
    MaterialLink,
    Module,
    Participant,
    Programme,
)
from omstil.programmes.services import (
    MIN_POOL_LEADERS,
    MaterialLinkSetup,
    ModuleSetup,
    ParticipantRule,
    ProgrammeInvalid,
    ProgrammeSetup,
    add_module,
    create_programme,
    programme_effect,
    resolve_rule,
    set_attendance,
    update_programme,
)
from omstil.reports.comparisons import MIN_OTHER_LEADERS
from omstil.reports.figures import compute, leader_key
from omstil.responses.closing import close_round
from omstil.responses.models import Answer
from omstil.rounds.models import EvaluatedLeader, Round
from omstil.rounds.services import open_round
from omstil.site.demo.organisation import FictivePerson, generate, to_csv
from tests.conftest import PASSWORD
from tests.programme_helpers import EXTRA_SHIFT, Measured, measured_kommune
from tests.rounds_helpers import KEYS, draft_round, kommune

# ---------------------------------------------------------------------------------------------
# The pure effect computation, against independent computations.


def t_cdf_by_integration(t: float, freedom: float, steps: int = 20_000) -> float:
    """Student's t distribution function by Simpson's rule over its density."""
    constant = math.gamma((freedom + 1) / 2) / (
        math.sqrt(freedom * math.pi) * math.gamma(freedom / 2)
    )

    def density(x: float) -> float:
        return constant * (1 + x * x / freedom) ** (-(freedom + 1) / 2)

    width = t / steps
    total = density(0) + density(t)
    for step in range(1, steps):
        total += (4 if step % 2 else 2) * density(step * width)
    return 0.5 + total * width / 3


@pytest.mark.parametrize(
    ("freedom", "published"),
    [(1, 12.706), (2, 4.303), (4, 2.776), (5, 2.571), (10, 2.228), (30, 2.042), (120, 1.980)],
)
def test_the_t_quantile_matches_the_published_table(freedom, published):
    assert t_quantile(0.975, freedom) == pytest.approx(published, abs=0.0005)


@pytest.mark.parametrize("freedom", [1.7, 3.4, 8.25, 47.9])
def test_the_t_quantile_of_fractional_freedom_matches_the_integrated_density(freedom):
    assert t_cdf_by_integration(t_quantile(0.975, freedom), freedom) == pytest.approx(
        0.975, abs=1e-7
    )


def test_the_t_quantile_approaches_the_normal_one():
    assert t_quantile(0.975, 1e7) == pytest.approx(statistics.NormalDist().inv_cdf(0.975), 1e-6)


distributions = st.tuples(*[st.integers(0, 12)] * 5).filter(lambda d: sum(d) >= 2)


def expand(distribution) -> list[int]:
    return [
        value for value, count in zip(range(1, 6), distribution, strict=True) for _ in range(count)
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(distributions, min_size=1, max_size=5))
def test_a_pool_has_the_mean_of_all_its_answers(leaders):
    answers = [answer for distribution in leaders for answer in expand(distribution)]
    sample = pool(leaders)
    assert sample.n == len(answers)
    assert sample.mean == pytest.approx(statistics.fmean(answers))


values = st.lists(
    st.floats(-4, 4, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3)),
    min_size=2,
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(values)
def test_the_variance_is_the_textbook_sample_variance(sample):
    assert variance(sample) == pytest.approx(statistics.variance(sample), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(values)
def test_one_group_of_leader_changes_has_the_one_sample_t_interval(changes):
    """A group's change: the mean of its leaders' changes, t on n − 1 degrees of freedom."""
    estimate = welch([(1, changes)])
    assert estimate.value == pytest.approx(statistics.fmean(changes), abs=1e-12)
    if statistics.variance(changes) == 0:
        assert estimate.low is None  # no spread: no interval
    else:
        assert estimate.freedom == pytest.approx(len(changes) - 1)
        error = statistics.stdev(changes) / math.sqrt(len(changes))
        assert estimate.margin == pytest.approx(t_quantile(0.975, len(changes) - 1) * error)


@settings(max_examples=200, deadline=None)
@given(values, values)
def test_the_difference_of_two_groups_matches_the_textbook_welch_formula(mine, theirs):
    va, vb = statistics.variance(mine) / len(mine), statistics.variance(theirs) / len(theirs)
    estimate = welch([(1, mine), (-1, theirs)])
    assert estimate.value == pytest.approx(
        statistics.fmean(mine) - statistics.fmean(theirs), abs=1e-12
    )
    if va + vb == 0:
        assert estimate.low is None
        return
    freedom = (va + vb) ** 2 / (va**2 / (len(mine) - 1) + vb**2 / (len(theirs) - 1))
    assert estimate.freedom == pytest.approx(freedom)
    assert estimate.margin == pytest.approx(t_quantile(0.975, freedom) * math.sqrt(va + vb))


def test_a_single_leader_or_no_spread_gives_no_interval():
    assert welch([(1, [0.4])]).low is None
    assert welch([(1, [0.4, 0.4, 0.4])]).low is None
    assert welch([(1, [0.4, 0.4]), (-1, [0.1])]).low is None


figure = st.one_of(st.none(), distributions)


def leader_mean(distribution) -> float:
    return statistics.fmean(expand(distribution))


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from("abcdefghij"), figure, max_size=10),
    st.dictionaries(st.sampled_from("abcdefghij"), figure, max_size=10),
    st.sets(st.sampled_from("abcdefghij")),
    st.integers(1, 4),
)
def test_pools_hold_only_leaders_shown_in_both_rounds_and_enough_of_them(
    before, after, participants, minimum
):
    effect = item_effect(before, after, participants, minimum)
    both = sorted(
        leader
        for leader in before.keys() & after.keys()
        if before[leader] is not None and after[leader] is not None
    )
    inside = [leader for leader in both if leader in participants]
    outside = [leader for leader in both if leader not in participants]
    assert effect.participant_leaders == len(inside)
    assert effect.other_leaders == len(outside)
    changes = {}
    for name, group, leaders in (
        ("participants", effect.participants, inside),
        ("others", effect.others, outside),
    ):
        if len(leaders) < minimum:
            assert group is None
            continue
        assert group is not None
        assert group.leaders == len(leaders)
        assert group.baseline == pool(before[leader] for leader in leaders)
        assert group.follow_up == pool(after[leader] for leader in leaders)
        # The leader is the unit: each leader's own change, and their mean.
        changes[name] = [leader_mean(after[x]) - leader_mean(before[x]) for x in leaders]
        assert group.leader_changes == pytest.approx(changes[name])
        assert group.change.value == pytest.approx(statistics.fmean(changes[name]))
        assert group.baseline_mean == pytest.approx(
            statistics.fmean(leader_mean(before[x]) for x in leaders)
        )
        assert group.follow_up_mean - group.baseline_mean == pytest.approx(group.change.value)
        if len(leaders) >= 2 and statistics.variance(changes[name]) > 0:
            assert group.change.freedom == pytest.approx(len(leaders) - 1)
    assert (effect.difference is None) == (effect.participants is None or effect.others is None)
    if effect.difference is not None:
        assert effect.participants is not None
        assert effect.others is not None
        assert effect.difference.value == pytest.approx(
            effect.participants.change.value - effect.others.change.value
        )
        expected = welch([(1, changes["participants"]), (-1, changes["others"])])
        if expected.margin is None:
            assert effect.difference.margin is None or effect.difference.margin < 1e-9
        else:
            assert effect.difference.margin == pytest.approx(expected.margin)


def test_a_hidden_figure_keeps_its_leader_out_of_the_pool():
    shown = (1, 2, 3, 2, 1)
    before = {"a": shown, "b": shown, "c": shown, "d": None}
    after = {"a": shown, "b": shown, "c": None, "d": shown}
    effect = item_effect(before, after, {"a", "b", "c", "d"}, 2)
    assert effect.participant_leaders == 2
    assert effect.participants is not None
    assert effect.participants.baseline.n == 2 * sum(shown)


def test_a_pool_of_fewer_than_the_minimum_is_not_shown_and_neither_is_the_difference():
    shown = (1, 2, 3, 2, 1)
    before = dict.fromkeys("abcde", shown)
    after = dict.fromkeys("abcde", (0, 1, 2, 4, 3))
    effect = item_effect(before, after, {"a", "b"}, 3)
    assert (effect.participant_leaders, effect.other_leaders) == (2, 3)
    assert effect.participants is None
    assert effect.others is not None
    assert effect.difference is None


def test_the_minimum_is_the_one_of_the_comparisons():
    assert MIN_POOL_LEADERS == MIN_OTHER_LEADERS == 3


# ---------------------------------------------------------------------------------------------
# The effect of a programme on generated data, against a computation from the raw answers.


def raw_answers(round_: Round) -> dict[tuple[str, str], list[int]]:
    """Every leader's valid employee answers per statement, straight from the answers."""
    answers: dict[tuple[str, str], list[int]] = defaultdict(list)
    rows = Answer.objects.filter(
        response__round=round_, response__rater_group="employee", response__submitted=True
    ).values_list("response__leader__employee_id", "item_key", "value")
    for employee_id, item, value in rows:
        if value.isdigit():
            answers[(employee_id, item)].append(int(value))
    return answers


def leader_changes(
    leaders: set[str],
    key: str,
    before: dict[tuple[str, str], list[int]],
    after: dict[tuple[str, str], list[int]],
) -> list[float]:
    """Each leader's change in their employees' mean, from the answers themselves."""
    return [
        statistics.fmean(after[(leader, key)]) - statistics.fmean(before[(leader, key)])
        for leader in sorted(leaders)
    ]


def programme_for(measured: Measured, participants: list[str] | None = None) -> Programme:
    return create_programme(
        measured.organisation,
        ProgrammeSetup(
            name="Digital ledelse – hold 1",
            starts_on=date(2024, 9, 1),
            ends_on=date(2025, 1, 31),
            participants=measured.participants if participants is None else participants,
            baseline_round=measured.baseline.pk,
            follow_up_round=measured.follow_up.pk,
        ),
    )


@pytest.fixture
def measured(db) -> Measured:
    return measured_kommune()


def test_the_effect_matches_a_computation_from_the_raw_answers(measured):
    programme = programme_for(measured)
    report = programme_effect(programme)
    assert report.ready
    before, after = compute(measured.baseline), compute(measured.follow_up)
    raw_before, raw_after = raw_answers(measured.baseline), raw_answers(measured.follow_up)
    leaders = set(
        EvaluatedLeader.objects.filter(round=measured.baseline).values_list(
            "employee_id", flat=True
        )
    ) & set(
        EvaluatedLeader.objects.filter(round=measured.follow_up).values_list(
            "employee_id", flat=True
        )
    )
    assert [row.key for row in report.rows] == KEYS
    hidden_participants = 0
    for row in report.rows:
        shown = {
            leader
            for leader in leaders
            if not before.group(leader_key(leader), "employee", row.key).suppressed
            and not after.group(leader_key(leader), "employee", row.key).suppressed
            and raw_before[(leader, row.key)]
            and raw_after[(leader, row.key)]
        }
        inside = shown & set(measured.participants)
        outside = shown - set(measured.participants)
        hidden_participants += len(set(measured.participants) & leaders) - len(inside)
        assert row.effect.participant_leaders == len(inside)
        assert row.effect.other_leaders == len(outside)
        changes = {}
        for name, group, change in (
            ("participants", inside, row.effect.participants),
            ("others", outside, row.effect.others),
        ):
            assert len(group) >= MIN_POOL_LEADERS, "the fixture should show both pools"
            assert change is not None
            pooled_before = [a for leader in group for a in raw_before[(leader, row.key)]]
            pooled_after = [a for leader in group for a in raw_after[(leader, row.key)]]
            assert change.baseline.n == len(pooled_before)
            assert change.follow_up.n == len(pooled_after)
            # The leader is the unit: the mean of the leaders' own changes, its standard error
            # from their spread, and t on one degree of freedom fewer than there are leaders.
            changes[name] = leader_changes(group, row.key, raw_before, raw_after)
            assert change.leader_ids == tuple(sorted(group))
            assert change.change.value == pytest.approx(statistics.fmean(changes[name]), abs=1e-12)
            assert change.change.freedom == len(group) - 1
            assert change.change.margin is not None
            error = statistics.stdev(changes[name]) / math.sqrt(len(group))
            # The interval is the 95 % one: its half-width in standard errors has 97.5 % below.
            assert t_cdf_by_integration(
                change.change.margin / error, len(group) - 1
            ) == pytest.approx(0.975, abs=1e-7)
        mine, theirs = changes["participants"], changes["others"]
        parts = [statistics.variance(mine) / len(mine), statistics.variance(theirs) / len(theirs)]
        freedom = sum(parts) ** 2 / (
            parts[0] ** 2 / (len(mine) - 1) + parts[1] ** 2 / (len(theirs) - 1)
        )
        assert row.effect.difference is not None
        assert row.effect.difference.value == pytest.approx(
            statistics.fmean(mine) - statistics.fmean(theirs), abs=1e-12
        )
        assert row.effect.difference.freedom == pytest.approx(freedom)
        assert row.effect.difference.margin is not None
        assert t_cdf_by_integration(
            row.effect.difference.margin / math.sqrt(sum(parts)), freedom
        ) == pytest.approx(0.975, abs=1e-7)
    # Some participants' figures are hidden, so the test shows that they are left out.
    assert hidden_participants > 0


def test_participants_who_were_shifted_further_show_a_positive_effect(measured):
    report = programme_effect(programme_for(measured))
    differences = [row.effect.difference for row in report.rows]
    assert all(difference is not None for difference in differences)
    # The simulation moved the participants' level EXTRA_SHIFT further: every estimate is
    # positive and near it. With the leader as the unit (7 to 9 leaders against 10 to 12), the
    # intervals are wide, and some of them still leave out 0.
    assert all(0 < d.value < 2 * EXTRA_SHIFT for d in differences if d is not None)
    assert sum(1 for d in differences if d is not None and d.low is not None and d.low > 0) >= 2


def test_two_shown_participants_are_not_enough_for_a_pool(measured):
    before, after = compute(measured.baseline), compute(measured.follow_up)
    shown = [
        leader
        for leader in measured.participants
        if all(
            figures.group(leader_key(leader), "employee", key).distribution
            and not figures.group(leader_key(leader), "employee", key).suppressed
            for figures in (before, after)
            for key in KEYS
        )
    ]
    report = programme_effect(programme_for(measured, shown[:2]))
    for row in report.rows:
        assert row.effect.participant_leaders == 2
        assert row.effect.participants is None
        assert row.effect.difference is None
        assert row.effect.others is not None


def test_two_programmes_that_differ_by_one_leader_do_not_give_that_leader_away(measured):
    """The attack of the security review: HR, who may not see single leaders' reports, makes
    two programmes over the same rounds whose participants differ by one leader; subtracting
    the effect pages' pools would give that leader's answers. The second programme's pools
    are audited beside the first's and the rounds' unit figures, and hidden instead."""
    assert not measured.baseline.visibility.get("org_admins")
    before, after = compute(measured.baseline), compute(measured.follow_up)
    shown = [
        leader
        for leader in measured.participants
        if all(
            not figures.group(leader_key(leader), "employee", key).suppressed
            and figures.group(leader_key(leader), "employee", key).distribution
            for figures in (before, after)
            for key in KEYS
        )
    ]
    first = programme_effect(programme_for(measured, shown[:-1]))
    second = programme_effect(programme_for(measured, shown))
    attacks = 0
    for one, two in zip(first.rows, second.rows, strict=True):
        assert one.effect.participants is not None  # the first programme is shown as before
        for group in ("participants", "others"):
            a, b = getattr(one.effect, group), getattr(two.effect, group)
            if a is not None and b is not None:
                # Never two shown pools of one statement a single leader apart.
                assert len(set(a.leader_ids) ^ set(b.leader_ids)) != 1
            elif a is not None:
                attacks += 1
                hidden = getattr(two.effect, f"{group}_hidden")
                assert hidden == disclosure.COMPLEMENTARY_REASON
    assert attacks >= len(KEYS)  # every statement was attacked, and nothing came of it


def test_the_effect_page_explains_a_pool_hidden_beside_another_programme(client, measured, hr):
    before, after = compute(measured.baseline), compute(measured.follow_up)
    shown = [
        leader
        for leader in measured.participants
        if all(
            not figures.group(leader_key(leader), "employee", key).suppressed
            and figures.group(leader_key(leader), "employee", key).distribution
            for figures in (before, after)
            for key in KEYS
        )
    ]
    programme_for(measured, shown[:-1])
    second = programme_for(measured, shown)
    client.force_login(hr(measured.organisation))
    page = client.get(
        reverse("programmes:effect", args=[measured.organisation.slug, second.pk])
    ).content.decode()
    assert "skjult, så den ikke kan regnes ud af de andre tal" in page


def test_the_report_waits_until_both_rounds_are_closed(db):
    organisation = kommune()
    baseline = draft_round(organisation, opens_on=date(2024, 3, 1))
    follow_up = draft_round(organisation, opens_on=date(2025, 3, 1))
    programme = create_programme(
        organisation,
        ProgrammeSetup(
            "Forløb",
            date(2024, 9, 1),
            date(2025, 1, 31),
            participants=["3"],
            baseline_round=baseline.pk,
            follow_up_round=follow_up.pk,
        ),
    )
    report = programme_effect(programme)
    assert not report.ready
    assert report.rows == []


# ---------------------------------------------------------------------------------------------
# Services: every rule a clear Danish error, never a partial write.


@pytest.fixture
def fjordby(db) -> Organisation:
    return kommune()


@pytest.fixture
def naboby(fjordby) -> Organisation:
    import_people(
        "naboby",
        to_csv(generate(40, name="Naboby Kommune", domain="naboby.example", seed=3)),
        name="Naboby Kommune",
    )
    return Organisation.objects.get(slug="naboby")


def setup(**changes) -> ProgrammeSetup:
    values = {
        "name": "Digital ledelse",
        "starts_on": date(2025, 9, 1),
        "ends_on": date(2026, 1, 31),
        "participants": ["3", "7"],
    }
    return ProgrammeSetup(**{**values, **changes})


def refused(call, *args, **kwargs) -> list[str]:
    with pytest.raises(ProgrammeInvalid) as caught:
        call(*args, **kwargs)
    return caught.value.messages


def test_hr_defines_a_programme_with_participants_and_rounds(fjordby, hr):
    baseline = draft_round(fjordby, opens_on=date(2025, 3, 1))
    follow_up = draft_round(fjordby, opens_on=date(2026, 3, 1))
    hr = hr(fjordby)
    programme = create_programme(
        fjordby,
        setup(baseline_round=baseline.pk, follow_up_round=follow_up.pk, description=" Om "),
        actor=hr,
    )
    assert programme.description == "Om"
    assert programme.created_by == hr
    assert (programme.baseline_round, programme.follow_up_round) == (baseline, follow_up)
    assert sorted(programme.participants.values_list("person__employee_id", flat=True)) == [
        "3",
        "7",
    ]
    entry = AuditEntry.objects.get(event="programme.create")
    assert (entry.actor_id, entry.organisation) == (hr.pk, "fjordby")
    assert entry.fields == {"programme": programme.pk, "participants": 2, "rule": "hand"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": date(2025, 8, 1)}, "Forløbet kan ikke slutte, før det begynder."),
        ({"name": "  "}, "Forløbet skal have et navn."),
        ({"participants": ["4"]}, "“4” er ikke en aktiv leder i organisationen."),
        ({"participants": ["3", "100000"]}, "“100000” er ikke en aktiv leder i organisationen."),
    ],
)
def test_bad_input_is_refused_with_a_danish_error_and_nothing_is_written(naboby, changes, message):
    fjordby = Organisation.objects.get(slug="fjordby")
    assert Person.objects.filter(organisation=naboby, employee_id="100000", is_leader=True)
    assert refused(create_programme, fjordby, setup(**changes)) == [message]
    assert not Programme.objects.exists()
    assert not Participant.objects.exists()


def test_rounds_must_be_the_organisations_own_and_in_order(naboby):
    fjordby = Organisation.objects.get(slug="fjordby")
    own_early = draft_round(fjordby, opens_on=date(2025, 3, 1))
    own_late = draft_round(fjordby, opens_on=date(2026, 3, 1))
    theirs = draft_round(naboby, opens_on=date(2026, 3, 1))
    assert refused(create_programme, fjordby, setup(baseline_round=theirs.pk)) == [
        "Førmålingen skal være en evalueringsrunde i organisationen."
    ]
    assert refused(create_programme, fjordby, setup(follow_up_round=theirs.pk)) == [
        "Eftermålingen skal være en evalueringsrunde i organisationen."
    ]
    assert refused(
        create_programme, fjordby, setup(baseline_round=own_late.pk, follow_up_round=own_early.pk)
    ) == ["Førmålingen skal åbne, før eftermålingen åbner."]
    assert refused(
        create_programme, fjordby, setup(baseline_round=own_late.pk, follow_up_round=own_late.pk)
    ) == ["Førmålingen og eftermålingen skal være to forskellige runder."]
    # A mapping of employees' competences measures no leader: it cannot be a baseline.
    mapping = draft_round(
        fjordby, opens_on=date(2025, 2, 1), instruments=["medarbejder-digitale-kompetencer"]
    )
    assert mapping.is_mapping
    assert refused(create_programme, fjordby, setup(baseline_round=mapping.pk)) == [
        "Førmålingen skal være en evalueringsrunde i organisationen."
    ]
    assert not Programme.objects.exists()


def test_a_module_must_lie_in_the_period_and_the_period_must_keep_its_modules(fjordby):
    programme = create_programme(fjordby, setup())
    assert refused(
        add_module, programme, ModuleSetup("Modul 1", date(2026, 2, 1), "", ["ledelse"])
    ) == ["Modulets dato skal ligge i forløbets periode, 1. sept. 2025–31. jan. 2026."]
    add_module(programme, ModuleSetup("Modul 1", date(2025, 12, 1), "Indhold", ["ledelse"]))
    assert refused(update_programme, programme, setup(ends_on=date(2025, 11, 30))) == [
        "Modulet “Modul 1” (1. dec. 2025) ligger uden for den nye periode."
    ]
    programme.refresh_from_db()
    assert programme.ends_on == date(2026, 1, 31)


def test_attendance_is_only_for_participants_and_never_half_written(fjordby):
    programme = create_programme(fjordby, setup())
    module = add_module(programme, ModuleSetup("Modul 1", date(2025, 10, 1), elements=["ledelse"]))
    assert set_attendance(module, ["3"]) == 1
    assert refused(set_attendance, module, ["7", "1"]) == [
        "Anne Direktør deltager ikke i forløbet og kan ikke registreres som mødt."
    ]
    assert refused(set_attendance, module, ["nobody"]) == [
        "“nobody” deltager ikke i forløbet og kan ikke registreres som mødt."
    ]
    assert list(module.attendance.values_list("participant__person__employee_id", flat=True)) == [
        "3"
    ]
    assert set_attendance(module, ["7"]) == 1
    assert list(module.attendance.values_list("participant__person__employee_id", flat=True)) == [
        "7"
    ]


def test_a_leader_who_leaves_the_programme_takes_their_attendance_along(fjordby):
    programme = create_programme(fjordby, setup())
    module = add_module(programme, ModuleSetup("Modul 1", date(2025, 10, 1), elements=["ledelse"]))
    set_attendance(module, ["3", "7"])
    update_programme(programme, setup(participants=["3", "2"]))
    assert sorted(programme.participants.values_list("person__employee_id", flat=True)) == [
        "2",
        "3",
    ]
    assert Attendance.objects.filter(module=module).count() == 1


def test_a_participant_who_stops_leading_may_stay(fjordby):
    programme = create_programme(fjordby, setup())
    Person.objects.filter(organisation=fjordby, employee_id="7").update(active=False)
    update_programme(programme, setup(name="Nyt navn"))
    assert programme.participants.count() == 2
    assert refused(update_programme, programme, setup(participants=["3", "7", "4"])) == [
        "“4” er ikke en aktiv leder i organisationen."
    ]


def test_participants_and_rounds_are_fixed_once_the_follow_up_round_has_closed(fjordby):
    baseline = draft_round(fjordby, opens_on=date(2025, 3, 1))
    follow_up = draft_round(fjordby, opens_on=date(2026, 3, 1))
    rounds = {"baseline_round": baseline.pk, "follow_up_round": follow_up.pk}
    programme = create_programme(fjordby, setup(**rounds))
    open_round(follow_up)
    close_round(follow_up)
    assert refused(update_programme, programme, setup(participants=["3"], **rounds)) == [
        "Deltagerne kan ikke ændres, efter eftermålingen er lukket: sammenligningen må ikke "
        "kunne tilpasses resultaterne."
    ]
    assert refused(update_programme, programme, setup(baseline_round=baseline.pk)) == [
        "Runderne kan ikke ændres, efter eftermålingen er lukket."
    ]
    update_programme(programme, setup(name="Hold 1", **rounds))
    programme.refresh_from_db()
    assert programme.name == "Hold 1"
    assert programme.participants.count() == 2


# ---------------------------------------------------------------------------------------------
# Pages: who may reach them, and the forms' errors.


@pytest.fixture
def programme(fjordby) -> Programme:
    created = create_programme(fjordby, setup())
    add_module(
        created,
        ModuleSetup("Modul 1", date(2025, 10, 1), "Hvad er digital ledelse?", ["ledelse", "it"]),
    )
    return created


def urls(programme: Programme) -> list[str]:
    slug, pk = programme.organisation.slug, programme.pk
    module = programme.modules.get()
    return [
        reverse("programmes:list", args=[slug]),
        reverse("programmes:create", args=[slug]),
        reverse("programmes:detail", args=[slug, pk]),
        reverse("programmes:edit", args=[slug, pk]),
        reverse("programmes:effect", args=[slug, pk]),
        reverse("programmes:module_create", args=[slug, pk]),
        reverse("programmes:module_edit", args=[slug, pk, module.pk]),
        reverse("programmes:attendance", args=[slug, pk, module.pk]),
    ]


def test_the_organisations_admins_reach_every_page(client, programme, hr):
    hr = hr(programme.organisation)
    client.force_login(hr)
    for url in urls(programme):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "persona",
    [
        "another organisation's admin",
        "a leader",
        "a participant",
    ],
)
def test_everybody_else_gets_page_not_found(client, programme, naboby, persona, hr):
    user = {
        "another organisation's admin": lambda: hr(naboby),
        "a leader": lambda: set_up_user("bo@fjordby.example", PASSWORD),
        "a participant": lambda: set_up_user("cecilie@fjordby.example", PASSWORD),
    }[persona]()
    client.force_login(user)
    for url in urls(programme):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    module = programme.modules.get()
    delete = reverse(
        "programmes:module_delete", args=[programme.organisation.slug, programme.pk, module.pk]
    )
    assert client.post(delete).status_code == 404
    assert Module.objects.filter(pk=module.pk).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, programme):
    for url in urls(programme):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_another_organisations_admin_cannot_reach_a_programme_through_their_own_slug(
    client, programme, naboby, hr
):
    client.force_login(hr(naboby))
    url = reverse("programmes:detail", args=[naboby.slug, programme.pk])
    assert client.get(url).status_code == 404


@pytest.fixture
def hr_client(client, fjordby, hr):
    client.force_login(hr(fjordby))
    return client


def form_data(**changes) -> dict[str, object]:
    return {
        "name": "Digital ledelse",
        "starts_on": "2025-09-01",
        "ends_on": "2026-01-31",
        "description": "",
        "participant_rule": "hand",
        "participants": ["3"],
        "baseline_round": "",
        "follow_up_round": "",
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "2025-08-31"}, "Forløbet kan ikke slutte, før det begynder."),
        ({"participants": ["100000"]}, "“100000” er ikke en aktiv leder i organisationen."),
        ({"participants": ["4"]}, "“4” er ikke en aktiv leder i organisationen."),
        ({"baseline_round": "theirs"}, "Vælg en evalueringsrunde i denne organisation."),
        ({"follow_up_round": "theirs"}, "Vælg en evalueringsrunde i denne organisation."),
    ],
)
def test_the_form_shows_a_danish_error_and_creates_nothing(hr_client, naboby, changes, message):
    theirs = str(draft_round(naboby).pk)
    data = form_data(
        **{key: theirs if value == "theirs" else value for key, value in changes.items()}
    )
    response = hr_client.post(reverse("programmes:create", args=["fjordby"]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Forløbet blev ikke oprettet" in html
    assert message in html
    assert "form-error" in html
    assert not Programme.objects.exists()


def test_the_attendance_form_refuses_a_non_participant(hr_client, programme):
    module = programme.modules.get()
    url = reverse("programmes:attendance", args=["fjordby", programme.pk, module.pk])
    response = hr_client.post(url, {"present": ["3", "1"]})
    assert response.status_code == 200
    assert (
        "“1” deltager ikke i forløbet og kan ikke registreres som mødt."
        in response.content.decode()
    )
    assert not Attendance.objects.exists()
    response = hr_client.post(url, {"present": ["3"]})
    assert response.status_code == 302
    assert Attendance.objects.get().participant.person.employee_id == "3"


def test_hr_creates_edits_and_fills_in_a_programme_through_the_pages(hr_client, fjordby):
    baseline = draft_round(fjordby, opens_on=date(2025, 3, 1))
    follow_up = draft_round(fjordby, opens_on=date(2026, 3, 1))
    response = hr_client.post(
        reverse("programmes:create", args=["fjordby"]),
        form_data(
            participants=["3", "7"],
            baseline_round=str(baseline.pk),
            follow_up_round=str(follow_up.pk),
        ),
    )
    programme = Programme.objects.get()
    assert response["Location"] == reverse("programmes:detail", args=["fjordby", programme.pk])
    response = hr_client.post(
        reverse("programmes:module_create", args=["fjordby", programme.pk]),
        {
            "title": "Digitalisering på tværs",
            "held_on": "2025-11-24",
            "content": "Oplæg",
            "elements": ["ledelse", "processer"],
        },
    )
    assert response.status_code == 302
    module = programme.modules.get()
    hr_client.post(
        reverse("programmes:attendance", args=["fjordby", programme.pk, module.pk]),
        {"present": ["7"]},
    )
    html = hr_client.get(reverse("programmes:detail", args=["fjordby", programme.pk])).content
    text = html.decode()
    assert "Digitalisering på tværs" in text
    assert "1 af 2 deltagere mødte" in text
    assert "Cecilie Ærø" in text
    assert "Gustav Berg" in text
    edit = reverse("programmes:edit", args=["fjordby", programme.pk])
    page = hr_client.get(edit).content.decode()
    assert re.search(r'value="7" id="[^"]+" checked', page)
    assert f'<option value="{follow_up.pk}" selected>' in page
    response = hr_client.post(
        edit,
        form_data(
            name="Hold 1",
            participants=["3"],
            baseline_round=str(baseline.pk),
            follow_up_round=str(follow_up.pk),
        ),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Hold 1"
    assert not Attendance.objects.exists()  # Gustav left, and his attendance with him
    response = hr_client.post(
        reverse("programmes:module_delete", args=["fjordby", programme.pk, module.pk])
    )
    assert response.status_code == 302
    assert not Module.objects.exists()


def test_the_effect_page_and_pdf_show_the_same_figures(client, measured, hr):
    programme = programme_for(measured)
    hr = hr(measured.organisation)
    client.force_login(hr)
    url = reverse("programmes:effect", args=[measured.organisation.slug, programme.pk])
    html = client.get(url).content.decode()
    report = programme_effect(programme)
    first = report.rows[0].effect
    assert first.difference is not None
    difference = f"{first.difference.value:+.2f}".replace(".", ",")
    assert "Rapporten beviser ikke, at forløbet virker." in html
    assert "Ændring i medarbejdernes gennemsnit fra førmåling til eftermåling" in html
    assert difference in html
    assert f"{first.participant_leaders} ledere" in html
    assert '<svg viewBox="0 0 640' in html
    # A forest plot: each group's change and the difference with its interval, in words too.
    chart = html.split('<svg viewBox="0 0 640')[1].split("</svg>")[0]
    assert 'role="img" aria-labelledby="effect-chart-title"' in chart
    title = chart.split('<title id="effect-chart-title">')[1].split("</title>")[0]
    assert first.participants is not None
    assert (
        f"Udsagn 1: deltagerne {f'{first.participants.change.value:+.2f}'.replace('.', ',')}"
        in title
    )
    assert f"forskel {difference}" in title
    assert chart.count("<polygon") == sum(1 for row in report.rows if row.effect.difference)
    response = client.get(url, {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Effekten af Digital ledelse – hold 1" in text
    assert difference in text


def test_the_effect_page_says_when_a_pool_is_too_small(client, measured, hr):
    programme = programme_for(measured, measured.participants[:1])
    client.force_login(hr(measured.organisation))
    url = reverse("programmes:effect", args=[measured.organisation.slug, programme.pk])
    html = client.get(url).content.decode()
    assert "der skal mindst 3 til" in html


def test_the_effect_page_in_english_is_marked_as_english(client, measured, hr):
    programme = programme_for(measured)
    client.force_login(hr(measured.organisation))
    client.cookies["omstil_language"] = "en"
    url = reverse("programmes:effect", args=[measured.organisation.slug, programme.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    pdf = client.get(url, {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")


def test_the_effect_page_before_the_rounds_close_explains_why_there_is_nothing(
    client, programme, hr
):
    client.force_login(hr(programme.organisation))
    url = reverse("programmes:effect", args=["fjordby", programme.pk])
    html = client.get(url).content.decode()
    assert "Effekten kan beregnes, når forløbet har både en førmåling og en eftermåling" in html
    assert "format=pdf" not in html


def test_every_view_of_the_effect_report_is_in_the_audit_log(client, programme, caplog, hr):
    client.force_login(hr(programme.organisation))
    client.get(reverse("programmes:effect", args=["fjordby", programme.pk]))
    assert list(
        AuditEntry.objects.filter(event="report.programme").values_list("fields", flat=True)
    ) == [{"programme": programme.pk, "format": "html"}]


def test_the_demo_programme_lies_between_two_rounds_and_lifts_its_participants(db):
    from omstil.site.demo.programmes import PARTICIPANT_SHIFT, add_demo_programme

    organisation = kommune()
    first = draft_round(organisation, opens_on=date(2024, 3, 1), closes_on=date(2024, 3, 21))
    assert add_demo_programme(organisation, first) == {}
    open_round(first)
    close_round(first)
    second = draft_round(organisation, opens_on=date(2025, 3, 1), closes_on=date(2025, 3, 21))
    shift = add_demo_programme(organisation, second)
    programme = Programme.objects.get()
    participants = set(programme.participants.values_list("person__employee_id", flat=True))
    assert shift == dict.fromkeys(participants, PARTICIPANT_SHIFT)
    assert (programme.baseline_round, programme.follow_up_round) == (first, second)
    assert programme.modules.count() == 4
    assert all(module.elements for module in programme.modules.all())
    assert programme.starts_on > first.closes_on
    assert programme.ends_on < second.opens_on
    assert Attendance.objects.filter(module__programme=programme).exists()


# ---------------------------------------------------------------------------------------------
# Participants by rule.


def expected_levels(people: list[FictivePerson]) -> dict[str, set[str]]:
    """The leaders at each level, worked out from the HR file's own rows: a leader's nearest
    leader is the one they report to, else the leader of the nearest unit above theirs."""
    unit_leader = {person.unit: person.employee_id for person in people if person.is_leader}

    def nearest(person: FictivePerson) -> str | None:
        if person.reports_to:
            return person.reports_to
        path = person.unit
        while " / " in path:
            path = path.rsplit(" / ", 1)[0]
            if path in unit_leader:
                return unit_leader[path]
        return None

    leaders = [person for person in people if person.is_leader]
    above = {nearest(person) for person in leaders}
    with_leaders = {person.employee_id for person in leaders if person.employee_id in above}
    return {
        "all": {person.employee_id for person in leaders},
        "top": {person.employee_id for person in leaders if person.unit.count(" / ") <= 1},
        "with_leaders": with_leaders,
        "first_line": {person.employee_id for person in leaders} - with_leaders,
    }


def test_each_rule_chooses_the_right_leaders_of_a_generated_organisation(db):
    people = generate(600, name="Regelby Kommune", domain="regelby.example", seed=7)
    import_people("regelby", to_csv(people), name="Regelby Kommune")
    organisation = Organisation.objects.get(slug="regelby")
    expected = expected_levels(people)
    assert expected["top"]
    assert expected["with_leaders"]
    assert expected["first_line"]
    assert expected["top"] < expected["all"]

    def chosen(kind: str, units: list[str] | None = None, level: str = "") -> set[str]:
        ids, errors = resolve_rule(organisation, ParticipantRule(kind, units or [], level))
        assert errors == []
        assert len(ids) == len(set(ids))
        return set(ids)

    assert chosen("all") == expected["all"]
    for level in ("top", "with_leaders", "first_line"):
        assert chosen("level", level=level) == expected[level], level
    area = sorted({p.unit.split(" / ")[1] for p in people if p.unit.count(" / ") >= 2})[0]
    path = f"Regelby Kommune / {area}"
    inside = {
        p.employee_id
        for p in people
        if p.is_leader and (p.unit == path or p.unit.startswith(path + " / "))
    }
    assert len(inside) > 1
    assert chosen("units", [path]) == inside

    # The rule is resolved when the programme is saved, to the leaders active then.
    gone = sorted(inside)[0]
    Person.objects.filter(organisation=organisation, employee_id=gone).update(active=False)
    programme = create_programme(
        organisation,
        ProgrammeSetup(
            "Hold 1",
            date(2025, 9, 1),
            date(2026, 1, 31),
            rule=ParticipantRule("units", [path]),
        ),
    )
    assert set(programme.participants.values_list("person__employee_id", flat=True)) == (
        inside - {gone}
    )
    assert programme.participant_rule == {
        "kind": "units",
        "units": [path],
        "count": len(inside) - 1,
    }
    assert programme.participants_chosen_at is not None


def test_the_small_kommune_by_level_and_unit(fjordby):
    def chosen(rule: ParticipantRule) -> list[str]:
        ids, errors = resolve_rule(fjordby, rule)
        assert errors == []
        return sorted(ids)

    assert chosen(ParticipantRule("all")) == ["1", "2", "3", "7"]
    assert chosen(ParticipantRule("level", level="top")) == ["1", "2", "7"]
    assert chosen(ParticipantRule("level", level="with_leaders")) == ["1", "2"]
    assert chosen(ParticipantRule("level", level="first_line")) == ["3", "7"]
    assert chosen(ParticipantRule("units", ["Fjordby Kommune / Social"])) == ["2", "3"]
    assert chosen(
        ParticipantRule(
            "units", ["Fjordby Kommune / Social / Hjemmeplejen", "Fjordby Kommune / Teknik"]
        )
    ) == ["3", "7"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (ParticipantRule("units", []), "Vælg mindst én enhed."),
        (
            ParticipantRule("units", ["Naboby Kommune"]),
            "“Naboby Kommune” er ikke en enhed i organisationen.",
        ),
        (ParticipantRule("level", level=""), "Vælg et ledelsesniveau."),
        (ParticipantRule("level", level="middle"), "Vælg et ledelsesniveau."),
        (ParticipantRule("some"), "Vælg, hvordan deltagerne skal vælges."),
    ],
)
def test_a_rule_that_chooses_nothing_sensible_is_refused(naboby, rule, message):
    fjordby = Organisation.objects.get(slug="fjordby")
    assert refused(create_programme, fjordby, setup(rule=rule)) == [message]
    assert not Programme.objects.exists()


def test_a_rule_cannot_change_the_participants_once_the_follow_up_has_closed(fjordby):
    baseline = draft_round(fjordby, opens_on=date(2025, 3, 1))
    follow_up = draft_round(fjordby, opens_on=date(2026, 3, 1))
    rounds = {"baseline_round": baseline.pk, "follow_up_round": follow_up.pk}
    programme = create_programme(fjordby, setup(**rounds))  # 3 and 7, by hand
    open_round(follow_up)
    close_round(follow_up)
    assert refused(update_programme, programme, setup(rule=ParticipantRule("all"), **rounds)) == [
        "Deltagerne kan ikke ændres, efter eftermålingen er lukket: sammenligningen må ikke "
        "kunne tilpasses resultaterne."
    ]
    # A rule that chooses the same leaders changes nothing, so it is allowed.
    update_programme(programme, setup(rule=ParticipantRule("level", level="first_line"), **rounds))
    assert sorted(programme.participants.values_list("person__employee_id", flat=True)) == [
        "3",
        "7",
    ]


def test_saving_the_same_participants_by_hand_keeps_the_rule_they_were_chosen_by(fjordby):
    programme = create_programme(fjordby, setup(rule=ParticipantRule("all")), actor=None)
    chosen_at = programme.participants_chosen_at
    update_programme(programme, setup(name="Nyt navn", participants=["1", "2", "3", "7"]))
    programme.refresh_from_db()
    assert programme.participant_rule == {"kind": "all", "count": 4}
    assert programme.participants_chosen_at == chosen_at
    update_programme(programme, setup(participants=["3"]))
    programme.refresh_from_db()
    assert programme.participant_rule == {"kind": "hand", "count": 1}
    assert AuditEntry.objects.filter(event="programme.create").get().fields["rule"] == "all"


def test_hr_chooses_participants_by_unit_and_by_level_through_the_form(hr_client, fjordby):
    response = hr_client.post(
        reverse("programmes:create", args=["fjordby"]),
        form_data(participant_rule="units", rule_units=["Fjordby Kommune / Social"]),
        follow=True,
    )
    programme = Programme.objects.get()
    assert sorted(programme.participants.values_list("person__employee_id", flat=True)) == [
        "2",
        "3",
    ]
    html = response.content.decode()
    assert (
        "Reglen “Ledere i enhederne Fjordby Kommune / Social og enhederne under dem” valgte "
        "2 ledere." in html
    )
    assert "Ledere i enhederne Fjordby Kommune / Social og enhederne under dem (2 ledere)" in html
    assert "Reglen bruges ikke igen af sig selv" in html
    edit = reverse("programmes:edit", args=["fjordby", programme.pk])
    page = hr_client.get(edit).content.decode()
    assert re.search(r'value="hand" id="[^"]+" checked', page)  # the edit starts from the rows
    response = hr_client.post(
        edit, form_data(participant_rule="level", rule_level="first_line"), follow=True
    )
    assert "Reglen “Ledere uden ledere under sig” valgte 2 ledere." in response.content.decode()
    assert sorted(programme.participants.values_list("person__employee_id", flat=True)) == [
        "3",
        "7",
    ]


def test_the_new_programme_form_offers_all_leaders_first(hr_client):
    page = hr_client.get(reverse("programmes:create", args=["fjordby"])).content.decode()
    assert re.search(r'value="all" id="[^"]+" checked', page)
    assert "Ledere på niveau: vælg niveauet nedenfor" in page
    assert "Fjordby Kommune / Social / Hjemmeplejen" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"participant_rule": "units"}, "rule_units", "Vælg mindst én enhed."),
        (
            {"participant_rule": "units", "rule_units": ["Et sted"]},
            "rule_units",
            "“Et sted” er ikke en enhed i organisationen.",
        ),
        ({"participant_rule": "level"}, "rule_level", "Vælg et ledelsesniveau."),
        ({"participant_rule": ""}, "participant_rule", "Vælg, hvordan deltagerne skal vælges."),
    ],
)
def test_the_form_shows_a_rule_error_beside_its_field(hr_client, changes, field, message):
    response = hr_client.post(reverse("programmes:create", args=["fjordby"]), form_data(**changes))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(f'id="id_{field}-error"><span class="sr-only">Fejl:</span> {message}', html)
    assert not Programme.objects.exists()


# ---------------------------------------------------------------------------------------------
# Modules: the five elements and material.


def test_a_module_covers_one_or_more_of_the_five_elements(fjordby):
    programme = create_programme(fjordby, setup())
    assert refused(add_module, programme, ModuleSetup("Modul 1", date(2025, 10, 1))) == [
        "Vælg mindst ét af de fem elementer, modulet handler om."
    ]
    assert refused(
        add_module, programme, ModuleSetup("Modul 1", date(2025, 10, 1), elements=["økonomi"])
    ) == ["“økonomi” er ikke et af de fem elementer."]
    assert not Module.objects.exists()
    module = add_module(
        programme, ModuleSetup("Modul 1", date(2025, 10, 1), elements=["opgaver", "it", "it"])
    )
    assert module.elements == ["it", "opgaver"]  # in the seed's order, once each
    assert module.element_labels == ["IT", "Opgaver"]
    assert [str(label) for _key, label in Element.choices] == [
        "Ledelse",
        "IT",
        "Mennesker",
        "Processer",
        "Opgaver",
    ]


def test_the_programme_page_counts_the_modules_of_each_element(hr_client, fjordby):
    programme = create_programme(fjordby, setup())
    add_module(programme, ModuleSetup("Modul 1", date(2025, 10, 1), elements=["ledelse", "it"]))
    add_module(
        programme, ModuleSetup("Modul 2", date(2025, 11, 1), elements=["ledelse", "mennesker"])
    )
    url = reverse("programmes:detail", args=["fjordby", programme.pk])
    html = hr_client.get(url).content.decode()
    assert '<th scope="row">Ledelse</th><td>2 moduler</td>' in html
    assert '<th scope="row">IT</th><td>1 modul</td>' in html
    assert '<th scope="row">Processer</th><td>0 moduler</td>' in html
    assert "Intet modul arbejder med elementerne Processer, Opgaver." in html
    assert "<strong>Elementer:</strong> Ledelse, Mennesker" in html
    add_module(
        programme, ModuleSetup("Modul 3", date(2025, 12, 1), elements=["processer", "opgaver"])
    )
    html = hr_client.get(url).content.decode()
    assert "Modulerne kommer tilsammen omkring alle fem elementer." in html
    assert "Intet modul arbejder" not in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://ftp.example.com/slides.pdf",
        "www.kl.dk/digitalisering",
        "https://",
        "mailto:hr@fjordby.example",
        "data:text/html,<b>hej</b>",
    ],
)
def test_material_links_must_be_web_addresses(fjordby, url):
    programme = create_programme(fjordby, setup())
    module_setup = ModuleSetup(
        "Modul 1",
        date(2025, 10, 1),
        elements=["it"],
        links=[MaterialLinkSetup(url, "Slides")],
    )
    assert refused(add_module, programme, module_setup) == [
        f"“{url}” er ikke en webadresse, der begynder med http:// eller https://."
    ]
    assert not Module.objects.exists()
    assert not MaterialLink.objects.exists()


def test_a_material_link_needs_a_title(fjordby):
    programme = create_programme(fjordby, setup())
    module_setup = ModuleSetup(
        "Modul 1",
        date(2025, 10, 1),
        elements=["it"],
        links=[MaterialLinkSetup("https://www.kl.dk/", " ")],
    )
    assert refused(add_module, programme, module_setup) == [
        "Linket https://www.kl.dk/ mangler en titel."
    ]


def test_hr_adds_material_through_the_module_form(hr_client, fjordby):
    programme = create_programme(fjordby, setup())
    url = reverse("programmes:module_create", args=["fjordby", programme.pk])
    data = {
        "title": "Data i hverdagen",
        "held_on": "2025-10-01",
        "elements": ["it", "processer"],
        "material": "Læs kapitel 2 før modulet.",
        "links": "https://www.kl.dk/ KL om digitalisering\nftp://example.com/x Slides",
    }
    response = hr_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "“ftp://example.com/x” er ikke en webadresse" in html
    assert not Module.objects.exists()
    data["links"] = "https://www.kl.dk/ KL om digitalisering\n\n http://example.com/slides  Slides "
    assert hr_client.post(url, data).status_code == 302
    module = Module.objects.get()
    assert [(link.url, link.title) for link in module.links.all()] == [
        ("https://www.kl.dk/", "KL om digitalisering"),
        ("http://example.com/slides", "Slides"),
    ]
    detail = hr_client.get(reverse("programmes:detail", args=["fjordby", programme.pk]))
    html = detail.content.decode()
    assert '<a href="https://www.kl.dk/" rel="noopener noreferrer">KL om digitalisering</a>' in html
    assert "Læs kapitel 2 før modulet." in html
    edit = hr_client.get(
        reverse("programmes:module_edit", args=["fjordby", programme.pk, module.pk])
    )
    assert "https://www.kl.dk/ KL om digitalisering\nhttp://example.com/slides Slides" in (
        edit.content.decode()
    )


# ---------------------------------------------------------------------------------------------
# The participant's own view.


@pytest.fixture
def running(fjordby) -> Programme:
    """A programme running now for Cecilie (3) and Gustav (7): two modules held, one to come;
    Cecilie came to the first."""
    today = timezone.localdate()
    programme = create_programme(
        fjordby,
        setup(
            name="Digital ledelse – hold 2",
            starts_on=today - timedelta(days=60),
            ends_on=today + timedelta(days=60),
        ),
    )
    first = add_module(
        programme,
        ModuleSetup(
            "Hvad er digital ledelse?",
            today - timedelta(days=30),
            "Samspillet mellem ledelse, IT, mennesker, processer og opgaver.",
            ["ledelse", "it", "mennesker", "processer", "opgaver"],
            material="Læs Albertslunds beskrivelse.",
            links=[MaterialLinkSetup("https://www.albertslund.dk/", "Albertslund Kommune")],
        ),
    )
    add_module(
        programme, ModuleSetup("Eget fagområde", today - timedelta(days=10), "", ["opgaver"])
    )
    add_module(programme, ModuleSetup("På tværs", today + timedelta(days=20), "", ["processer"]))
    set_attendance(first, ["3"])
    return programme


def statuses(html: str) -> dict[str, str]:
    """Each module's attendance as the front page's table shows it."""
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>[^<]*</td><td>(.*?)</td></tr>', html)
    return dict(rows)


def test_a_participant_sees_their_programme_and_own_attendance_on_the_front_page(client, running):
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD)
    assert Person.objects.get(organisation=running.organisation, employee_id="3").user == cecilie
    client.force_login(cecilie)
    html = client.get(reverse("site:home")).content.decode()
    assert "<h2>Dit kompetenceforløb</h2>" in html
    assert "<h3>Digital ledelse – hold 2</h3>" in html
    assert "Du er registreret som mødt til 1 af 2 holdte moduler." in html
    shown = statuses(html)
    assert shown["Hvad er digital ledelse?"] == "Mødt"
    assert shown["Eget fagområde"] == "Ikke registreret"
    assert "Mødt" not in shown["På tværs"]
    assert "Ikke registreret" not in shown["På tværs"]
    assert "Ledelse, IT, Mennesker, Processer, Opgaver" in html
    mine = reverse("programmes:mine", args=["fjordby", running.pk])
    assert mine in html
    page = client.get(mine)
    assert page.status_code == 200
    text = page.content.decode()
    assert '<a href="https://www.albertslund.dk/" rel="noopener noreferrer">' in text
    assert "Læs Albertslunds beskrivelse." in text
    assert "Dit fremmøde: Mødt" in text
    assert "Dit fremmøde: Ikke registreret" in text
    assert "Gustav Berg" not in text  # nobody else's name, nor their attendance
    assert "1 af 2 deltagere" not in text


def test_another_participant_sees_only_their_own_attendance(client, running):
    client.force_login(set_up_user("gustav@fjordby.example", PASSWORD))
    shown = statuses(client.get(reverse("site:home")).content.decode())
    assert shown["Hvad er digital ledelse?"] == "Ikke registreret"
    assert shown["Eget fagområde"] == "Ikke registreret"


@pytest.mark.parametrize("persona", ["a leader who is not a participant", "HR", "an outsider"])
def test_everybody_but_the_participant_sees_nothing_of_it(client, running, persona, hr):
    user = {
        "a leader who is not a participant": lambda: set_up_user("bo@fjordby.example", PASSWORD),
        "HR": lambda: hr(running.organisation),
        "an outsider": lambda: set_up_user("ude@test.example", PASSWORD),
    }[persona]()
    client.force_login(user)
    html = client.get(reverse("site:home")).content.decode()
    assert "kompetenceforløb</h2>" not in html
    assert "Digital ledelse – hold 2" not in html
    assert client.get(reverse("programmes:mine", args=["fjordby", running.pk])).status_code == 404
    if persona == "HR":
        url = reverse("programmes:detail", args=["fjordby", running.pk])
        assert client.get(url).status_code == 200


def test_a_participant_who_has_left_sees_it_no_more(client, running):
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD)
    Person.objects.filter(organisation=running.organisation, employee_id="3").update(active=False)
    client.force_login(cecilie)
    assert "Dit kompetenceforløb" not in client.get(reverse("site:home")).content.decode()
    mine = reverse("programmes:mine", args=["fjordby", running.pk])
    assert client.get(mine).status_code == 404


def test_the_participants_page_under_another_slug_is_not_found(client, running, naboby):
    client.force_login(set_up_user("cecilie@fjordby.example", PASSWORD))
    assert client.get(reverse("programmes:mine", args=["naboby", running.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("programmes:mine", args=["fjordby", running.pk]))
    assert response.status_code == 302


# ---------------------------------------------------------------------------------------------
# The effect page without a comparison group.


def evaluated_in_both(measured: Measured) -> list[str]:
    rounds = (measured.baseline, measured.follow_up)
    found = [
        set(EvaluatedLeader.objects.filter(round=r).values_list("employee_id", flat=True))
        for r in rounds
    ]
    return sorted(found[0] & found[1])


def test_with_every_leader_enrolled_the_page_says_there_is_no_comparison_group(
    client, measured, hr
):
    programme = programme_for(measured, evaluated_in_both(measured))
    report = programme_effect(programme)
    assert report.comparison == "none"
    assert all(row.effect.others is None and row.effect.difference is None for row in report.rows)
    client.force_login(hr(measured.organisation))
    url = reverse("programmes:effect", args=[measured.organisation.slug, programme.pk])
    html = client.get(url).content.decode()
    assert "Der er ingen sammenligningsgruppe" in html
    assert "Alle ledere, der blev evalueret i begge runder, deltager i forløbet" in html
    assert "Deltagernes ændring kan derfor ikke holdes op imod noget" in html
    pdf = client.get(url, {"format": "pdf"})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Der er ingen sammenligningsgruppe" in text


def test_with_too_few_other_leaders_the_page_says_why_there_is_no_comparison(client, measured, hr):
    programme = programme_for(measured, evaluated_in_both(measured)[2:])
    assert programme_effect(programme).comparison == "too_small"
    client.force_login(hr(measured.organisation))
    url = reverse("programmes:effect", args=[measured.organisation.slug, programme.pk])
    html = client.get(url).content.decode()
    assert "Der er ingen sammenligningsgruppe" in html
    assert (
        "Kun 2 ledere uden for forløbet blev evalueret i begge runder, og der skal mindst 3 til "
        "en sammenligningsgruppe." in html
    )


def test_with_a_comparison_group_the_page_explains_the_leader_as_the_unit(client, measured, hr):
    programme = programme_for(measured)
    assert programme_effect(programme).comparison == "shown"
    client.force_login(hr(measured.organisation))
    url = reverse("programmes:effect", args=[measured.organisation.slug, programme.pk])
    html = client.get(url).content.decode()
    assert "Der er ingen sammenligningsgruppe" not in html
    assert "Lederen er enheden" in html
