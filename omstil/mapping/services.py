"""A unit's competence map as data: areas × job families, the statements, the change since the
previous mapping and suggestions for training. One shape for the page, the PDF and the JSON of
`omstil mapping unit` (docs/mapping.md)."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from omstil.core.i18n import localized
from omstil.lib.job_families import OTHER
from omstil.mapping.access import can_see_unit
from omstil.mapping.figures import Area, MappingFigures, compute, parent_of
from omstil.organisations.models import PATH_SEPARATOR
from omstil.reports.figures import figure_json
from omstil.responses.questionnaire import build_pages
from omstil.rounds.chain import leaders_in
from omstil.rounds.models import COMPETENCE_GROUP, Round, RoundInstrument
from omstil.rounds.participation import report_rates

# Suggestions: the areas with the lowest scores, and any area below this score as well.
SUGGESTED_LOWEST = 2
SUGGEST_BELOW = 3.0


class MappingUnavailable(Exception):
    """No map can be made as asked; the message says why."""


def family_label(family: str) -> str:
    """A job family as the pages show it; respondents without a kept family are "Øvrige"."""
    return family if family != OTHER else _("Øvrige")


def instrument_key(round_: Round) -> str:
    """The key of the mapping's instrument (a mapping has exactly one)."""
    key = (
        RoundInstrument.objects.filter(round=round_)
        .order_by("position")
        .values_list("version__instrument__key", flat=True)
        .first()
    )
    return key or ""


def previous_mapping(round_: Round) -> Round | None:
    """The organisation's latest closed mapping before this one with the same instrument."""
    return (
        Round.objects.filter(
            organisation=round_.organisation_id,
            kind=Round.Kind.MAPPING,
            status=Round.Status.CLOSED,
            opens_on__lt=round_.opens_on,
            instruments__version__instrument__key=instrument_key(round_),
        )
        .order_by("-opens_on", "-pk")
        .first()
    )


def _pooled(
    figures: MappingFigures, path: str, families: list[str], item: str
) -> tuple[float, int] | None:
    """The mean and n of shown family cells together: a sum of published figures."""
    total = 0.0
    n = 0
    for family in families:
        figure = figures.figure(path, family, item)
        if figures.shown(path, family, item) and figure.mean is not None and figure.n:
            total += figure.mean * figure.n
            n += figure.n
    return (total / n, n) if n else None


def _area_families(figures: MappingFigures, path: str, area: Area) -> list[str]:
    """The families whose score for the area is shown in the unit."""
    return [
        family
        for family in figures.families_in(path)
        if figures.area_score(path, family, area) is not None
    ]


def _area_all(figures: MappingFigures, path: str, area: Area, families: list[str]) -> float | None:
    """The area's score over these families (each with its score shown), pooled."""
    means = [_pooled(figures, path, families, item) for item in area.items]
    if not families or any(mean is None for mean in means):
        return None
    return sum(mean[0] for mean in means if mean is not None) / len(means)


