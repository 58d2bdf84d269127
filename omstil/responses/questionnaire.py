"""The questionnaire a respondent sees: an introduction, then one page per theme."""

import functools
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache

from omstil.core.i18n import localized
from omstil.instruments.models import Item, Theme
from omstil.rounds.models import COMPETENCE_GROUP, LocalStatement, Round, RoundInstrument

# Whose wording a rater group reads: in a mapping everybody rates themself.
ROLE_OF_GROUP = {COMPETENCE_GROUP: "self"}


@dataclass(frozen=True)
class Statement:
    """One statement on a page; `key` is how its answer is stored (`instrument.item`), and
    `heading` the source's name for what it asks about ("" where it has none)."""

    key: str
    text: str
    heading: str = ""


@dataclass
class Page:
    title: str
    intro: str
    question: str
    statements: list[Statement] = field(default_factory=list)
    comment: bool = False


def build_pages(round_: Round, rater_group: str, language: str) -> list[Page]:
    """The statement pages of a round as one rater group reads them (intro not included).

    Once a round is open its questionnaire cannot change, so it is built once per process.
    """
    if round_.status == Round.Status.DRAFT:
        return _build(round_.pk, round_.comment_field, rater_group, language)
    # The time of opening is part of the key: it tells two rounds with the same id apart (ids
    # can repeat in a test database that is rolled back).
    return _cached(round_.pk, round_.comment_field, rater_group, language, round_.opened_at)


def _shared(
    round_id: int, comment_field: bool, rater_group: str, language: str, opened: object
) -> list[Page]:
    """The pages from the cache all server processes share, built and put there if missing.

    Each process also keeps what it has read (`_cached`): a round's questionnaire cannot change
    while it is open, so a process never needs to ask again, and a new process asks the shared
    cache once instead of building the pages from the instrument tables.
    """
    when = opened.isoformat() if isinstance(opened, datetime) else ""
    key = f"questionnaire:{round_id}:{when}:{int(comment_field)}:{rater_group}:{language}"
    pages = cache.get(key)
    if pages is None:
        pages = _build(round_id, comment_field, rater_group, language)
        cache.set(key, pages, SHARED_SECONDS)
    return list(pages)


def _build(
    round_id: int, comment_field: bool, rater_group: str, language: str, opened: object = None
) -> list[Page]:
    pages: list[Page] = []
    round_instruments = list(
        RoundInstrument.objects.filter(round_id=round_id).select_related("version__instrument")
    )
    version_ids = [ri.version_id for ri in round_instruments]
    themes: dict[int, list[Theme]] = {}
    for theme in Theme.objects.filter(version_id__in=version_ids).order_by("position"):
        themes.setdefault(theme.version_id, []).append(theme)
    items: dict[int, list[Item]] = {}
    for item in Item.objects.filter(version_id__in=version_ids).order_by("position"):
        items.setdefault(item.theme_id, []).append(item)
    for round_instrument in round_instruments:
        version = round_instrument.version
        document = version.document
        role = ROLE_OF_GROUP.get(rater_group, rater_group)
        if role not in version.roles:
            role = "employee"
        for theme in themes.get(version.pk, []):
            if round_instrument.themes and theme.key not in round_instrument.themes:
                continue
            pages.append(
                Page(
                    title=localized(theme.title, language),
                    intro=localized(document.get("intro", {}).get(role), language),
                    question=localized(document["question"], language),
                    statements=[
                        Statement(
                            f"{version.instrument.key}.{item.key}",
                            item.wording(role, language),
                            item.localized_heading(language),
                        )
                        for item in items.get(theme.pk, [])
                    ],
                )
            )
    local = list(LocalStatement.objects.filter(round_id=round_id))
    if local:
        pages.append(
            Page(
                title="",
                intro="",
                question="",
                statements=[
                    Statement(f"lokal.{statement.key}", localized(statement.text, language))
                    for statement in local
                ],
            )
        )
    if pages and comment_field:
        pages[-1].comment = True
    return pages


# A questionnaire is kept in the shared cache for a day after it was last built: long enough
# for any round's busy days, short enough not to pile up.
SHARED_SECONDS = 24 * 60 * 60
_cached = functools.lru_cache(maxsize=512)(_shared)
