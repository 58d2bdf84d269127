"""Competence programmes: define, change, register attendance, and compute the effect.

Every change is atomic, checks everything before it writes, takes the acting user, writes an
audit line and raises `ProgrammeInvalid` with every problem in Danish (or the active language).
"""

from dataclasses import dataclass, field, replace
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from omstil.accounts.models import User
from omstil.core.audit import audit
from omstil.organisations.models import PATH_SEPARATOR, Organisation, Person, Unit
from omstil.programmes.access import own_participations
from omstil.programmes.effect import Distribution, ItemEffect, item_effect
from omstil.programmes.models import (
    Attendance,
    Element,
    MaterialLink,
    Module,
    Participant,
    Programme,
)
from omstil.reports import crosscut
from omstil.reports.comparisons import MIN_OTHER_LEADERS
from omstil.reports.crosscut import Pool
from omstil.reports.figures import RoundFigures, View, compute, leader_key
from omstil.responses.questionnaire import build_pages
from omstil.rounds.models import EvaluatedLeader, Round

# A pool is shown only when it holds at least this many leaders: the rule of the comparisons in
# the leader's report, so that no pool comes close to one named leader's result.
MIN_POOL_LEADERS = MIN_OTHER_LEADERS


class ProgrammeInvalid(Exception):
    """The change was refused; `errors` are (form field or None, message) pairs."""

    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(message for _field, message in errors))
        self.errors = errors

    @property
    def messages(self) -> list[str]:
        return [message for _field, message in self.errors]


@dataclass
class ParticipantRule:
    """A rule that chooses the participants: every active leader, the active leaders of some
    units and every unit below them, or the active leaders at one level (`Programme.Level`)."""

    kind: str  # Programme.Rule, not HAND
    units: list[str] = field(default_factory=list)  # unit paths, for Rule.UNITS
    level: str = ""  # Programme.Level, for Rule.LEVEL


@dataclass
class ProgrammeSetup:
    """What HR decides about a programme; rounds by id, participants by employee id.

    With a `rule`, the rule chooses the participants when the programme is saved and
    `participants` is not read; without one, `participants` are the leaders hand-picked.
    """

    name: str
    starts_on: date
    ends_on: date
    description: str = ""
    participants: list[str] = field(default_factory=list)
    baseline_round: int | None = None
    follow_up_round: int | None = None
    rule: ParticipantRule | None = None


@dataclass
class MaterialLinkSetup:
    """A link in a module's material."""

    url: str
    title: str


@dataclass
class ModuleSetup:
    """One module: a title, its date, what it is about, which of the five elements of digital
    leadership it covers (`Element` values), and its material: a text and links."""

    title: str
    held_on: date
    content: str = ""
    elements: list[str] = field(default_factory=list)
    material: str = ""
    links: list[MaterialLinkSetup] = field(default_factory=list)


Errors = list[tuple[str | None, str]]


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def active_leaders(organisation: Organisation) -> QuerySet[Person]:
    """The leaders who may be enrolled: the organisation's active leaders."""
    return Person.objects.filter(organisation=organisation, is_leader=True, active=True).order_by(
        "name", "employee_id"
    )


def _under(path: str, units: set[str]) -> bool:
    """`path` is one of `units` or lies below one of them."""
    parts = path.split(PATH_SEPARATOR)
    return any(PATH_SEPARATOR.join(parts[: i + 1]) in units for i in range(len(parts)))


def leaders_at_level(organisation: Organisation, level: str) -> list[Person]:
    """The active leaders at a leadership level, by name.

    - top: the leaders of the top unit and of the units right below it (unit depth 0 or 1);
    - with_leaders: the leaders who are the nearest leader of at least one other active leader
      (the reporting lines derived from the HR file);
    - first_line: the leaders who are nobody's nearest leader: their own reports are employees.
    """
    leaders = list(active_leaders(organisation).select_related("unit"))
    if level == Programme.Level.TOP:
        return [person for person in leaders if person.unit.depth <= 1]
    above = {
        person.nearest_leader_employee_id
        for person in leaders
        if person.nearest_leader_employee_id
        and person.nearest_leader_employee_id != person.employee_id
    }
    if level == Programme.Level.WITH_LEADERS:
        return [person for person in leaders if person.employee_id in above]
    if level == Programme.Level.FIRST_LINE:
        return [person for person in leaders if person.employee_id not in above]
    raise ValueError(level)


