"""The answer scale shared by every statement (svarskala), as in the common evaluation."""

from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DONT_KNOW: Final = "dont_know"
PREFER_NOT: Final = "prefer_not"


@dataclass(frozen=True)
class AnswerOption:
    """One answer a respondent can give: a point on the scale or an opt-out."""

    value: int | str
    label: Promise

    @property
    def counts_in_mean(self) -> bool:
        """ "Ved ikke" and "Ønsker ikke at oplyse" are counted but kept out of means."""
        return isinstance(self.value, int)


SCALE: Final = (
    AnswerOption(1, _("Helt uenig")),
    AnswerOption(2, _("Uenig")),
    AnswerOption(3, _("Hverken enig eller uenig")),
    AnswerOption(4, _("Enig")),
    AnswerOption(5, _("Helt enig")),
    AnswerOption(DONT_KNOW, _("Ved ikke")),
    AnswerOption(PREFER_NOT, _("Ønsker ikke at oplyse")),
)

VALUES: Final = frozenset(option.value for option in SCALE)
# How the answers are stored and posted: the values as text.
STORED: Final = frozenset(str(value) for value in VALUES)


def parse_answer(raw: str | int) -> str:
    """The stored form of an answer on the scale ("1"…"5", "dont_know", "prefer_not").

    The one check of an answer's value, for respondents and self-assessments alike; ValueError
    for anything else (no spaces, no "05", no booleans).
    """
    if isinstance(raw, int) and not isinstance(raw, bool) and raw in VALUES:
        return str(raw)
    if isinstance(raw, str) and raw in STORED:
        return raw
    raise ValueError(f"not an answer on the scale: {raw!r}")


def as_json() -> list[dict[str, object]]:
    """The scale as JSON: value and label in Danish and English."""
    from django.utils import translation

    rows: list[dict[str, object]] = []
    for option in SCALE:
        labels = {}
        for language in ("da", "en"):
            with translation.override(language):
                labels[language] = str(option.label)
        rows.append({"value": option.value, "label": labels})
    return rows
