"""`{% guides round "leder" %}`: links to the guides of a round's instruments, where they are used.

The leader's guide beside the report, the dialogue and the plan; the organisation's guide beside
HR's round, organisation and report pages.
"""

from typing import Any

from django import template
from django.urls import reverse

from omstil.core.i18n import localized
from omstil.instruments.models import InstrumentVersion

register = template.Library()

AUDIENCES = {"leder": "leader", "organisation": "organisation"}


def guide_links(versions: list[InstrumentVersion], audience: str) -> list[dict[str, str]]:
    """Each instrument's guide for `audience` ("leder" or "organisation"): title and address."""
    part = AUDIENCES[audience]
    return [
        {
            "title": localized(version.document["guides"][part]["title"]),
            "url": reverse(
                "instruments:version_guide",
                args=[version.instrument.key, version.number, audience],
            ),
        }
        for version in versions
        if part in version.document.get("guides", {})
    ]


@register.inclusion_tag("rounds/_guides.html")
def guides(round_: Any, audience: str) -> dict[str, Any]:
    versions = [
        chosen.version
        for chosen in round_.instruments.select_related("version__instrument").order_by("pk")
    ]
    return {"links": guide_links(versions, audience)}


@register.inclusion_tag("rounds/_guides.html")
def library_guides(audience: str) -> dict[str, Any]:
    """The guides of every instrument in the library, for a page outside a round."""
    from omstil.instruments.services import latest_versions

    return {"links": guide_links(list(latest_versions()), audience)}