def resolve_rule(organisation: Organisation, rule: ParticipantRule) -> tuple[list[str], Errors]:
    """The employee ids of the active leaders a rule chooses now, or what is wrong with it."""
    if rule.kind == Programme.Rule.ALL:
        return list(active_leaders(organisation).values_list("employee_id", flat=True)), []
    if rule.kind == Programme.Rule.UNITS:
        known = set(
            Unit.objects.filter(organisation=organisation, active=True).values_list(
                "path", flat=True
            )
        )
        wanted = list(dict.fromkeys(path.strip() for path in rule.units if path.strip()))
        if not wanted:
            return [], [("rule_units", _("Vælg mindst én enhed."))]
        errors: Errors = [
            ("rule_units", _("“%(unit)s” er ikke en enhed i organisationen.") % {"unit": path})
            for path in wanted
            if path not in known
        ]
        if errors:
            return [], errors
        chosen = set(wanted)
        return [
            person.employee_id
            for person in active_leaders(organisation).select_related("unit")
            if _under(person.unit.path, chosen)
        ], []
    if rule.kind == Programme.Rule.LEVEL:
        if rule.level not in Programme.Level.values:
            return [], [("rule_level", _("Vælg et ledelsesniveau."))]
        return [person.employee_id for person in leaders_at_level(organisation, rule.level)], []
    return [], [("participant_rule", _("Vælg, hvordan deltagerne skal vælges."))]


def rule_description(rule: dict[str, object]) -> str:
    """A stored rule in words, for the programme's page."""
    kind = rule.get("kind")
    if kind == Programme.Rule.UNITS:
        units = rule.get("units")
        return _("Ledere i enhederne %(units)s og enhederne under dem") % {
            "units": ", ".join(str(path) for path in units) if isinstance(units, list) else ""
        }
    if kind == Programme.Rule.LEVEL:
        levels = dict(Programme.Level.choices)
        return str(levels.get(str(rule.get("level")), ""))
    if kind == Programme.Rule.ALL:
        return _("Alle ledere")
    return _("Udvalgte ledere, valgt én for én")


def is_locked(programme: Programme) -> bool:
    """Participants and rounds are fixed once the follow-up round has closed.

    The groups compared must not be adjusted after their results are known, and changing them
    one leader at a time would show that leader's change in the report.
    """
    follow_up = programme.follow_up_round
    return follow_up is not None and follow_up.status == Round.Status.CLOSED


def _round(
    organisation: Organisation, round_id: int | None, name: str, error: str
) -> tuple[Round | None, list[tuple[str | None, str]]]:
    if round_id is None:
        return None, []
    round_ = Round.objects.filter(
        organisation=organisation, pk=round_id, kind=Round.Kind.EVALUATION
    ).first()
    if round_ is None:
        return None, [(name, error)]
    return round_, []


def _period_errors(setup: ProgrammeSetup, programme: Programme | None) -> Errors:
    """A name, a period that ends after it begins, and every module inside it."""
    errors: Errors = []
    if not setup.name.strip():
        errors.append(("name", _("Forløbet skal have et navn.")))
    if setup.ends_on < setup.starts_on:
        errors.append(("ends_on", _("Forløbet kan ikke slutte, før det begynder.")))
    elif programme is not None:
        for module in programme.modules.all():
            if not setup.starts_on <= module.held_on <= setup.ends_on:
                errors.append(
                    (
                        "ends_on" if module.held_on > setup.ends_on else "starts_on",
                        _("Modulet “%(title)s” (%(date)s) ligger uden for den nye periode.")
                        % {"title": module.title, "date": _day(module.held_on)},
                    )
                )
    return errors


def _rounds_in_order(baseline: Round | None, follow_up: Round | None) -> Errors:
    """The baseline and follow-up are two rounds, the baseline first."""
    if baseline is None or follow_up is None:
        return []
    if baseline.pk == follow_up.pk:
        return [
            (
                "follow_up_round",
                _("Førmålingen og eftermålingen skal være to forskellige runder."),
            )
        ]
    if baseline.opens_on >= follow_up.opens_on:
        return [("follow_up_round", _("Førmålingen skal åbne, før eftermålingen åbner."))]
    return []


