"""Shared set-up for mapping tests: a small kommune with job families, and mapping rounds."""

from datetime import date, timedelta
from typing import Any

from omstil.instruments.services import sync_library
from omstil.organisations.models import Organisation
from omstil.organisations.services import import_people
from omstil.responses.closing import close_round
from omstil.responses.services import save_page
from omstil.rounds import tokens
from omstil.rounds.models import COMPETENCE_GROUP, Invitation, Round
from omstil.rounds.services import RoundSetup, create_round, open_round
from tests.hrfiles import csv_file

INSTRUMENT = "medarbejder-digitale-kompetencer"
TOP = "Fjordby Kommune"
SOCIAL = "Fjordby Kommune / Social"
HJEMMEPLEJEN = "Fjordby Kommune / Social / Hjemmeplejen"
BOSTEDET = "Fjordby Kommune / Social / Bostedet"
TEKNIK = "Fjordby Kommune / Teknik"


def _row(number: int, name: str, unit: str, leader: bool, family: str) -> list[str]:
    email = name.split()[0].lower() + "@fjordby.example"
    return [str(number), name, email, unit, "ja" if leader else "nej", "", family, "da"]


def _staff(first: int, unit: str, family: str, count: int) -> list[list[str]]:
    return [
        [str(n), f"Ansat {n}", f"ansat{n}@fjordby.example", unit, "nej", "", family, "da"]
        for n in range(first, first + count)
    ]


# Anne leads the kommune, with two secretaries; Bo (Social) and Gustav (Teknik) report to her;
# Cecilie (Hjemmeplejen), Dina (Bostedet) and three consultants report to Bo. With a minimum of
# 3: Hjemmeplejen keeps SOSU-assistent (6); SOSU-hjælper (4) goes into "Øvrige" with the one
# Sygeplejerske, so that "Øvrige" is not 1.
PEOPLE = [
    _row(1, "Anne Direktør", TOP, True, "Direktion"),
    _row(2, "Bo Socialchef", SOCIAL, True, "Chef"),
    _row(3, "Cecilie Ærø", HJEMMEPLEJEN, True, "Leder"),
    _row(4, "Dorte Østergaard", HJEMMEPLEJEN, False, "SOSU-assistent"),
    _row(5, "Dina Bostedsleder", BOSTEDET, True, "Leder"),
    _row(7, "Gustav Berg", TEKNIK, True, "Chef"),
    *_staff(100, HJEMMEPLEJEN, "SOSU-assistent", 5),
    *_staff(110, HJEMMEPLEJEN, "SOSU-hjælper", 4),
    *_staff(120, HJEMMEPLEJEN, "Sygeplejerske", 1),
    *_staff(200, BOSTEDET, "Socialpædagog", 5),
    *_staff(210, BOSTEDET, "SOSU-assistent", 3),
    *_staff(300, TEKNIK, "Ingeniør", 4),
    *_staff(310, TEKNIK, "Gartner", 3),
    *_staff(400, SOCIAL, "Konsulent", 3),
    *_staff(500, TOP, "Sekretær", 2),
]


def mapping_kommune(rows: list[list[str]] | None = None, slug: str = "fjordby") -> Organisation:
    sync_library()
    import_people(slug, csv_file(rows or PEOPLE), name="Fjordby Kommune")
    return Organisation.objects.get(slug=slug)


def mapping_round(
    organisation: Organisation, *, opens_on: date | None = None, **changes: object
) -> Round:
    opens_on = opens_on or date(2025, 2, 3)
    fields: dict[str, Any] = {
        "name": f"Kortlægning {opens_on.year}",
        "instruments": [INSTRUMENT],
        "opens_on": opens_on,
        "closes_on": opens_on + timedelta(days=20),
        "min_group_size": 3,
        **changes,
    }
    return create_round(organisation, RoundSetup(**fields)).round


def token_of(round_: Round, employee_id: str) -> str:
    invitation = Invitation.objects.select_related("leader").get(
        round=round_, person__employee_id=employee_id
    )
    return tokens.token_for(
        round_.token_salt, invitation.person_id, invitation.leader.employee_id, COMPETENCE_GROUP
    )


def answer(round_: Round, employee_id: str, value: str | dict[str, str]) -> None:
    """One person rates every statement of the mapping (the same value, or one per key)."""
    from omstil.responses.questionnaire import build_pages

    invitation = Invitation.objects.select_related("round", "leader").get(
        round=round_, person__employee_id=employee_id
    )
    keys = [
        statement.key
        for page in build_pages(round_, COMPETENCE_GROUP, "da")
        for statement in page.statements
    ]
    values = value if isinstance(value, dict) else dict.fromkeys(keys, value)
    save_page(invitation, token_of(round_, employee_id), values, set(keys), submit=True)


def closed_mapping(
    organisation: Organisation, answers: dict[str, str], *, opens_on: date | None = None
) -> Round:
    """A mapping round in which the people in `answers` rated every statement, then closed."""
    round_ = mapping_round(organisation, opens_on=opens_on)
    open_round(round_)
    round_.refresh_from_db()
    for employee_id, value in answers.items():
        answer(round_, employee_id, value)
    close_round(round_)
    round_.refresh_from_db()
    return round_


# Everyone below the top answers; scores differ by team so that the maps say something.
EVERYONE = {
    **{str(n): "4" for n in range(100, 105)},
    "4": "5",
    **{str(n): "3" for n in range(110, 114)},
    "120": "2",
    **{str(n): "4" for n in range(200, 205)},
    **{str(n): "2" for n in range(210, 213)},
    **{str(n): "5" for n in range(300, 304)},
    **{str(n): "3" for n in range(310, 313)},
    **{str(n): "4" for n in range(400, 403)},
    **{str(n): "3" for n in range(500, 502)},
    "2": "4",
    "7": "4",
    "3": "4",
    "5": "3",
}
