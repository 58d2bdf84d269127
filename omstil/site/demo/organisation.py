"""Realistic fictive organisations for the demo, the tests and the benchmarks.

A kommune of about 8,000 employees and 500 leaders, a region of about 30,000, or any size:
forvaltninger, områder, institutioner and teams in trees of varying depth, Danish names, leaders
with 1 to 40 employees. The same seed always gives the same organisation.
"""

import csv
import io
import random
import unicodedata
from dataclasses import dataclass

from faker import Faker

from omstil.organisations.models import PATH_SEPARATOR

SIZES = {"kommune": 8_000, "region": 30_000, "stress": 100_000}
HEADER = [
    "medarbejdernummer",
    "navn",
    "email",
    "enhed",
    "leder",
    "refererer_til",
    "faggruppe",
    "sprog",
]

# Forvaltning → (områder, job families, institution words)
AREAS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "Social og Sundhed": (
        ["Ældreområdet", "Handicap og Psykiatri", "Sundhed og Forebyggelse"],
        ["SOSU-assistent", "SOSU-hjælper", "Sygeplejerske", "Ergoterapeut", "Socialpædagog"],
        ["Plejecenter", "Hjemmeplejen", "Bosted", "Sundhedshus", "Aktivitetscenter"],
    ),
    "Børn og Unge": (
        ["Dagtilbud", "Skoler", "Familie og Rådgivning"],
        ["Pædagog", "Pædagogmedhjælper", "Lærer", "Socialrådgiver", "Psykolog"],
        ["Børnehuset", "Skole", "Ungdomsskole", "Familiehuset", "SFO"],
    ),
    "Teknik og Miljø": (
        ["Vej og Park", "Byggeri og Plan", "Natur og Miljø"],
        ["Ingeniør", "Landinspektør", "Gartner", "Vejarbejder", "Byggesagsbehandler"],
        ["Materielgården", "Byggesag", "Planteam", "Driftsgården"],
    ),
    "Beskæftigelse og Borgerservice": (
        ["Jobcenter", "Borgerservice", "Ydelser"],
        ["Jobkonsulent", "Sagsbehandler", "Borgerservicemedarbejder", "Socialrådgiver"],
        ["Jobcenter", "Borgerservice", "Ydelsesteam", "Virksomhedsservice"],
    ),
    "Kultur og Fritid": (
        ["Biblioteker", "Idræt og Fritid"],
        ["Bibliotekar", "Kulturformidler", "Halinspektør", "Administrativ medarbejder"],
        ["Bibliotek", "Kulturhus", "Idrætscenter", "Musikskole"],
    ),
    "Økonomi, IT og Personale": (
        ["Økonomi", "IT og Digitalisering", "HR og Personale"],
        ["Økonom", "IT-medarbejder", "HR-konsulent", "Administrativ medarbejder", "Jurist"],
        ["Team", "Kontor", "Sekretariat"],
    ),
}
PLACES = [
    "Nord",
    "Syd",
    "Øst",
    "Vest",
    "Centrum",
    "Solgården",
    "Egeparken",
    "Bøgely",
    "Skovbrynet",
    "Fjordbakken",
    "Engvang",
    "Lindegården",
    "Møllehøj",
    "Strandparken",
    "Kildevang",
    "Rosenhaven",
    "Toftegården",
    "Bakkehuset",
    "Åparken",
    "Havnen",
]
TEAMS = ["Dag", "Aften", "Nat", "Team 1", "Team 2", "Team 3", "Administration", "Køkken"]


@dataclass(frozen=True)
class FictivePerson:
    """One row of a fictive HR file."""

    employee_id: str
    name: str
    email: str
    unit: str
    is_leader: bool
    reports_to: str
    job_family: str
    language: str

    def cells(self) -> list[str]:
        return [
            self.employee_id,
            self.name,
            self.email,
            self.unit,
            "ja" if self.is_leader else "nej",
            self.reports_to,
            self.job_family,
            self.language,
        ]