def _participants(
    organisation: Organisation, wanted: list[str], enrolled: dict[str, Person]
) -> tuple[list[Person], Errors]:
    """The people asked for, each an active leader of the organisation or already enrolled."""
    leaders = {person.employee_id: person for person in active_leaders(organisation)}
    people: list[Person] = []
    errors: Errors = []
    for employee_id in wanted:
        person = enrolled.get(employee_id) or leaders.get(employee_id)
        if person is None:
            errors.append(
                (
                    "participants",
                    _("“%(id)s” er ikke en aktiv leder i organisationen.") % {"id": employee_id},
                )
            )
        else:
            people.append(person)
    return people, errors


def _locked_errors(
    programme: Programme,
    wanted: list[str],
    enrolled: dict[str, Person],
    rounds: tuple[Round | None, Round | None],
) -> Errors:
    """Once the follow-up has closed, the comparison is fixed: same participants, same rounds."""
    errors: Errors = []
    if set(wanted) != set(enrolled):
        errors.append(
            (
                "participants",
                _(
                    "Deltagerne kan ikke ændres, efter eftermålingen er lukket: "
                    "sammenligningen må ikke kunne tilpasses resultaterne."
                ),
            )
        )
    if rounds != (programme.baseline_round, programme.follow_up_round):
        errors.append(
            (
                "follow_up_round",
                _("Runderne kan ikke ændres, efter eftermålingen er lukket."),
            )
        )
    return errors


def _validate(
    organisation: Organisation, setup: ProgrammeSetup, programme: Programme | None
) -> tuple[list[Person], Round | None, Round | None]:
    """The participants and rounds of a valid set-up; ProgrammeInvalid with every problem."""
    errors = _period_errors(setup, programme)
    baseline, problems = _round(
        organisation,
        setup.baseline_round,
        "baseline_round",
        _("Førmålingen skal være en evalueringsrunde i organisationen."),
    )
    errors.extend(problems)
    follow_up, problems = _round(
        organisation,
        setup.follow_up_round,
        "follow_up_round",
        _("Eftermålingen skal være en evalueringsrunde i organisationen."),
    )
    errors.extend(problems)
    errors.extend(_rounds_in_order(baseline, follow_up))
    if setup.rule is not None:
        chosen, problems = resolve_rule(organisation, setup.rule)
        errors.extend(problems)
        if problems:
            raise ProgrammeInvalid(errors)
    else:
        chosen = setup.participants
    wanted = list(dict.fromkeys(employee_id.strip() for employee_id in chosen))
    # Leaders already enrolled stay, even if they have since left or stopped leading.
    enrolled = (
        {p.person.employee_id: p.person for p in programme.participants.select_related("person")}
        if programme is not None
        else {}
    )
    people, problems = _participants(organisation, wanted, enrolled)
    errors.extend(problems)
    if programme is not None and is_locked(programme):
        errors.extend(_locked_errors(programme, wanted, enrolled, (baseline, follow_up)))
    if errors:
        raise ProgrammeInvalid(errors)
    return people, baseline, follow_up


def _save(
    programme: Programme,
    setup: ProgrammeSetup,
    people: list[Person],
    baseline: Round | None,
    follow_up: Round | None,
) -> None:
    programme.name = setup.name.strip()
    programme.description = setup.description.strip()
    programme.starts_on = setup.starts_on
    programme.ends_on = setup.ends_on
    programme.baseline_round = baseline
    programme.follow_up_round = follow_up
    rule = setup.rule
    stored: dict[str, object] = {
        "kind": rule.kind if rule is not None else Programme.Rule.HAND.value,
        "count": len(people),
    }
    if rule is not None and rule.kind == Programme.Rule.UNITS:
        stored["units"] = list(dict.fromkeys(path.strip() for path in rule.units))
    if rule is not None and rule.kind == Programme.Rule.LEVEL:
        stored["level"] = rule.level
    current = (
        set(programme.participants.values_list("person_id", flat=True)) if programme.pk else set()
    )
    if (
        programme.pk is None
        or rule is not None
        or current != {person.pk for person in people}
        or not programme.participant_rule
    ):
        programme.participant_rule = stored
        programme.participants_chosen_at = timezone.now()
    programme.save()
    keep = {person.pk for person in people}
    # Leaving the programme takes the leader's attendance with it.
    programme.participants.exclude(person__in=keep).delete()
    present = set(programme.participants.values_list("person_id", flat=True))
    Participant.objects.bulk_create(
        [
            Participant(programme=programme, person=person)
            for person in people
            if person.pk not in present
        ]
    )


