"""The leader's report and the unit report of a round, as data (CONTRACT.md's JSON)."""

from collections.abc import Hashable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.utils.translation import gettext as _

from omstil.organisations.models import PATH_SEPARATOR
from omstil.reports import crosscut
from omstil.reports.access import (
    UnitAccess,
    can_see_leader_report,
    unit_access,
    visible_leaders,
)
from omstil.reports.comparisons import comparisons
from omstil.reports.figures import (
    RoundFigures,
    View,
    Viewing,
    compute,
    figure_json,
    leader_key,
    unit_key,
)
from omstil.responses.questionnaire import Statement, build_pages
from omstil.rounds.chain import leaders_in
from omstil.rounds.models import EvaluatedLeader, Round
from omstil.rounds.participation import report_rates

GROUPS = ("employee", "self", "superior")


class ReportUnavailable(Exception):
    """No report can be made as asked; the message says why."""


def _texts(round_: Round, language: str) -> dict[str, tuple[str, Statement]]:
    """Statement key → (theme title, the statement in the employees' wording)."""
    return {
        statement.key: (page.title, statement)
        for page in build_pages(round_, "employee", language)
        for statement in page.statements
    }


def _items(
    figures: RoundFigures, cell: object, language: str, view: Viewing = View.FULL
) -> list[dict[str, Any]]:
    groups = [group for group in GROUPS if group in figures.round.rater_groups]
    return [
        {
            "key": item,
            "theme": theme,
            "text": statement.text,
            "heading": statement.heading,
            "groups": {
                group: figure_json(figures.group(cell, group, item, view)) for group in groups
            },
        }
        for item, (theme, statement) in _texts(figures.round, language).items()
    ]


def leader_report(
    round_: Round,
    employee_id: str,
    language: str = "da",
    *,
    viewer: AbstractBaseUser | AnonymousUser | None = None,
) -> dict[str, Any]:
    """One leader's report: every statement, by rater group, after disclosure control.

    `viewer` None is an operator at the command line, who may see everything. For anyone else,
    the comparisons take into account which leaders' reports the viewer sees anyway, and the
    change since the previous round is given only if the viewer could see that round's report.
    """
    _refuse_mapping(round_)
    # A deleted leader's report went with them (docs/privacy.md).
    leader = EvaluatedLeader.objects.filter(
        round=round_, employee_id=employee_id, erased_at__isnull=True
    ).first()
    if leader is None:
        raise ReportUnavailable(
            _("%(id)s er ikke evalueret i runde %(round)s.")
            % {"id": employee_id, "round": round_.pk}
        )
    figures = compute(round_)
    items = _items(figures, leader_key(employee_id), language)
    compared = comparisons(round_)
    known = None if viewer is None else frozenset(visible_leaders(viewer, round_))
    for item in items:
        item["comparisons"] = compared.for_leader(employee_id, item["key"], known)
    previous = previous_round(round_, employee_id)
    if previous is not None and viewer is not None:
        earlier = EvaluatedLeader.objects.filter(round=previous, employee_id=employee_id).first()
        if earlier is None or not can_see_leader_report(viewer, earlier):
            # The change would give away a report the viewer was not allowed to see.
            previous = None
    if previous is not None:
        # Only the employees' figures: the previous round's own and superior answers were given
        # under that round's policy, and a change would let them be worked out.
        _add_change(items, compute(previous), leader_key(employee_id))
        _add_trend(items, round_, _earlier_rounds(round_, employee_id, viewer), employee_id)
    return {
        "round": round_.pk,
        "min_group_size": round_.min_group_size,
        "leader": {
            "employee_id": leader.employee_id,
            "name": leader.name,
            "unit": leader.unit_path,
        },
        "previous_round": previous.pk if previous else None,
        "response_rate": report_rates(round_, [leader]),
        "items": items,
    }


def _refuse_mapping(round_: Round) -> None:
    """A mapping evaluates no leader: its figures are the mapping's (omstil/mapping)."""
    if round_.is_mapping:
        raise ReportUnavailable(
            _(
                "Runde %(round)s er en kortlægning af medarbejdernes kompetencer og har ingen "
                "lederrapporter. Brug “omstil mapping unit” eller kortlægningens side."
            )
            % {"round": round_.pk}
        )


def _change(now: dict[str, Any], before: dict[str, Any]) -> float | None:
    if now["mean"] is None or before["mean"] is None:
        return None
    return round(float(now["mean"]) - float(before["mean"]), 2)


