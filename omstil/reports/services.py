"""The leader's report and the unit report of a round, as data (CONTRACT.md's JSON)."""

from typing import Any

from django.utils.translation import gettext as _

from omstil.reports.figures import RoundFigures, compute, figure_json, leader_key, unit_key
from omstil.responses.questionnaire import build_pages
from omstil.rounds.models import EvaluatedLeader, Invitation, Round

GROUPS = ("employee", "self", "superior")


class ReportUnavailable(Exception):
    """No report can be made as asked; the message says why."""


def _texts(round_: Round, language: str) -> dict[str, tuple[str, str]]:
    """Statement key → (theme title, the employees' wording)."""
    return {
        statement.key: (page.title, statement.text)
        for page in build_pages(round_, "employee", language)
        for statement in page.statements
    }


def _items(figures: RoundFigures, cell: object, language: str) -> list[dict[str, Any]]:
    texts = _texts(figures.round, language)
    groups = [group for group in GROUPS if group in figures.round.rater_groups]
    return [
        {
            "key": item,
            "theme": texts.get(item, ("", ""))[0],
            "text": texts.get(item, ("", item))[1],
            "groups": {group: figure_json(figures.group(cell, group, item)) for group in groups},
        }
        for item in texts
    ]


def _response_rate(invitations: Any) -> dict[str, dict[str, int]]:
    rates: dict[str, dict[str, int]] = {}
    for group, completed in invitations.values_list("rater_group", "completed"):
        rate = rates.setdefault(group, {"invited": 0, "completed": 0})
        rate["invited"] += 1
        rate["completed"] += completed
    return rates


def leader_report(round_: Round, employee_id: str, language: str = "da") -> dict[str, Any]:
    """One leader's report: every statement, by rater group, after disclosure control."""
    leader = EvaluatedLeader.objects.filter(round=round_, employee_id=employee_id).first()
    if leader is None:
        raise ReportUnavailable(
            _("%(id)s er ikke evalueret i runde %(round)s.")
            % {"id": employee_id, "round": round_.pk}
        )
    figures = compute(round_)
    items = _items(figures, leader_key(employee_id), language)
    previous = previous_round(round_, employee_id)
    if previous is not None:
        before = compute(previous)
        # Only the employees' figures: the previous round's own and superior answers were given
        # under that round's policy, and a change would let them be worked out.
        for item in items:
            figure = item["groups"].get("employee")
            if figure is None:
                continue
            old = figure_json(before.group(leader_key(employee_id), "employee", item["key"]))
            figure["change"] = (
                None
                if figure["mean"] is None or old["mean"] is None
                else round(figure["mean"] - old["mean"], 2)
            )
    return {
        "round": round_.pk,
        "min_group_size": round_.min_group_size,
        "leader": {
            "employee_id": leader.employee_id,
            "name": leader.name,
            "unit": leader.unit_path,
        },
        "previous_round": previous.pk if previous else None,
        "response_rate": _response_rate(Invitation.objects.filter(round=round_, leader=leader)),
        "items": items,
    }


def previous_round(round_: Round, employee_id: str) -> Round | None:
    """The organisation's latest closed round before this one that evaluated the same leader."""
    return (
        Round.objects.filter(
            organisation=round_.organisation_id,
            status=Round.Status.CLOSED,
            opens_on__lt=round_.opens_on,
            leaders__employee_id=employee_id,
        )
        .order_by("-opens_on", "-pk")
        .first()
    )


def unit_report(round_: Round, unit_path: str, language: str = "da") -> dict[str, Any]:
    """A unit and everything below it: the answers about all its leaders, pooled by rater group."""
    leaders = [
        leader
        for leader in EvaluatedLeader.objects.filter(round=round_)
        if leader.unit_path == unit_path or leader.unit_path.startswith(unit_path + " / ")
    ]
    if not leaders:
        raise ReportUnavailable(
            _("Ingen ledere i “%(unit)s” er evalueret i runde %(round)s.")
            % {"unit": unit_path, "round": round_.pk}
        )
    figures = compute(round_)
    return {
        "round": round_.pk,
        "min_group_size": round_.min_group_size,
        "unit": unit_path,
        "leaders": len(leaders),
        "response_rate": _response_rate(
            Invitation.objects.filter(round=round_, leader__in=leaders)
        ),
        "items": _items(figures, unit_key(unit_path), language),
    }