@transaction.atomic
def create_programme(
    organisation: Organisation, setup: ProgrammeSetup, *, actor: User | None = None
) -> Programme:
    """A new programme for the organisation, with its participants and rounds."""
    people, baseline, follow_up = _validate(organisation, setup, None)
    programme = Programme(organisation=organisation, created_by=actor)
    _save(programme, setup, people, baseline, follow_up)
    audit(
        "programme.create",
        actor=actor,
        organisation=organisation.slug,
        programme=programme.pk,
        participants=len(people),
        rule=setup.rule.kind if setup.rule is not None else Programme.Rule.HAND.value,
    )
    return programme


@transaction.atomic
def update_programme(
    programme: Programme, setup: ProgrammeSetup, *, actor: User | None = None
) -> Programme:
    """Change a programme's name, period, description, participants and rounds."""
    programme = _for_update(programme.pk)
    people, baseline, follow_up = _validate(programme.organisation, setup, programme)
    _save(programme, setup, people, baseline, follow_up)
    audit(
        "programme.update",
        actor=actor,
        organisation=programme.organisation.slug,
        programme=programme.pk,
        participants=len(people),
        rule=setup.rule.kind if setup.rule is not None else Programme.Rule.HAND.value,
    )
    return programme


def _for_update(programme_id: int) -> Programme:
    """The programme, locked until the transaction ends: its period and participants are what
    modules and attendance are checked against."""
    return Programme.objects.select_for_update().get(pk=programme_id)


URL_LENGTH = MaterialLink._meta.get_field("url").max_length or 1000
TITLE_LENGTH = MaterialLink._meta.get_field("title").max_length or 200
_web_address = URLValidator(schemes=["http", "https"])


def _link_errors(links: list[MaterialLinkSetup]) -> Errors:
    """Every link an http or https address with a title."""
    errors: Errors = []
    for link in links:
        url, title = link.url.strip(), link.title.strip()
        try:
            if len(url) > URL_LENGTH:
                raise ValidationError("too long")
            _web_address(url)
        except ValidationError:
            errors.append(
                (
                    "links",
                    _("“%(url)s” er ikke en webadresse, der begynder med http:// eller https://.")
                    % {"url": url},
                )
            )
            continue
        if not title:
            errors.append(("links", _("Linket %(url)s mangler en titel.") % {"url": url}))
        elif len(title) > TITLE_LENGTH:
            errors.append(
                (
                    "links",
                    _("Titlen på linket %(url)s er længere end %(max)s tegn.")
                    % {"url": url, "max": TITLE_LENGTH},
                )
            )
    return errors


def _elements(setup: ModuleSetup) -> tuple[list[str], Errors]:
    """The module's elements in the order of the five, or what is wrong with them."""
    wanted = set(setup.elements)
    unknown = wanted - set(Element.values)
    if unknown:
        return [], [
            ("elements", _("“%(value)s” er ikke et af de fem elementer.") % {"value": value})
            for value in sorted(unknown)
        ]
    if not wanted:
        return [], [("elements", _("Vælg mindst ét af de fem elementer, modulet handler om."))]
    return [value for value in Element.values if value in wanted], []


def _check_module(programme: Programme, setup: ModuleSetup) -> list[str]:
    """The module's elements, when everything about it is right; else ProgrammeInvalid."""
    errors: list[tuple[str | None, str]] = []
    if not setup.title.strip():
        errors.append(("title", _("Modulet skal have en titel.")))
    elements, problems = _elements(setup)
    errors.extend(problems)
    errors.extend(_link_errors(setup.links))
    if not programme.starts_on <= setup.held_on <= programme.ends_on:
        errors.append(
            (
                "held_on",
                _("Modulets dato skal ligge i forløbets periode, %(start)s–%(end)s.")
                % {"start": _day(programme.starts_on), "end": _day(programme.ends_on)},
            )
        )
    if errors:
        raise ProgrammeInvalid(errors)
    return elements


