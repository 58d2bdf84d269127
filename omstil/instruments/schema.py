"""The shape of an instrument file (schema 1), as pydantic models.

Structure is checked here; rules that span several places in a file (every item worded for
every rater role, keys unique across the file) are checked in `validation.py`, which reports
them at the exact path where they break.
"""

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

LANGUAGES = ("da", "en")

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Role(StrEnum):
    """Who answers a statement (ratergruppe)."""

    EMPLOYEE = "employee"
    SELF = "self"
    SUPERIOR = "superior"
    PEER = "peer"


class Kind(StrEnum):
    """An evaluation is answered about a leader by others; a self-assessment by oneself alone."""

    EVALUATION = "evaluation"
    SELF_ASSESSMENT = "self_assessment"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Text(Strict):
    """A text in every language Omstil speaks: Danish and English."""

    da: NonEmpty
    en: NonEmpty

    @model_validator(mode="before")
    @classmethod
    def _known_languages(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [str(key) for key in data if key not in LANGUAGES]
            if unknown:
                raise PydanticCustomError(
                    "unknown_language",
                    "unknown language {languages}",
                    {"languages": ", ".join(unknown)},
                )
        return data


class Source(Strict):
    title: NonEmpty
    publisher: NonEmpty
    note: Text | None = None


class Example(Strict):
    title: Text
    text: Text


class Item(Strict):
    """A statement (udsagn) with a key that never changes and a wording per rater role.

    `heading` is the source's own name for what the statement asks about, shown above it
    wherever it is read; `seed` holds the passages of the source the statement renders, word for
    word, so that a test can tell when a statement has lost words of its source."""

    key: Slug
    heading: Text | None = None
    seed: list[NonEmpty] = Field(default_factory=list)
    text: dict[Role, Text] = Field(min_length=1)


class Theme(Strict):
    key: Slug
    title: Text
    description: Text
    why: Text
    focus_areas: list[Text] = Field(min_length=1)
    reflection_questions: list[Text] = Field(min_length=1)
    # For the leader's dialogue meeting with the employees, phrased for the group ("vi", "os"):
    # the reflection questions above are the leader's own and stay with the report.
    meeting_questions: list[Text] = Field(default_factory=list)
    examples: list[Example] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)


class GuideSection(Strict):
    heading: Text
    paragraphs: list[Text] = Field(default_factory=list)
    points: list[Text] = Field(default_factory=list)


class Guide(Strict):
    title: Text
    intro: Text
    sections: list[GuideSection] = Field(min_length=1)


class Guides(Strict):
    """One guide for the leader's own leadership, one for the organisation's strategic effort."""

    leader: Guide
    organisation: Guide


class InstrumentDocument(Strict):
    """An instrument file, schema 1."""

    schema_: Literal[1] = Field(alias="schema")
    key: Slug
    kind: Kind
    aggregate_only: bool = False
    roles: list[Role] = Field(min_length=1)
    title: Text
    summary: Text
    source: Source
    question: Text
    intro: dict[Role, Text] = Field(default_factory=dict)
    themes: list[Theme] = Field(min_length=1)
    guides: Guides

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def items(self) -> list[tuple[Theme, Item]]:
        """Every statement with its theme, in the order of the file."""
        return [(theme, item) for theme in self.themes for item in theme.items]