def _add_change(
    items: list[dict[str, Any]], before: RoundFigures, cell: Hashable, view: Viewing = View.FULL
) -> None:
    """The change in the employees' mean since `before`, where both figures are shown."""
    for item in items:
        figure = item["groups"].get("employee")
        if figure is not None:
            old = figure_json(before.group(cell, "employee", item["key"], view))
            figure["change"] = _change(figure, old)


# The trend in a leader report goes back at most this many rounds before the current one.
TREND_ROUNDS = 4


def _earlier_rounds(
    round_: Round, employee_id: str, viewer: AbstractBaseUser | AnonymousUser | None
) -> list[Round]:
    """The closed rounds before `round_` that evaluated the leader, newest first, as far back as
    the viewer could see each one's report without a gap (`TREND_ROUNDS` at most)."""
    found: list[Round] = []
    current = round_
    while len(found) < TREND_ROUNDS:
        earlier = previous_round(current, employee_id)
        if earlier is None:
            break
        if viewer is not None:
            leader = EvaluatedLeader.objects.filter(round=earlier, employee_id=employee_id).first()
            if leader is None or not can_see_leader_report(viewer, leader):
                break
        found.append(earlier)
        current = earlier
    return found


def _add_trend(
    items: list[dict[str, Any]], round_: Round, earlier: list[Round], employee_id: str
) -> None:
    """Each item's employee mean round by round, oldest first, ending with this round: the
    shown figure of each round (None where it is hidden or the statement was not asked)."""
    cell = leader_key(employee_id)
    rounds = [*reversed(earlier), round_]
    for item in items:
        employee = item["groups"].get("employee")
        if employee is None:
            continue
        points = []
        for each in rounds:
            if each.pk == round_.pk:
                mean = employee["mean"]
            else:
                figures = compute(each)
                mean = (
                    figure_json(figures.group(cell, "employee", item["key"], View.FULL))["mean"]
                    if item["key"] in figures.items
                    else None
                )
            points.append(
                {
                    "round": each.pk,
                    "name": each.name,
                    "opens_on": each.opens_on.isoformat(),
                    "mean": mean,
                }
            )
        employee["trend"] = points


def previous_round(round_: Round, employee_id: str) -> Round | None:
    """The organisation's latest closed round before this one that evaluated the same leader."""
    return (
        Round.objects.filter(
            organisation=round_.organisation_id,
            kind=Round.Kind.EVALUATION,
            status=Round.Status.CLOSED,
            opens_on__lt=round_.opens_on,
            leaders__employee_id=employee_id,
        )
        .order_by("-opens_on", "-pk")
        .first()
    )


def previous_unit_round(round_: Round, unit_path: str) -> Round | None:
    """The organisation's latest closed round before this one that evaluated leaders in the unit."""
    return (
        Round.objects.filter(
            Q(leaders__unit_path=unit_path)
            | Q(leaders__unit_path__startswith=unit_path + PATH_SEPARATOR),
            organisation=round_.organisation_id,
            kind=Round.Kind.EVALUATION,
            status=Round.Status.CLOSED,
            opens_on__lt=round_.opens_on,
        )
        .order_by("-opens_on", "-pk")
        .first()
    )


def unit_report(
    round_: Round,
    unit_path: str,
    language: str = "da",
    *,
    viewer: AbstractBaseUser | AnonymousUser | None = None,
) -> dict[str, Any]:
    """A unit and everything below it: the answers about all its leaders, pooled by rater group.

    With a heat map of the employees' means per statement × the units right below (and the unit's
    own leaders), and the change since the previous round that evaluated leaders in the unit.
    `viewer` None is an operator at the command line, who sees everything; anyone else sees what
    `access.unit_access` allows, in this round and in the previous one.
    """
    _refuse_mapping(round_)
    leaders = leaders_in(round_, unit_path)
    if not leaders:
        raise ReportUnavailable(
            _("Ingen ledere i “%(unit)s” er evalueret i runde %(round)s.")
            % {"unit": unit_path, "round": round_.pk}
        )
    full = UnitAccess(named=True)
    access = full if viewer is None else unit_access(viewer, round_, unit_path)
    if access is None:
        raise ReportUnavailable(_("Du har ikke adgang til denne rapport."))
    figures = compute(round_)
    items = _items(figures, unit_key(unit_path), language, access.view)
    columns = _columns(leaders, unit_path, access, figures)
    previous = previous_unit_round(round_, unit_path)
    before_access = None
    if previous is not None:
        before_access = full if viewer is None else unit_access(viewer, previous, unit_path)
    before = compute(previous) if previous is not None and before_access is not None else None
    if before is not None and before_access is not None:
        _add_change(items, before, unit_key(unit_path), before_access.view)
    for column in columns:
        cells: dict[str, Any] = {}
        for item in items:
            figure = figure_json(
                figures.group(column["cell"], "employee", item["key"], access.view)
            )
            if (
                before is not None
                and before_access is not None
                and (before_access.named or column["kind"] == "unit")
            ):
                old = figure_json(
                    before.group(column["cell"], "employee", item["key"], before_access.view)
                )
                figure["change"] = _change(figure, old)
            cells[item["key"]] = figure
        column["items"] = cells
    return {
        "round": round_.pk,
        "min_group_size": round_.min_group_size,
        "unit": unit_path,
        "leaders": len(leaders),
        "named_leaders": access.named,
        "previous_round": previous.pk if before is not None and previous is not None else None,
        "response_rate": report_rates(round_, leaders, unit_path),
        "items": items,
        "sub_units": [
            {key: value for key, value in column.items() if key != "cell"} for column in columns
        ],
        "breakdowns": (
            _breakdowns(figures, unit_path, items, access.view)
            if PATH_SEPARATOR not in unit_path
            else []
        ),
    }