def _save_links(module: Module, links: list[MaterialLinkSetup]) -> None:
    module.links.all().delete()
    MaterialLink.objects.bulk_create(
        [
            MaterialLink(
                module=module, position=position, title=link.title.strip(), url=link.url.strip()
            )
            for position, link in enumerate(links)
        ]
    )


@transaction.atomic
def add_module(programme: Programme, setup: ModuleSetup, *, actor: User | None = None) -> Module:
    """A new module in the programme's period."""
    programme = _for_update(programme.pk)
    elements = _check_module(programme, setup)
    module = Module.objects.create(
        programme=programme,
        title=setup.title.strip(),
        held_on=setup.held_on,
        content=setup.content.strip(),
        elements=elements,
        material=setup.material.strip(),
    )
    _save_links(module, setup.links)
    audit(
        "programme.module.add",
        actor=actor,
        organisation=programme.organisation.slug,
        programme=programme.pk,
        module=module.pk,
    )
    return module


@transaction.atomic
def update_module(module: Module, setup: ModuleSetup, *, actor: User | None = None) -> Module:
    """Change a module's title, date or content."""
    elements = _check_module(_for_update(module.programme_id), setup)
    module.title = setup.title.strip()
    module.held_on = setup.held_on
    module.content = setup.content.strip()
    module.elements = elements
    module.material = setup.material.strip()
    module.save()
    _save_links(module, setup.links)
    audit(
        "programme.module.update",
        actor=actor,
        organisation=module.programme.organisation.slug,
        programme=module.programme_id,
        module=module.pk,
    )
    return module


@transaction.atomic
def delete_module(module: Module, *, actor: User | None = None) -> None:
    """Remove a module and its attendance."""
    audit(
        "programme.module.delete",
        actor=actor,
        organisation=module.programme.organisation.slug,
        programme=module.programme_id,
        module=module.pk,
    )
    module.delete()


@transaction.atomic
def set_attendance(module: Module, employee_ids: list[str], *, actor: User | None = None) -> int:
    """Record exactly these participants as having come to the module; how many came."""
    programme = _for_update(module.programme_id)
    participants = {
        participant.person.employee_id: participant
        for participant in programme.participants.select_related("person")
    }
    wanted = list(dict.fromkeys(employee_id.strip() for employee_id in employee_ids))
    errors: list[tuple[str | None, str]] = []
    for employee_id in wanted:
        if employee_id not in participants:
            person = Person.objects.filter(
                organisation=programme.organisation_id, employee_id=employee_id
            ).first()
            errors.append(
                (
                    "present",
                    _("%(name)s deltager ikke i forløbet og kan ikke registreres som mødt.")
                    % {"name": person.name if person else f"“{employee_id}”"},
                )
            )
    if errors:
        raise ProgrammeInvalid(errors)
    came = {participants[employee_id].pk for employee_id in wanted}
    module.attendance.exclude(participant__in=came).delete()
    already = set(module.attendance.values_list("participant_id", flat=True))
    Attendance.objects.bulk_create(
        [Attendance(module=module, participant_id=pk) for pk in came if pk not in already]
    )
    audit(
        "programme.attendance",
        actor=actor,
        organisation=programme.organisation.slug,
        programme=module.programme_id,
        module=module.pk,
        present=len(came),
    )
    return len(came)


def programme_rows(organisation: Organisation) -> QuerySet[Programme]:
    """The organisation's programmes, latest first, with their participant and module counts."""
    return organisation.programmes.annotate(
        participant_count=Count("participants", distinct=True),
        module_count=Count("modules", distinct=True),
    ).order_by("-starts_on", "-pk")


@dataclass
class ParticipantRow:
    """A participant and how many of the modules they came to."""

    participant: Participant
    attended: int


