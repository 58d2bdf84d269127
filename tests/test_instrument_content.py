"""The shipped library: five instruments from the source documents, complete in both languages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from pydantic import BaseModel

from omstil.instruments.schema import InstrumentDocument, Kind, Role, Text
from omstil.instruments.validation import load_file

# Seed 003, "Ledelse af digital omstilling": the statements employees answer, verbatim.
DIGITAL_OMSTILLING = [
    "Min leder sikrer, at vores kompetencer er opdaterede med hensyn til den digitale udvikling",
    "Min leder kan forklare, hvorfor vi skal tage nye digitale teknologier i brug",
    "Min leder sikrer, at den digitale omstilling skaber værdi for borgerne/brugerne",
    "Min leder skaber en kultur, hvor vi går nysgerrigt og systematisk til nye digitale "
    "teknologier",
    "Min leder sikrer, at vi har styr på IT-sikkerheden i vores enhed",
]
SEED_003_INTRO = (
    "De næste spørgsmål handler om din oplevelse af, hvordan din leder arbejder med ledelse af "
    "digital omstilling. Med digital omstilling mener vi både at tage nye teknologier i brug, "
    "og at bruge eksisterende digitale teknologier på nye måder. Digitale teknologier kunne fx "
    "være kommunikationsteknologier, velfærdsteknologier, algoritmer og dokumentations- eller "
    "sagsbehandlingssystemer."
)
KEYS = [
    "digital-ledelse-fem-elementer",
    "digital-omstilling",
    "medarbejder-digitale-kompetencer",
    "ti-bud",
    "topleder-kompetencer",
]


def shipped(key: str) -> InstrumentDocument:
    doc, errors = load_file(Path(settings.INSTRUMENT_LIBRARY_DIR) / f"{key}.yaml")
    assert not errors, "\n".join(str(error) for error in errors)
    assert doc is not None
    return doc


def texts(value: object) -> list[Text]:
    """Every localized text anywhere inside a document."""
    if isinstance(value, Text):
        return [value]
    if isinstance(value, BaseModel):
        return [t for name in type(value).model_fields for t in texts(getattr(value, name))]
    if isinstance(value, dict):
        return [t for item in value.values() for t in texts(item)]
    if isinstance(value, list | tuple):
        return [t for item in value for t in texts(item)]
    return []


def test_the_library_holds_exactly_the_five_instruments():
    files = sorted(path.stem for path in Path(settings.INSTRUMENT_LIBRARY_DIR).glob("*.yaml"))
    assert files == KEYS


@pytest.mark.parametrize("key", KEYS)
def test_every_text_is_in_danish_and_in_english(key):
    doc = shipped(key)
    all_texts = texts(doc)
    assert len(all_texts) > 50
    for text in all_texts:
        assert text.da.strip()
        assert text.en.strip()
        if len(text.da) > 40:
            assert text.da != text.en, f"not translated: {text.da}"


@pytest.mark.parametrize("key", KEYS)
def test_every_theme_has_reflection_questions_examples_and_both_guides(key):
    doc = shipped(key)
    for theme in doc.themes:
        assert theme.focus_areas
        assert theme.reflection_questions
        assert theme.examples
    assert doc.guides.leader.sections
    assert doc.guides.organisation.sections


def test_digital_omstilling_has_the_five_statements_of_seed_003_verbatim():
    doc = shipped("digital-omstilling")
    assert doc.kind == Kind.EVALUATION
    assert doc.roles == [Role.EMPLOYEE, Role.SELF, Role.SUPERIOR, Role.PEER]
    assert [item.text[Role.EMPLOYEE].da for _, item in doc.items()] == DIGITAL_OMSTILLING
    assert doc.intro[Role.EMPLOYEE].da == SEED_003_INTRO
    assert doc.question.da == "Hvor enig er du i følgende udsagn?"


def test_digital_omstilling_words_self_and_superior_as_the_common_evaluation_does():
    doc = shipped("digital-omstilling")
    for _, item in doc.items():
        assert item.text[Role.SELF].da.startswith("Jeg ")
        assert item.text[Role.SUPERIOR].da.startswith("Lederen ")


def test_topleder_kompetencer_has_one_statement_per_competence_of_seed_000():
    doc = shipped("topleder-kompetencer")
    assert len(doc.items()) == 7
    assert Role.EMPLOYEE in doc.roles
    assert Role.SUPERIOR in doc.roles


def test_ti_bud_is_a_self_assessment_of_the_ten_demands_of_seed_001():
    doc = shipped("ti-bud")
    assert doc.kind == Kind.SELF_ASSESSMENT
    assert doc.roles == [Role.SELF]
    assert [item.key for _, item in doc.items()] == [f"bud-{n:02d}" for n in range(1, 11)]


def test_fem_elementer_covers_the_five_elements_of_seed_004_and_their_interplay():
    doc = shipped("digital-ledelse-fem-elementer")
    assert {item.key for _, item in doc.items()} >= {
        "ledelse",
        "it",
        "mennesker",
        "processer",
        "opgaver",
        "samspil",
    }


def test_medarbejder_digitale_kompetencer_is_an_aggregate_only_self_assessment():
    doc = shipped("medarbejder-digitale-kompetencer")
    assert doc.kind == Kind.SELF_ASSESSMENT
    assert doc.aggregate_only
    assert doc.roles == [Role.SELF]
    assert [theme.key for theme in doc.themes] == [
        "brug-af-systemer",
        "data",
        "informationssikkerhed",
        "teknologiforstaaelse",
        "kommunikation-og-samarbejde",
        "nye-digitale-arbejdsgange",
    ]
    assert all(2 <= len(theme.items) <= 3 for theme in doc.themes)


SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
# Words that change with who is speaking, and the source's "the top leader must be able to".
SPEAKER_WORDS = {"du", "dig", "din", "dit", "dine", "jer", "jeres", "toplederen", "skal", "kunne"}
SEEDED = {"ti-bud": "001", "topleder-kompetencer": "000"}


def seed_text(number: str) -> str:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return " ".join(path.read_text(encoding="utf-8").split())


def words(text: str) -> list[str]:
    return re.findall(r"[a-zæøå0-9]+", text.lower())


def missing_words(passage: str, statement: str) -> list[str]:
    """The source's words (four letters or more) that the statement does not keep, as often as
    the source says them. A word is kept by the same word, an inflection of it (the same first
    five letters) or a compound that holds it ("dataanalyser" for "data-analyser")."""
    said = words(statement)
    missing = []
    for word in sorted(set(words(passage))):
        if len(word) < 4 or word in SPEAKER_WORDS:
            continue
        needed = words(passage).count(word)
        kept = sum(1 for other in said if other.startswith(word[:5]) or word in other)
        if kept < needed:
            missing.append(word)
    return missing


@pytest.mark.parametrize("key", sorted(SEEDED))
def test_each_statement_keeps_every_word_of_the_seed_text_it_renders(key):
    doc = shipped(key)
    source = seed_text(SEEDED[key])
    for _, item in doc.items():
        assert item.seed, f"{item.key} names no passage of its source"
        for passage in item.seed:
            assert " ".join(passage.split()) in source, f"{item.key}: not in the seed: {passage}"
        for role, text in item.text.items():
            lost = missing_words(" ".join(item.seed), text.da)
            assert not lost, f"{item.key} ({role}) has lost {lost}"


def test_the_check_fails_a_statement_that_drops_a_clause():
    passage = "ikke overlader det til IT-afdelingen alene"
    assert missing_words(passage, "Jeg overlader det ikke til IT-afdelingen alene") == []
    assert missing_words(passage, "Jeg overlader det ikke til IT-afdelingen") == ["alene"]
    assert missing_words("igen og igen og igen", "Jeg gør det igen og igen") == ["igen"]


def test_the_seven_competences_carry_dansk_its_names_as_headings():
    doc = shipped("topleder-kompetencer")
    source = seed_text("000").lower()
    for _, item in doc.items():
        assert item.heading is not None, item.key
        assert f"{item.heading.da.lower()}:" in source, item.key
    statements = " ".join(item.text[Role.EMPLOYEE].da for _, item in doc.items())
    assert "alle strategiske beslutninger" in statements
    assert "digitalt mindset" in statements


@pytest.mark.parametrize("key", [k for k in KEYS if shipped(k).kind == Kind.EVALUATION])
def test_every_evaluation_theme_has_questions_for_the_meeting_with_the_employees(key):
    for theme in shipped(key).themes:
        assert len(theme.meeting_questions) >= 3, theme.key
        for question in theme.meeting_questions:
            assert question.da.endswith("?")
            assert question.en.endswith("?")
            # Asked of the group, not of the leader alone.
            assert re.search(r"\b(vi|os|vores)\b", question.da), question.da
