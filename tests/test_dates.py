"""Dates as Danes write them ("2. dec. 2026"), from one home (omstil/core/formats)."""

import re
from datetime import date, datetime
from pathlib import Path

from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

OMSTIL = Path(__file__).resolve().parent.parent / "omstil"


def test_a_date_reads_as_danes_and_the_british_write_it():
    day = date(2026, 12, 2)
    with translation.override("da"):
        assert date_format(day) == "2. dec. 2026"
        assert date_format(date(2026, 3, 2)) == "2. marts 2026"
        assert Template("{{ day|date }}").render(Context({"day": day})) == "2. dec. 2026"
        when = datetime(2026, 12, 2, 9, 5)
        assert date_format(when, "DATETIME_FORMAT") == "2. dec. 2026 09:05"
    with translation.override("en"):
        assert date_format(day) == "2 Dec 2026"


def test_no_template_spells_out_a_date_format_of_its_own():
    own = re.compile(r'\|date:"(?!DATETIME_FORMAT"|DATE_FORMAT"|SHORT_DATE_FORMAT")[^"]*"')
    found = [
        f"{path.relative_to(OMSTIL)}: {match.group(0)}"
        for path in OMSTIL.rglob("*")
        if path.suffix in (".html", ".txt")
        for match in own.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