def participant_rows(programme: Programme) -> list[ParticipantRow]:
    """Every participant with their attendance count, by name."""
    rows = (
        programme.participants.select_related("person", "person__unit")
        .annotate(attended=Count("attendance"))
        .order_by("person__name", "person__employee_id")
    )
    return [ParticipantRow(row, row.attended) for row in rows]


def module_rows(programme: Programme) -> list[tuple[Module, int]]:
    """Every module with how many participants came, by date, with its links."""
    return [
        (module, module.came)
        for module in programme.modules.annotate(came=Count("attendance"))
        .prefetch_related("links")
        .order_by("held_on", "pk")
    ]


@dataclass
class ElementCoverage:
    """How many of a programme's modules cover one of the five elements."""

    key: str
    label: str
    modules: int


def element_coverage(modules: list[Module]) -> list[ElementCoverage]:
    """Each of the five elements with the number of modules that cover it, in the seed's order."""
    return [
        ElementCoverage(key, str(label), sum(1 for module in modules if key in module.elements))
        for key, label in Element.choices
    ]


@dataclass
class ModuleForParticipant:
    """A module as a participant sees it, with their own attendance.

    `attendance` is "present" when they are registered as having come, "not_registered" for a
    module that has been held without them registered, and None for one still to come.
    """

    module: Module
    attendance: str | None


@dataclass
class ParticipantView:
    """A participant's own programme: its modules, elements, material and their attendance."""

    participant: Participant
    programme: Programme
    modules: list[ModuleForParticipant]

    @property
    def attended(self) -> int:
        return sum(1 for row in self.modules if row.attendance == "present")

    @property
    def held(self) -> int:
        return sum(1 for row in self.modules if row.attendance is not None)


def participant_view(participant: Participant, today: date | None = None) -> ParticipantView:
    """What one participant sees of their programme: only their own attendance."""
    today = today or timezone.localdate()
    came = set(participant.attendance.values_list("module_id", flat=True))
    rows = []
    for module in participant.programme.modules.prefetch_related("links").order_by("held_on", "pk"):
        if module.pk in came:
            attendance: str | None = "present"
        elif module.held_on < today:
            attendance = "not_registered"
        else:
            attendance = None
        rows.append(ModuleForParticipant(module, attendance))
    return ParticipantView(participant, participant.programme, rows)


def programmes_of(user: User, today: date | None = None) -> list[ParticipantView]:
    """The programmes the signed-in account takes part in as an active leader, latest first."""
    return [participant_view(participant, today) for participant in own_participations(user)]


@dataclass
class EffectRow:
    """One statement of the effect report."""

    key: str
    theme: str
    text: str
    effect: ItemEffect


@dataclass
class EffectReport:
    """The effect report of a programme, after disclosure control.

    `ready` is False until both rounds are linked and closed; `rows` is empty until then.
    """

    programme: Programme
    ready: bool
    participants: int
    evaluated_in_both: int
    min_leaders: int
    rows: list[EffectRow]
    # The leaders evaluated in both rounds who are not participants: the comparison group.
    others_in_both: int = 0

    @property
    def comparison(self) -> str:
        """Whether there is a comparison group: "none" when every leader evaluated in both
        rounds takes part, "too_small" when fewer than the minimum do not, "hidden" when no
        statement shows it, "shown" otherwise; "" before the report is ready."""
        if not self.ready:
            return ""
        if self.others_in_both == 0:
            return "none"
        if self.others_in_both < self.min_leaders:
            return "too_small"
        if not any(row.effect.others is not None for row in self.rows):
            return "hidden"
        return "shown"


def _employee_figures(
    figures: RoundFigures, leaders: list[str], item: str
) -> dict[str, Distribution | None]:
    """Every evaluated leader's employee distribution for one statement; None where hidden."""
    shown: dict[str, Distribution | None] = {}
    for employee_id in leaders:
        figure = figures.group(leader_key(employee_id), "employee", item)
        shown[employee_id] = None if figure.suppressed else figure.distribution
    return shown


