"""The statement fieldsets of a questionnaire page, rendered once and reused.

A page is the same for every respondent of a rater group in a language; only which radio is
checked differs. Rendering its 35 radio buttons through the template language for every request
would cost more than the rest of the request, so the markup is built here once per page and the
saved answers are marked at the end.
"""

import functools
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from omstil.responses.questionnaire import Statement


@functools.lru_cache(maxsize=2048)
def _statement_parts(
    index: int, key: str, text: str, heading: str, options: tuple[tuple[str, str], ...]
) -> tuple[str, tuple[tuple[str, str, str], ...], str]:
    """(opening, ((value, radio before the check mark, radio after it), …), closing)."""
    opening = format_html(
        '<fieldset class="omstil-statement-fieldset"><legend class="h4">{}{}</legend>',
        format_html('<span class="omstil-statement-heading">{}</span> ', heading)
        if heading
        else "",
        text,
    )
    radios = tuple(
        (
            value,
            format_html(
                '<div class="form-group-radio"><input class="form-radio" type="radio" '
                'id="s{}-{}" name="{}" value="{}"',
                index,
                value,
                key,
                value,
            ),
            format_html(
                '><label class="form-label" for="s{}-{}">{}</label></div>', index, value, label
            ),
        )
        for value, label in options
    )
    return opening, radios, "</fieldset>"


def render_fieldsets(
    statements: Sequence[Statement], options: Sequence[tuple[str, str]], saved: dict[str, str]
) -> SafeString:
    """One fieldset per statement, its legend the statement, one labelled radio per answer."""
    parts: list[str] = []
    choices = tuple(options)
    for index, statement in enumerate(statements, start=1):
        opening, radios, closing = _statement_parts(
            index, statement.key, statement.text, statement.heading, choices
        )
        chosen = saved.get(statement.key)
        parts.append(opening)
        for value, before, after in radios:
            parts.append(before)
            if value == chosen:
                parts.append(" checked")
            parts.append(after)
        parts.append(closing)
    return mark_safe("".join(parts))  # noqa: S308 (every piece went through format_html)
