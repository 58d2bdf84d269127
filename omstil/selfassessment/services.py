"""Taking, saving, completing, comparing and deleting private self-assessments.

Every function takes the owner's own object, found through `access_self_assessment`; nothing
here reads another user's self-assessment.
"""

import contextlib
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from omstil.accounts.models import User
from omstil.core.audit import audit
from omstil.core.i18n import localized
from omstil.instruments.models import InstrumentVersion
from omstil.instruments.scale import PREFER_NOT, SCALE, parse_answer
from omstil.instruments.services import latest_versions
from omstil.selfassessment.models import ReflectionNote, SelfAssessment, SelfAssessmentAnswer

ROLE = "self"
NOTE_MAX = 4000
# Evaluation instruments that the library also offers as a private self-assessment. The Dansk IT
# framework (seed 000) is written for both top-leader evaluation and self-assessment.
ALSO_SELF_ASSESSMENTS = frozenset({"topleder-kompetencer"})


class SelfAssessmentError(Exception):
    """A request the service refuses; `message` is for the user, `status` the HTTP status."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(SelfAssessmentError):
    """No such self-assessment of this user (another user's looks exactly the same)."""

    status = 404


class BadInput(SelfAssessmentError):
    """An answer to a statement not on the page, a value off the scale, a note too long."""

    status = 400


class AlreadyCompleted(SelfAssessmentError):
    """A completed self-assessment is a record of a moment; it is not changed afterwards."""

    status = 409


@dataclass(frozen=True)
class Statement:
    """One statement as the owner reads it; `key` is stable across instrument versions, and
    `heading` is the source's name for it or else its number in the whole instrument (the ten
    pointers are numbered 1 to 10 across their themes, as their source numbers them)."""

    key: str
    text: str
    heading: str = ""


@dataclass(frozen=True)
class Page:
    """One theme of the instrument: its statements and its reflection questions."""

    number: int
    theme_key: str
    title: str
    description: str
    statements: list[Statement]
    reflection_questions: list[str]


@dataclass(frozen=True)
class Saved:
    """What the owner has saved so far: answers by statement key, notes by theme key."""

    answers: dict[str, str]
    notes: dict[str, str]


@dataclass(frozen=True)
class StatementResult:
    """One statement on the result page, with the answer given last time and the change."""

    key: str
    text: str
    heading: str
    value: str | None
    previous: str | None
    change: int | None


@dataclass(frozen=True)
class ThemeResult:
    """One theme on the result page."""

    title: str
    note: str
    previous_note: str
    reflection_questions: list[str]
    statements: list[StatementResult]
    mean: float | None
    previous_mean: float | None

    @property
    def change(self) -> float | None:
        if self.mean is None or self.previous_mean is None:
            return None
        return round(self.mean - self.previous_mean, 1)


@dataclass(frozen=True)
class Result:
    """A completed self-assessment beside the owner's previous one of the same instrument."""

    assessment: SelfAssessment
    previous: SelfAssessment | None
    themes: list[ThemeResult]


@dataclass(frozen=True)
class Sitting:
    """A completed self-assessment in the overview: the mean of its answers, the change since
    the one before."""

    assessment: SelfAssessment
    mean: float | None
    change: float | None


@dataclass
class InstrumentRow:
    """The overview of one instrument: whether it can be started, the draft, completed ones."""

    version: InstrumentVersion
    offered: bool
    draft: SelfAssessment | None = None
    completed: list[Sitting] = field(default_factory=list)


def is_offered(version: InstrumentVersion) -> bool:
    """Whether the library offers this version as a private self-assessment."""
    if version.aggregate_only or ROLE not in version.roles:
        return False
    return version.kind == "self_assessment" or version.instrument.key in ALSO_SELF_ASSESSMENTS


def offered_versions() -> list[InstrumentVersion]:
    """The newest version of every instrument that can be taken as a private self-assessment."""
    return [version for version in latest_versions() if is_offered(version)]


def access_self_assessment(
    user: AbstractBaseUser | AnonymousUser, assessment_id: uuid.UUID | str
) -> SelfAssessment:
    """The user's own self-assessment with this id; NotFound for anyone else's or none."""
    try:
        wanted = assessment_id if isinstance(assessment_id, uuid.UUID) else uuid.UUID(assessment_id)
    except ValueError:
        wanted = None
    assessment = None
    if wanted is not None and isinstance(user, User) and user.is_active:
        assessment = (
            SelfAssessment.objects.select_related("version__instrument")
            .filter(owner=user, pk=wanted)
            .first()
        )
    if assessment is None:
        raise NotFound(_("Selvvurderingen findes ikke."))
    return assessment


def overview(user: User) -> list[InstrumentRow]:
    """Every instrument the user can take or has taken, with their drafts and completed ones."""
    rows = {version.instrument_id: InstrumentRow(version, True) for version in offered_versions()}
    assessments = (
        SelfAssessment.objects.filter(owner=user)
        .select_related("version__instrument")
        .order_by("-completed_at", "-started_at")
    )
    values: dict[uuid.UUID, list[str | None]] = defaultdict(list)
    for assessment_id, value in SelfAssessmentAnswer.objects.filter(
        assessment__owner=user, assessment__status=SelfAssessment.Status.COMPLETED
    ).values_list("assessment_id", "value"):
        values[assessment_id].append(value)
    completed: dict[int, list[SelfAssessment]] = defaultdict(list)
    for assessment in assessments:
        row = rows.get(assessment.instrument_id)
        if row is None:
            row = rows[assessment.instrument_id] = InstrumentRow(assessment.version, False)
        if assessment.is_completed:
            completed[assessment.instrument_id].append(assessment)
        else:
            row.draft = assessment
    for instrument_id, newest_first in completed.items():
        means = [mean(values[assessment.pk]) for assessment in newest_first]
        rows[instrument_id].completed = [
            Sitting(assessment, now, _difference(now, means[index + 1 :]))
            for index, (assessment, now) in enumerate(zip(newest_first, means, strict=True))
        ]
    return sorted(rows.values(), key=lambda row: (not row.offered, row.version.localized_title()))


def _difference(now: float | None, earlier: list[float | None]) -> float | None:
    if now is None or not earlier or earlier[0] is None:
        return None
    return round(now - earlier[0], 1)


def start_self_assessment(user: User, instrument_key: str) -> SelfAssessment:
    """A new draft of the instrument's newest version, or the draft the user already has."""
    version = next(
        (v for v in offered_versions() if v.instrument.key == instrument_key),
        None,
    )
    if version is None:
        raise NotFound(_("Instrumentet kan ikke bruges som selvvurdering."))
    existing = _draft(user, version)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            created = SelfAssessment.objects.create(
                owner=user, instrument=version.instrument, version=version
            )
            audit("selfassessment.start", actor=user, assessment=str(created.pk))
            return created
    except IntegrityError:
        # The same start posted twice at once: the constraint kept one draft; use it.
        existing = _draft(user, version)
        if existing is None:
            raise
        return existing


def _draft(user: User, version: InstrumentVersion) -> SelfAssessment | None:
    return (
        SelfAssessment.objects.select_related("version__instrument")
        .filter(owner=user, instrument_id=version.instrument_id, status=SelfAssessment.Status.DRAFT)
        .first()
    )


def _number(number: int, count: int, language: str | None) -> str:
    with translation.override(language) if language else contextlib.nullcontext():
        return _("Udsagn %(number)d af %(count)d") % {"number": number, "count": count}


def pages(version: InstrumentVersion, language: str | None = None) -> list[Page]:
    """One page per theme, the statements in the leader's own wording."""
    themes = list(version.themes.prefetch_related("items").order_by("position"))
    count = sum(len(theme.items.all()) for theme in themes)
    return [
        Page(
            number=number,
            theme_key=theme.key,
            title=localized(theme.title, language),
            description=localized(theme.content.get("description"), language),
            statements=[
                Statement(
                    item.key,
                    item.wording(ROLE, language),
                    item.localized_heading(language) or _number(item.position + 1, count, language),
                )
                for item in sorted(theme.items.all(), key=lambda item: item.position)
            ],
            reflection_questions=[
                localized(question, language)
                for question in theme.content.get("reflection_questions", [])
            ],
        )
        for number, theme in enumerate(themes, start=1)
    ]


def saved(assessment: SelfAssessment) -> Saved:
    """The answers and notes saved so far."""
    return Saved(
        answers=dict(assessment.answers.values_list("item_key", "value")),
        notes=dict(assessment.notes.values_list("theme_key", "text")),
    )


def resume_page(assessment: SelfAssessment, page_count: int) -> int:
    """The page a draft continues on: the one after the furthest page saved."""
    return max(1, min(assessment.pages_saved + 1, page_count))


def _offered(value: str) -> bool:
    """An answer on the scale that a self-assessment offers (all but "Ønsker ikke at oplyse").

    "Ønsker ikke at oplyse" protects a respondent from others; in a private assessment there is
    nobody to withhold an answer from, so the scale stops at "Ved ikke".
    """
    try:
        return parse_answer(value) != PREFER_NOT
    except ValueError:
        return False


def check_page(page: Page, answers: Mapping[str, str], note: str) -> tuple[dict[str, str], str]:
    """The answers and note if they fit the page, else BadInput saying what is wrong."""
    keys = {statement.key for statement in page.statements}
    checked: dict[str, str] = {}
    for key, value in answers.items():
        if key not in keys:
            raise BadInput(
                _("Udsagnet “%(key)s” hører ikke til denne side. Intet er gemt.") % {"key": key}
            )
        if not _offered(value):
            raise BadInput(
                _("“%(value)s” er ikke et svar på skalaen. Intet er gemt.") % {"value": value}
            )
        checked[key] = value
    text = note.strip()
    if "\x00" in text:
        raise BadInput(_("Noten indeholder et ugyldigt tegn. Intet er gemt."))
    if len(text) > NOTE_MAX:
        raise BadInput(
            _("Noten er for lang: højst %(max)s tegn. Intet er gemt.") % {"max": NOTE_MAX}
        )
    return checked, text


@transaction.atomic
def save_page(
    assessment: SelfAssessment,
    page: Page,
    answers: Mapping[str, str],
    note: str,
    *,
    complete: bool = False,
) -> SelfAssessment:
    """Store one page's answers and note, replacing what was saved for it; with `complete`,
    complete the self-assessment. All or nothing."""
    checked, text = check_page(page, answers, note)
    locked = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_completed:
        raise AlreadyCompleted(_("Selvvurderingen er afsluttet og kan ikke ændres."))
    SelfAssessmentAnswer.objects.filter(
        assessment=locked, item_key__in=[statement.key for statement in page.statements]
    ).delete()
    SelfAssessmentAnswer.objects.bulk_create(
        SelfAssessmentAnswer(assessment=locked, item_key=key, value=value)
        for key, value in checked.items()
    )
    if text:
        ReflectionNote.objects.update_or_create(
            assessment=locked, theme_key=page.theme_key, defaults={"text": text}
        )
    else:
        ReflectionNote.objects.filter(assessment=locked, theme_key=page.theme_key).delete()
    now = timezone.now()
    locked.pages_saved = max(locked.pages_saved, page.number)
    locked.updated_at = now
    if complete:
        locked.status = SelfAssessment.Status.COMPLETED
        locked.completed_at = now
    locked.save(update_fields=["pages_saved", "updated_at", "status", "completed_at"])
    # Which page was saved, never what it says: the answers and notes are the owner's alone.
    audit(
        "selfassessment.complete" if complete else "selfassessment.save",
        actor=locked.owner,
        assessment=str(locked.pk),
        page=page.number,
    )
    return locked


@transaction.atomic
def delete_self_assessment(assessment: SelfAssessment) -> None:
    """Delete the self-assessment with its answers and notes."""
    audit("selfassessment.delete", actor=assessment.owner, assessment=str(assessment.pk))
    SelfAssessment.objects.filter(pk=assessment.pk).delete()


def previous_completed(assessment: SelfAssessment) -> SelfAssessment | None:
    """The owner's completed self-assessment of the same instrument just before this one."""
    if assessment.completed_at is None:
        return None
    return (
        SelfAssessment.objects.filter(
            owner_id=assessment.owner_id,
            instrument_id=assessment.instrument_id,
            status=SelfAssessment.Status.COMPLETED,
            completed_at__lt=assessment.completed_at,
        )
        .order_by("-completed_at")
        .first()
    )


def change(value: str | None, previous: str | None) -> int | None:
    """The change from the previous answer, when both are points on the scale (1–5)."""
    if value is None or previous is None or not value.isdigit() or not previous.isdigit():
        return None
    return int(value) - int(previous)


def mean(values: Sequence[str | None]) -> float | None:
    """The mean of the points on the scale, "Ved ikke" and unanswered left out."""
    points = [int(value) for value in values if value is not None and value.isdigit()]
    return round(sum(points) / len(points), 1) if points else None


def result(assessment: SelfAssessment, language: str | None = None) -> Result:
    """Per theme and statement: the answer, the previous answer and the change; the notes."""
    previous = previous_completed(assessment)
    now = saved(assessment)
    before = saved(previous) if previous else Saved({}, {})
    themes = []
    for page in pages(assessment.version, language):
        statements = [
            StatementResult(
                key=statement.key,
                text=statement.text,
                heading=statement.heading,
                value=now.answers.get(statement.key),
                previous=before.answers.get(statement.key),
                change=change(now.answers.get(statement.key), before.answers.get(statement.key)),
            )
            for statement in page.statements
        ]
        themes.append(
            ThemeResult(
                title=page.title,
                note=now.notes.get(page.theme_key, ""),
                previous_note=before.notes.get(page.theme_key, ""),
                reflection_questions=page.reflection_questions,
                statements=statements,
                mean=mean([row.value for row in statements]),
                previous_mean=mean([row.previous for row in statements]) if previous else None,
            )
        )
    return Result(assessment, previous, themes)


def answer_labels() -> dict[str, str]:
    """The label of every answer value in the active language, e.g. "4" → "Enig"."""
    return {str(option.value): str(option.label) for option in SCALE if _offered(str(option.value))}