def _team_size(rng: random.Random) -> int:
    """Leaders with 1–40 employees, most with 8–25, as in public-sector units."""
    roll = rng.random()
    if roll < 0.08:
        return rng.randint(1, 4)
    if roll < 0.85:
        return rng.randint(5, 25)
    return rng.randint(26, 40)


def _slug(text: str) -> str:
    lower = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    plain = unicodedata.normalize("NFKD", lower).encode("ascii", "ignore").decode()
    return "".join(c for c in plain if c.isalnum() or c == ".").strip(".")


def generate(
    employees: int, *, name: str = "Fjordby Kommune", domain: str = "fjordby.example", seed: int = 1
) -> list[FictivePerson]:
    """A fictive organisation of about `employees` people (leaders included)."""
    rng = random.Random(seed)  # noqa: S311 (fictive data, not secrets)
    fake = Faker("da_DK")
    fake.seed_instance(seed)
    people: list[FictivePerson] = []
    emails: set[str] = set()
    unit_leader: dict[str, str] = {}

    def person(unit: str, leader: bool, job: str, reports_to: str = "") -> FictivePerson:
        full_name = f"{fake.first_name()} {fake.last_name()}"
        local = _slug(full_name.replace(" ", "."))
        email = f"{local}@{domain}"
        number = 2
        while email in emails:
            email = f"{local}{number}@{domain}"
            number += 1
        emails.add(email)
        row = FictivePerson(
            employee_id=str(100_000 + len(people)),
            name=full_name,
            email=email,
            unit=unit,
            is_leader=leader,
            reports_to=reports_to,
            job_family=job,
            language="en" if rng.random() < 0.03 else "da",
        )
        people.append(row)
        if leader:
            unit_leader[unit] = row.employee_id
        return row

    def led_unit(path: str, title: str) -> None:
        if path not in unit_leader:
            person(path, True, title)

    led_unit(name, "Kommunaldirektør")
    areas = list(AREAS.items())
    counters: dict[str, int] = {}
    while len(people) < employees:
        forvaltning, (omraader, jobs, words) = rng.choice(areas)
        f_path = f"{name}{PATH_SEPARATOR}{forvaltning}"
        led_unit(f_path, "Direktør")
        omraade = rng.choice(omraader)
        o_path = f"{f_path}{PATH_SEPARATOR}{omraade}"
        led_unit(o_path, "Chef")
        word = rng.choice(words)
        key = f"{o_path}|{word}"
        counters[key] = counters.get(key, 0) + 1
        place = PLACES[(counters[key] - 1) % len(PLACES)]
        suffix = "" if counters[key] <= len(PLACES) else f" {counters[key] // len(PLACES) + 1}"
        leaf = f"{o_path}{PATH_SEPARATOR}{word} {place}{suffix}"
        # Some institutions are split into teams with their own leaders: deeper trees.
        depth = rng.random()
        leaves = [leaf]
        if depth < 0.3:
            led_unit(leaf, "Institutionsleder")
            leaves = [
                f"{leaf}{PATH_SEPARATOR}{team}" for team in rng.sample(TEAMS, rng.randint(2, 4))
            ]
        for unit in leaves:
            leaderless = rng.random() < 0.01
            if not leaderless:
                led_unit(unit, "Leder")
            for _ in range(_team_size(rng)):
                if len(people) >= employees:
                    break
                # A few report to someone other than their unit's leader (refererer_til).
                other = ""
                if not leaderless and rng.random() < 0.01:
                    other = unit_leader.get(o_path, "")
                person(unit, False, rng.choice(jobs), other)
    return people


def to_csv(people: list[FictivePerson], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """The organisation as Danish Excel saves a CSV file."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(row.cells() for row in people)
    return buffer.getvalue().encode(encoding)


def to_xlsx(people: list[FictivePerson]) -> bytes:
    """The organisation as an Excel workbook."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Medarbejdere")
    sheet.append(HEADER)
    for row in people:
        sheet.append(row.cells())
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
