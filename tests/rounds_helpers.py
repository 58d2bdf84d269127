"""Shared set-up for round tests: a small imported kommune and a round about digital leadership."""

import re
from datetime import date

from django.utils import timezone

from omstil.instruments.services import sync_library
from omstil.organisations.models import Organisation
from omstil.organisations.services import import_people
from omstil.rounds.models import Round
from omstil.rounds.services import RoundSetup, create_round
from tests.hrfiles import csv_file

# The statements of `digital-omstilling`, as their answers are stored.
KEYS = [
    "digital-omstilling.kompetencer-opdaterede",
    "digital-omstilling.forklare-hvorfor",
    "digital-omstilling.vaerdi-for-borgerne",
    "digital-omstilling.nysgerrig-kultur",
    "digital-omstilling.it-sikkerhed",
]

LINK = re.compile(r"https?://[^\s\"<>]+/svar/([a-z2-7]{32})/")


def kommune(rows=None) -> Organisation:
    sync_library()
    import_people("fjordby", csv_file(rows), name="Fjordby Kommune")
    return Organisation.objects.get(slug="fjordby")


def draft_round(organisation: Organisation, **changes) -> Round:
    today = timezone.localdate()
    defaults = {
        "name": "Ledelsesevaluering 2026",
        "instruments": ["digital-omstilling"],
        "opens_on": today,
        "closes_on": date(today.year + 1, 1, 31),
    }
    setup = RoundSetup(**{**defaults, **changes})
    return create_round(organisation, setup).round


def links_in(message) -> list[str]:
    """Every respondent token linked from an e-mail (plain text and HTML parts)."""
    found = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            found.extend(LINK.findall(part.get_content()))
    return found
