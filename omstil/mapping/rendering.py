"""A unit's competence map as one self-contained HTML document, and as a PDF (`core.pdf`)."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from omstil.core.pdf import html_to_pdf
from omstil.mapping.services import tables, unit_map
from omstil.rounds.models import Round


def unit_html(
    round_: Round, path: str, language: str = "da", data: dict[str, Any] | None = None
) -> str:
    """The map as the PDF's source; `data` is the map as its viewer may see it (by default the
    operator's, `services.unit_map` without a viewer)."""
    with translation.override(language):
        report = data if data is not None else unit_map(round_, path, language)
        return render_to_string(
            "mapping/unit_print.html",
            {"report": report, "tables": tables(report), "round": round_, "language": language},
        )


def unit_pdf(
    round_: Round, path: str, language: str = "da", data: dict[str, Any] | None = None
) -> bytes:
    """The map as a PDF, with the same figures as the page."""
    return html_to_pdf(unit_html(round_, path, language, data))
