"""`{% guides round "leder" %}`: links to the guides of a round's instruments, where they are used.

The leader's guide beside the report, the dialogue and the plan; the organisation's guide beside
HR's round, organisation and report pages.
"""

from typing import Any

from django import template

from omstil.instruments.services import guide_links, latest_versions
from omstil.rounds.models import Round

register = template.Library()


@register.inclusion_tag("rounds/_guides.html")
def guides(round_: Round, audience: str) -> dict[str, Any]:
    chosen = round_.instruments.select_related("version__instrument").order_by("pk")
    return {"links": guide_links((each.version for each in chosen), audience)}


@register.inclusion_tag("rounds/_guides.html")
def library_guides(audience: str) -> dict[str, Any]:
    """The guides of every instrument in the library, for a page outside a round."""
    return {"links": guide_links(latest_versions(), audience)}
