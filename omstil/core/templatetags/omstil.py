"""Template filters: pick the active language from a `{"da": …, "en": …}` text."""

from collections.abc import Mapping

from django import template

from omstil.core.i18n import localized

register = template.Library()


@register.filter(name="tr")
def tr(text: Mapping[str, str] | None) -> str:
    """`{{ theme.title|tr }}`: the text in the active language."""
    return localized(text)


@register.filter(name="get")
def get(mapping: Mapping[str, object] | None, key: str) -> object:
    """`{{ item.text|get:role }}`: look up a key that a template cannot name directly."""
    return (mapping or {}).get(key)