def _common(now: list[str], before: list[str]) -> list[str]:
    return [family for family in now if family in before]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _difference(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return round(now - before, 2)


def unit_map(
    round_: Round,
    path: str,
    language: str = "da",
    *,
    viewer: AbstractBaseUser | AnonymousUser | None = None,
) -> dict[str, Any]:
    """The map of the unit at `path` in a closed mapping round.

    `viewer` None is an operator at the command line; anyone else must be allowed by
    `access.can_see_unit`, in this round and (for the change) in the previous one.
    """
    if not round_.is_mapping:
        raise MappingUnavailable(
            _("Runde %(round)s er ikke en kortlægning af kompetencer.") % {"round": round_.pk}
        )
    if round_.status != Round.Status.CLOSED:
        raise MappingUnavailable(_("Kortlægningen vises først, når runden er lukket."))
    teams = leaders_in(round_, path)
    if not teams:
        raise MappingUnavailable(
            _("Ingen i “%(unit)s” er med i kortlægning %(round)s.")
            % {"unit": path, "round": round_.pk}
        )
    if viewer is not None and not can_see_unit(viewer, round_, path):
        raise MappingUnavailable(_("Du har ikke adgang til denne kortlægning."))
    figures = compute(round_)
    families = figures.families_in(path)
    previous = previous_mapping(round_)
    before = None
    if previous is not None and (viewer is None or can_see_unit(viewer, previous, path)):
        before = compute(previous)
    texts = {
        statement.key: statement.text
        for page in build_pages(round_, COMPETENCE_GROUP, language)
        for statement in page.statements
    }
    areas = [_area_row(figures, before, path, families, area, language) for area in figures.areas]
    items = [
        _item_row(figures, before, path, families, area, item, texts.get(item, item), language)
        for area in figures.areas
        for item in area.items
    ]
    taken_part = report_rates(round_, teams, path).get(
        COMPETENCE_GROUP, {"invited": 0, "completed": 0, "hidden": None}
    )
    children = sorted(
        {
            path
            + PATH_SEPARATOR
            + team.unit_path[len(path + PATH_SEPARATOR) :].split(PATH_SEPARATOR)[0]
            for team in teams
            if team.unit_path.startswith(path + PATH_SEPARATOR)
        }
    )
    up = parent_of(path)
    return {
        "round": round_.pk,
        "name": round_.name,
        "kind": round_.kind,
        "instrument": figures.instrument,
        "min_group_size": round_.min_group_size,
        "unit": path,
        "previous_round": previous.pk if before is not None and previous is not None else None,
        "response_rate": taken_part,
        "families": [{"job_family": family, "label": family_label(family)} for family in families],
        "areas": areas,
        "items": items,
        "suggestions": suggestions(areas),
        "sub_units": [
            {"unit": child, "label": child.split(PATH_SEPARATOR)[-1]} for child in children
        ],
        "parent": (
            up
            if up is not None
            and leaders_in(round_, up)
            and (viewer is None or can_see_unit(viewer, round_, up))
            else None
        ),
    }


def _area_row(
    figures: MappingFigures,
    before: MappingFigures | None,
    path: str,
    families: list[str],
    area: Area,
    language: str,
) -> dict[str, Any]:
    earlier = next((a for a in before.areas if a.key == area.key), None) if before else None
    cells = []
    for family in families:
        score = figures.area_score(path, family, area)
        old = before.area_score(path, family, earlier) if before and earlier else None
        cells.append(
            {
                "score": _rounded(score),
                "hidden": score is None and figures.area_hidden(path, family, area),
                "change": _difference(score, old),
            }
        )
    pooled = _area_families(figures, path, area)
    score = _area_all(figures, path, area, pooled)
    change = None
    if before is not None and earlier is not None:
        # The change over the families shown both times: from published figures only, and not
        # a change merely because a family was shown in one mapping and hidden in the other.
        common = _common(pooled, _area_families(before, path, earlier))
        change = _difference(
            _area_all(figures, path, area, common), _area_all(before, path, earlier, common)
        )
    return {
        "key": area.key,
        "title": localized(area.title, language),
        "description": localized(area.content.get("description"), language),
        "why": localized(area.content.get("why"), language),
        "focus_areas": [localized(text, language) for text in area.content.get("focus_areas", [])],
        "cells": cells,
        "all": {"score": _rounded(score), "families": len(pooled), "change": change},
    }


def _item_row(
    figures: MappingFigures,
    before: MappingFigures | None,
    path: str,
    families: list[str],
    area: Area,
    item: str,
    text: str,
    language: str,
) -> dict[str, Any]:
    cells = []
    for family in families:
        figure = figure_json(figures.figure(path, family, item))
        old = figure_json(before.figure(path, family, item)) if before is not None else None
        figure["change"] = _difference(figure["mean"], old["mean"] if old else None)
        cells.append(figure)
    pooled_families = [family for family in families if figures.shown(path, family, item)]
    pooled = _pooled(figures, path, pooled_families, item)
    change = None
    if before is not None:
        common = [family for family in pooled_families if before.shown(path, family, item)]
        now, then = _pooled(figures, path, common, item), _pooled(before, path, common, item)
        if now is not None and then is not None:
            change = _difference(now[0], then[0])
    return {
        "key": item,
        "area": area.key,
        "area_title": localized(area.title, language),
        "text": text,
        "cells": cells,
        "all": {
            "mean": _rounded(pooled[0]) if pooled else None,
            "n": pooled[1] if pooled else 0,
            "families": len(pooled_families),
            "change": change,
        },
    }


def suggestions(areas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The areas to suggest for training: the lowest-scoring ones, and any below 3.0.

    Scored by the unit's "all families" figure, so only from shown figures.
    """
    scored = sorted(
        (area for area in areas if area["all"]["score"] is not None),
        key=lambda area: (area["all"]["score"], area["key"]),
    )
    chosen = [
        area
        for rank, area in enumerate(scored)
        if rank < SUGGESTED_LOWEST or area["all"]["score"] < SUGGEST_BELOW
    ]
    return [
        {
            "area": area["key"],
            "title": area["title"],
            "score": area["all"]["score"],
            "description": area["description"],
            "why": area["why"],
            "focus_areas": area["focus_areas"],
        }
        for area in chosen
    ]


def tables(report: dict[str, Any]) -> dict[str, Any]:
    """The map's tables as the page and the PDF lay them out: one row per job family, so that a
    unit with many job families grows downwards, not sideways."""
    families = report["families"]
    heat = [
        {"label": family["label"], "cells": [area["cells"][index] for area in report["areas"]]}
        for index, family in enumerate(families)
    ]
    areas = []
    for area in report["areas"]:
        items = [item for item in report["items"] if item["area"] == area["key"]]
        areas.append(
            {
                "title": area["title"],
                "items": items,
                "rows": [
                    {"label": family["label"], "cells": [item["cells"][index] for item in items]}
                    for index, family in enumerate(families)
                ],
            }
        )
    return {"heat": heat, "areas": areas}