def _measured(programme: Programme, language: str = "da") -> "Measured | None":
    """What a programme's effect is made from, once both its rounds are closed."""
    baseline, follow_up = programme.baseline_round, programme.follow_up_round
    if (
        baseline is None
        or follow_up is None
        or baseline.status != Round.Status.CLOSED
        or follow_up.status != Round.Status.CLOSED
    ):
        return None
    before_leaders = list(
        EvaluatedLeader.objects.filter(round=baseline).values_list("employee_id", flat=True)
    )
    after_leaders = list(
        EvaluatedLeader.objects.filter(round=follow_up).values_list("employee_id", flat=True)
    )
    before, after = compute(baseline), compute(follow_up)
    asked_before = {
        statement.key
        for page in build_pages(baseline, "employee", language)
        for statement in page.statements
    }
    participants = set(programme.participants.values_list("person__employee_id", flat=True))
    in_both = set(before_leaders) & set(after_leaders)
    statements = []
    for page in build_pages(follow_up, "employee", language):
        for statement in page.statements:
            if statement.key not in asked_before:
                continue
            effect = item_effect(
                _employee_figures(before, before_leaders, statement.key),
                _employee_figures(after, after_leaders, statement.key),
                participants,
                MIN_POOL_LEADERS,
            )
            statements.append((page.title, statement.key, statement.text, effect))
    return Measured(
        baseline,
        follow_up,
        participants,
        len(participants & in_both),
        statements,
        before,
        after,
        len(in_both - participants),
    )


@dataclass
class Measured:
    baseline: Round
    follow_up: Round
    participants: set[str]
    evaluated_in_both: int
    statements: list[tuple[str, str, str, ItemEffect]]  # theme, key, text, effect
    before: RoundFigures
    after: RoundFigures
    others_in_both: int


def _pool_key(programme_id: int, group: str) -> tuple[str, int, str]:
    return ("programme", programme_id, group)


def programme_pools(round_: Round) -> dict[str, list[Pool]]:
    """The pools of leaders every programme of the organisation shows of `round_`, by
    statement: its participants and the other leaders, as `programme_effect` pools them, in the
    order the programmes were made (`omstil/reports/crosscut.py` decides them together)."""
    pools: dict[str, list[Pool]] = {}
    programmes = Programme.objects.filter(organisation_id=round_.organisation_id).filter(
        Q(baseline_round=round_) | Q(follow_up_round=round_)
    )
    for programme in programmes.select_related("baseline_round", "follow_up_round").order_by("pk"):
        measured = _measured(programme)
        if measured is None:
            continue
        for _theme, key, _text, effect in measured.statements:
            for group, change in (("participants", effect.participants), ("others", effect.others)):
                if change is not None:
                    pools.setdefault(key, []).append(
                        Pool(_pool_key(programme.pk, group), frozenset(change.leader_ids))
                    )
    return pools


def _viewer_view(round_: Round) -> View:
    """How the organisation's administrators, who see programmes, see the round's figures."""
    return View.FULL if round_.visibility.get("org_admins") else View.POOLED


def programme_effect(programme: Programme, language: str = "da") -> EffectReport:
    """Per statement: the change for participants and for the other leaders, and the difference;
    a group whose pools disclosure control hides in either round, beside everything else the
    viewer sees of the rounds, is left out with the reason."""
    measured = _measured(programme, language)
    if measured is None:
        participants = programme.participants.count()
        return EffectReport(programme, False, participants, 0, MIN_POOL_LEADERS, [])
    rows = []
    for theme, key, text, effect in measured.statements:
        hidden = {}
        for group in ("participants", "others"):
            for round_, figures in (
                (measured.baseline, measured.before),
                (measured.follow_up, measured.after),
            ):
                shown = crosscut.figure(
                    figures, _viewer_view(round_), _pool_key(programme.pk, group), key
                )
                if shown.suppressed:
                    hidden[group] = shown.reason
                    break
        if hidden:
            effect = replace(
                effect,
                participants=None if "participants" in hidden else effect.participants,
                others=None if "others" in hidden else effect.others,
                difference=None,
                participants_hidden=hidden.get("participants"),
                others_hidden=hidden.get("others"),
            )
        rows.append(EffectRow(key, theme, text, effect))
    return EffectReport(
        programme,
        True,
        len(measured.participants),
        measured.evaluated_in_both,
        MIN_POOL_LEADERS,
        rows,
        measured.others_in_both,
    )