def _breakdowns(
    figures: RoundFigures, top: str, items: list[dict[str, Any]], view: Viewing
) -> list[dict[str, Any]]:
    """The organisation's report (a top unit's) across its tree: the employees' answers by
    leadership level and by job family, and each of those within every unit right below it,
    as disclosure control decides them together with everything else the viewer sees."""
    tables = []
    for name, pools in crosscut.breakdowns(figures, top):
        kind, _sep, unit = name.partition(":")
        columns = []
        for pool in pools:
            value = pool.key[1]  # type: ignore[index]
            label = (
                _("Niveau %(level)s") % {"level": value}
                if kind == "level"
                else (value or _("Øvrige"))
            )
            cells = {
                item["key"]: figure_json(crosscut.figure(figures, view, pool.key, item["key"]))
                for item in items
            }
            columns.append({"label": label, "items": cells})
        if columns:
            tables.append({"kind": kind, "unit": unit or None, "columns": columns})
    return tables


def _columns(
    leaders: list[EvaluatedLeader], unit_path: str, access: UnitAccess, figures: RoundFigures
) -> list[dict[str, Any]]:
    """The heat map's columns: the unit's own leaders (only by name for those who may see
    them), then each unit right below it, whose figures `access` decides."""
    columns: list[dict[str, Any]] = []
    if access.named:
        for leader in leaders:
            # A deleted leader has no column of their own; their answers stay in the unit's.
            if leader.unit_path == unit_path and leader.erased_at is None:
                columns.append(
                    {
                        "kind": "leader",
                        "label": leader.name,
                        "employee_id": leader.employee_id,
                        "unit": leader.unit_path,
                        "cell": leader_key(leader.employee_id),
                        "opens": False,
                    }
                )
    prefix = unit_path + PATH_SEPARATOR
    children = sorted(
        {
            prefix + leader.unit_path[len(prefix) :].split(PATH_SEPARATOR)[0]
            for leader in leaders
            if leader.unit_path.startswith(prefix)
        }
    )
    for child in children:
        columns.append(
            {
                "kind": "unit",
                "label": child.split(PATH_SEPARATOR)[-1],
                "unit": child,
                "cell": unit_key(child),
                # Its own report opens for this viewer (`access.unit_access`).
                "opens": access.named or figures.pools_leaders(unit_key(child)),
            }
        )
    return columns


def rounds_drawn_on(round_: Round) -> set[int]:
    """The earlier rounds whose figures this closed round's reports show: each leader's trend
    (`_earlier_rounds`, as the fullest viewer sees it) and each unit's change against its
    previous round. A round in this set is needed for as long as `round_` is kept."""
    if round_.status != Round.Status.CLOSED or round_.is_mapping:
        return set()
    drawn: set[int] = set()
    leaders = EvaluatedLeader.objects.filter(round=round_, erased_at__isnull=True)
    for employee_id in leaders.values_list("employee_id", flat=True):
        drawn |= {earlier.pk for earlier in _earlier_rounds(round_, employee_id, None)}
    paths = set(EvaluatedLeader.objects.filter(round=round_).values_list("unit_path", flat=True))
    units = {
        PATH_SEPARATOR.join(parts[:depth])
        for parts in (path.split(PATH_SEPARATOR) for path in paths)
        for depth in range(1, len(parts) + 1)
    }
    for unit_path in units:
        previous = previous_unit_round(round_, unit_path)
        if previous is not None:
            drawn.add(previous.pk)
    return drawn
