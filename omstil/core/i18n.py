"""Pick the right language from a `{"da": …, "en": …}` text."""

from collections.abc import Mapping

from django.utils import translation

DEFAULT_LANGUAGE = "da"


def active_language() -> str:
    """The two-letter code of the active language, Danish when none is active."""
    return (translation.get_language() or DEFAULT_LANGUAGE)[:2]


def localized(text: Mapping[str, str] | None, language: str | None = None) -> str:
    """The text in `language` (or the active one), falling back to Danish."""
    if not text:
        return ""
    wanted = language or active_language()
    return text.get(wanted) or text.get(DEFAULT_LANGUAGE) or next(iter(text.values()), "")
