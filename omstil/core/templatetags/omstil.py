"""Template filters: pick the active language from a `{"da": …, "en": …}` text, and say why
a figure is hidden."""

from collections.abc import Mapping

from django import template
from django.utils.translation import gettext_lazy as _

from omstil.core.i18n import localized
from omstil.lib import disclosure

register = template.Library()


@register.filter(name="tr")
def tr(text: Mapping[str, str] | None) -> str:
    """`{{ theme.title|tr }}`: the text in the active language."""
    return localized(text)


@register.filter(name="get")
def get(mapping: Mapping[str, object] | None, key: str) -> object:
    """`{{ item.text|get:role }}`: look up a key that a template cannot name directly."""
    return (mapping or {}).get(key)


# Why a figure is hidden (omstil/lib/disclosure.py gives the reason in Danish, as reports' JSON
# carries it): the full sentence for a table row, and a short label for a heat map's cell.
_REASONS = {
    disclosure.PRIMARY_REASON: (
        _("skjult for at beskytte en mindre gruppe"),
        _("skjult: lille gruppe"),
    ),
    disclosure.COMPLEMENTARY_REASON: (
        _("skjult, så den ikke kan regnes ud af de andre tal"),
        _("skjult: kan regnes ud"),
    ),
    disclosure.POLICY_REASON: (_("vises ikke efter rundens regler"), _("vises ikke")),
}


@register.filter(name="hidden_reason")
def hidden_reason(figure: Mapping[str, object] | None) -> str:
    """`{{ figure|hidden_reason }}`: why the figure is hidden, in the active language."""
    reason = (figure or {}).get("reason")
    return str(_REASONS.get(str(reason), _REASONS[disclosure.PRIMARY_REASON])[0])


@register.filter(name="hidden_label")
def hidden_label(figure: Mapping[str, object] | None) -> str:
    """`{{ cell|hidden_label }}`: the same, short, for a cell of a heat map."""
    reason = (figure or {}).get("reason")
    return str(_REASONS.get(str(reason), _REASONS[disclosure.PRIMARY_REASON])[1])
