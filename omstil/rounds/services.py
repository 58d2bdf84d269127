"""Running a round: create, open (freeze and invite), remind, close, follow the response rate.

A round is a 360° evaluation of leaders, or a mapping (kortlægning) in which every employee rates
their own competences with an aggregate-only self-assessment instrument (docs/mapping.md).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omstil.accounts.models import User
from omstil.core.audit import audit
from omstil.instruments.models import InstrumentVersion
from omstil.instruments.services import get_version
from omstil.lib.job_families import coarsen, normalise
from omstil.organisations.models import PATH_SEPARATOR, Organisation, Person
from omstil.rounds import reminders, tokens
from omstil.rounds.models import (
    COMPETENCE_GROUP,
    RATER_GROUPS,
    EvaluatedLeader,
    Invitation,
    LocalStatement,
    Reminder,
    Round,
    RoundInstrument,
)

MAX_THEMES_WITHOUT_WARNING = 4
# Instruments whose statements are about a top leader ("Min topleder …"): a round with one of
# them must be aimed at top leaders or at leaders with leaders below them (docs/rounds.md).
TOP_LEADER_INSTRUMENTS = frozenset({"topleder-kompetencer"})
# Why a round that has opened is neither edited nor deleted (the pages say it before asking).
EDIT_REFUSED = gettext_lazy("Runden er allerede åbnet, så dens opsætning kan ikke længere ændres.")
DELETE_REFUSED = gettext_lazy("Kun en kladde kan slettes. Denne runde er allerede åbnet.")
DEFAULT_VISIBILITY = {
    "leader": True,
    "superior": True,
    "org_admins": False,
    "employee_version": True,
    # HR's follow-up list: whether each leader's talk, meeting and plan are done (status only).
    "follow_up": True,
}
# A mapping has no leader reports: who sees its pooled figures is fixed (docs/mapping.md).
MAPPING_VISIBILITY = {
    "leader": False,
    "superior": False,
    "org_admins": False,
    "employee_version": False,
    "follow_up": False,
}


def is_mapping_instrument(version: InstrumentVersion) -> bool:
    """An instrument for mapping employees' own competences: a self-assessment shown only
    pooled (`aggregate_only`), such as `medarbejder-digitale-kompetencer`."""
    return version.kind == "self_assessment" and version.aggregate_only


class RoundInvalid(Exception):
    """The round cannot be created or changed as asked; `errors` says why."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class RoundSetup:
    """Everything HR decides before a round opens."""

    name: str
    instruments: list[str]
    opens_on: date
    closes_on: date
    themes: dict[str, list[str]] = field(default_factory=dict)
    min_group_size: int | None = None
    rater_groups: list[str] = field(default_factory=lambda: ["employee", "self", "superior"])
    comment_field: bool = False
    announce_reports: bool = True
    leader_units: list[str] = field(default_factory=list)
    exclude_leaders_since: date | None = None
    reminder_dates: list[date] = field(default_factory=list)
    visibility: dict[str, bool] = field(default_factory=lambda: dict(DEFAULT_VISIBILITY))
    local_statements: list[dict[str, str]] = field(default_factory=list)
    leader_level: str = Round.LeaderLevel.ALL


@dataclass
class Created:
    round: Round
    warnings: list[str]


@dataclass
class _Checked:
    versions: list[InstrumentVersion]
    kind: str
    errors: list[str]
    warnings: list[str]


def _schedule_errors(organisation: Organisation, setup: RoundSetup) -> list[str]:
    """A name, dates in order, a minimum group size of at least 3, reminders while it is open."""
    errors = []
    if not setup.name.strip():
        errors.append(_("Runden skal have et navn."))
    if setup.closes_on < setup.opens_on:
        errors.append(_("Runden kan ikke lukke, før den åbner."))
    minimum = organisation.min_group_size if setup.min_group_size is None else setup.min_group_size
    if minimum < 3:
        errors.append(_("Mindste gruppestørrelse kan ikke være under 3."))
    if len(setup.reminder_dates) > 2:
        errors.append(_("Der kan højst sendes to påmindelser."))
    for day in setup.reminder_dates:
        if not setup.opens_on <= day <= setup.closes_on:
            errors.append(_("En påmindelse skal ligge, mens runden er åben."))
    return errors


@dataclass
class _Instruments:
    """The instruments a set-up names, split by kind, and how many themes they bring."""

    versions: list[InstrumentVersion] = field(default_factory=list)
    mapping: list[InstrumentVersion] = field(default_factory=list)
    themes: int = 0
    errors: list[str] = field(default_factory=list)


def _instruments(setup: RoundSetup) -> _Instruments:
    """Each named instrument exists, suits a round, and has the themes chosen from it."""
    found = _Instruments()
    if not setup.instruments and not setup.local_statements:
        found.errors.append(_("Vælg mindst ét instrument."))
    for key in setup.themes:
        if key not in setup.instruments:
            found.errors.append(
                _("Der er valgt temaer fra “%(key)s”, som ikke er et af rundens instrumenter.")
                % {"key": key}
            )
    for key in setup.instruments:
        try:
            version = get_version(key)
        except InstrumentVersion.DoesNotExist:
            found.errors.append(_("Instrumentet “%(key)s” findes ikke.") % {"key": key})
            continue
        if is_mapping_instrument(version):
            found.mapping.append(version)
        elif version.kind != "evaluation":
            found.errors.append(
                _("“%(key)s” er en selvevaluering og kan ikke bruges i en 360-graders runde.")
                % {"key": key}
            )
            continue
        chosen = setup.themes.get(key) or []
        available = list(version.themes.values_list("key", flat=True))
        for theme in chosen:
            if theme not in available:
                found.errors.append(
                    _("Instrumentet “%(key)s” har intet tema “%(theme)s”.")
                    % {"key": key, "theme": theme}
                )
        found.themes += len(chosen or available)
        found.versions.append(version)
    return found


def _rater_group_errors(setup: RoundSetup) -> list[str]:
    """Known rater groups, at least one (a mapping has its own and ignores these)."""
    errors = []
    unknown = [group for group in setup.rater_groups if group not in RATER_GROUPS]
    if unknown:
        errors.append(
            _("Ukendte svargrupper: %(groups)s (brug employee, self, superior, peer).")
            % {"groups": ", ".join(unknown)}
        )
    if not setup.rater_groups:
        errors.append(_("Vælg mindst én svargruppe."))
    return errors


def _validate(organisation: Organisation, setup: RoundSetup) -> _Checked:
    """Every reason the set-up cannot become a round, warnings, and the instruments it uses."""
    errors = _schedule_errors(organisation, setup)
    warnings: list[str] = []
    found = _instruments(setup)
    errors.extend(found.errors)
    if found.mapping:
        errors.extend(_mapping_errors(setup, found.versions, found.mapping))
    else:
        errors.extend(_rater_group_errors(setup))
        if found.themes > MAX_THEMES_WITHOUT_WARNING:
            warnings.append(
                _(
                    "Runden har %(count)s temaer. Mere end 4 temaer gør spørgeskemaet langt; "
                    "respondenter bør kunne svare på 10–15 minutter."
                )
                % {"count": found.themes}
            )
    for statement in setup.local_statements:
        if not statement.get("da", "").strip() or not statement.get("en", "").strip():
            errors.append(_("Et lokalt udsagn skal have en tekst på dansk og engelsk."))
    errors.extend(_leader_level_errors(setup, found))
    kind = Round.Kind.MAPPING if found.mapping else Round.Kind.EVALUATION
    return _Checked(found.versions, kind, errors, warnings)


def _leader_level_errors(setup: RoundSetup, found: _Instruments) -> list[str]:
    """A known leadership level; an instrument about top leaders is not put to every leader."""
    if setup.leader_level not in Round.LeaderLevel.values:
        return [
            _("Ukendt ledelsesniveau “%(level)s” (brug all, top eller leaders_of_leaders).")
            % {"level": setup.leader_level}
        ]
    if found.mapping:
        if setup.leader_level != Round.LeaderLevel.ALL:
            return [
                _(
                    "En kortlægning omfatter alle medarbejdere og kan ikke rettes mod et "
                    "ledelsesniveau. Vælg “Alle ledere” under “Hvem evalueres”."
                )
            ]
        return []
    errors = []
    if setup.leader_level == Round.LeaderLevel.ALL:
        for version in found.versions:
            if version.instrument.key in TOP_LEADER_INSTRUMENTS:
                errors.append(
                    _(
                        "Udsagnene i “%(key)s” handler om en topleder (“Min topleder …”), så "
                        "kan runden ikke evaluere alle ledere. Vælg under “Hvem evalueres” "
                        "topledere eller ledere med ledere under sig."
                    )
                    % {"key": version.instrument.key}
                )
    return errors


def _mapping_errors(
    setup: RoundSetup, versions: list[InstrumentVersion], mapping: list[InstrumentVersion]
) -> list[str]:
    """Why a round with a mapping instrument cannot be created as asked."""
    errors = []
    if len(versions) > len(mapping) or len(mapping) > 1:
        errors.append(
            _(
                "En kortlægning af medarbejdernes kompetencer kan ikke blandes med andre "
                "instrumenter. Vælg kun “%(key)s”, eller opret en runde for hver."
            )
            % {"key": mapping[0].instrument.key}
        )
    if setup.local_statements:
        errors.append(_("En kortlægning kan ikke have lokale udsagn."))
    if setup.comment_field:
        errors.append(
            _("En kortlægning har intet kommentarfelt: svarene vises kun samlet for grupper.")
        )
    return errors


def _checked(organisation: Organisation, setup: RoundSetup) -> _Checked:
    """The set-up validated; RoundInvalid with every reason it cannot be a round."""
    checked = _validate(organisation, setup)
    if checked.errors:
        raise RoundInvalid(checked.errors)
    return checked


def _settings(organisation: Organisation, setup: RoundSetup, checked: _Checked) -> dict[str, Any]:
    """The round's own fields as the set-up decides them (a mapping ignores what it has not)."""
    mapping = checked.kind == Round.Kind.MAPPING
    return {
        "name": setup.name.strip(),
        "kind": checked.kind,
        "opens_on": setup.opens_on,
        "closes_on": setup.closes_on,
        "min_group_size": (
            organisation.min_group_size if setup.min_group_size is None else setup.min_group_size
        ),
        "rater_groups": (
            [COMPETENCE_GROUP]
            if mapping
            else [group for group in RATER_GROUPS if group in setup.rater_groups]
        ),
        "comment_field": setup.comment_field,
        "announce_reports": not mapping and setup.announce_reports,
        "leader_units": setup.leader_units,
        "leader_level": Round.LeaderLevel.ALL if mapping else setup.leader_level,
        "exclude_leaders_since": None if mapping else setup.exclude_leaders_since,
        "reminder_dates": [day.isoformat() for day in sorted(setup.reminder_dates)],
        "visibility": (
            dict(MAPPING_VISIBILITY) if mapping else {**DEFAULT_VISIBILITY, **setup.visibility}
        ),
    }


def _write_contents(round_: Round, setup: RoundSetup, versions: list[InstrumentVersion]) -> None:
    """The round's instruments (with their chosen themes) and local statements, in order."""
    RoundInstrument.objects.bulk_create(
        RoundInstrument(
            round=round_,
            version=version,
            themes=setup.themes.get(version.instrument.key, []),
            position=position,
        )
        for position, version in enumerate(versions)
    )
    LocalStatement.objects.bulk_create(
        LocalStatement(
            round=round_,
            key=f"lokal-{position + 1}",
            text={"da": statement["da"].strip(), "en": statement["en"].strip()},
            position=position,
        )
        for position, statement in enumerate(setup.local_statements)
    )


@transaction.atomic
def create_round(
    organisation: Organisation, setup: RoundSetup, *, actor: User | None = None
) -> Created:
    """A draft round; raises RoundInvalid with every reason it cannot be created.

    A round whose only instrument is an aggregate-only self-assessment is a mapping round:
    every employee rates their own competences; rater groups and report visibility do not apply.
    """
    checked = _checked(organisation, setup)
    round_ = Round.objects.create(
        organisation=organisation, created_by=actor, **_settings(organisation, setup, checked)
    )
    _write_contents(round_, setup, checked.versions)
    audit("round.create", actor=actor, organisation=organisation.slug, round=round_.pk)
    return Created(round_, checked.warnings)


def _locked_draft(round_: Round, refusal: str) -> Round:
    """The round, locked for the change, if it is still a draft; RoundInvalid(refusal) if not."""
    locked = (
        Round.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=round_.pk)
    )
    if locked.status != Round.Status.DRAFT:
        raise RoundInvalid([refusal])
    return locked


@transaction.atomic
def update_round(round_: Round, setup: RoundSetup, *, actor: User | None = None) -> Created:
    """Rewrite a draft's set-up, instruments and local statements by the rules of
    `create_round`; raises RoundInvalid, changing nothing, when the set-up breaks one or the
    round is no longer a draft."""
    round_ = _locked_draft(round_, str(EDIT_REFUSED))
    organisation = round_.organisation
    checked = _checked(organisation, setup)
    for name, value in _settings(organisation, setup, checked).items():
        setattr(round_, name, value)
    round_.save()
    round_.instruments.all().delete()
    round_.local_statements.all().delete()
    _write_contents(round_, setup, checked.versions)
    audit("round.update", actor=actor, organisation=organisation.slug, round=round_.pk)
    return Created(round_, checked.warnings)


@transaction.atomic
def delete_round(round_: Round, *, actor: User | None = None) -> None:
    """Delete a draft with its instruments and local statements; an opened round is refused
    (its invitations and answers are the organisation's record)."""
    round_ = _locked_draft(round_, str(DELETE_REFUSED))
    pk, organisation = round_.pk, round_.organisation
    instruments = round_.instruments.count()
    statements = round_.local_statements.count()
    round_.delete()
    audit(
        "round.delete",
        actor=actor,
        organisation=organisation.slug,
        round=pk,
        instruments=instruments,
        local_statements=statements,
    )


def anonymity_text(round_: Round) -> dict[str, str]:
    """What respondents are told about anonymity, fixed when the round opens."""
    if round_.is_mapping:
        return _mapping_anonymity_text(round_)
    texts = {}
    for language in ("da", "en"):
        with translation.override(language):
            parts = [
                _(
                    "Dine svar er anonyme. Omstil gemmer ikke, hvem der har svaret hvad: din "
                    "invitation og dine svar gemmes adskilt, uden forbindelse mellem dem."
                ),
                _(
                    "Medarbejdernes svar vises kun samlet, og kun hvis mindst %(minimum)s har "
                    "svaret. Ellers vises de slet ikke."
                )
                % {"minimum": round_.min_group_size},
            ]
            if "employee" in round_.rater_groups:
                parts.append(
                    _(
                        "Medarbejdernes faggruppe gemmes sammen med deres svar, men kun hvis "
                        "mindst %(minimum)s i teamet har den samme faggruppe. Ellers tæller "
                        "svarene med under “Øvrige”."
                    )
                    % {"minimum": round_.min_group_size}
                )
            if "self" in round_.rater_groups or "superior" in round_.rater_groups:
                parts.append(
                    _(
                        "Lederens egne svar og den overordnede leders svar vises enkeltvis i "
                        "rapporten, for der er kun én, der svarer i de grupper."
                    )
                )
            if round_.comment_field:
                parts.append(
                    _(
                        "Kommentarer vises kun, hvis mange nok har svaret, og aldrig sammen med "
                        "dine øvrige svar. Skriv ikke noget, der afslører, hvem du er."
                    )
                )
            texts[language] = " ".join(parts)
    return texts


def _mapping_anonymity_text(round_: Round) -> dict[str, str]:
    texts = {}
    for language in ("da", "en"):
        with translation.override(language):
            texts[language] = " ".join(
                [
                    _(
                        "Dine svar er anonyme. Omstil gemmer ikke, hvem der har svaret hvad: din "
                        "invitation og dine svar gemmes adskilt, uden forbindelse mellem dem."
                    ),
                    _(
                        "Svarene vises kun samlet for grupper, hvor mindst %(minimum)s har "
                        "svaret, og aldrig for dig som enkeltperson – heller ikke for din leder "
                        "eller HR."
                    )
                    % {"minimum": round_.min_group_size},
                    _(
                        "Din faggruppe gemmes sammen med dine svar, men kun hvis mindst "
                        "%(minimum)s i dit team har den samme faggruppe. Ellers tæller dine svar "
                        "med under “Øvrige”."
                    )
                    % {"minimum": round_.min_group_size},
                ]
            )
    return texts


def _in_units(path: str, units: list[str]) -> bool:
    return not units or any(
        path == unit or path.startswith(unit + PATH_SEPARATOR) for unit in units
    )


# One rater of a planned leader: the person, and for an employee (or in a mapping, a team
# member) their job family as it is stored with their answers (blank for the other groups).
Rater = tuple[Person, str]


@dataclass
class PlannedLeader:
    """A leader the round would evaluate (in a mapping: a team's nearest leader) and who would
    be invited about them, by rater group, in the order the invitations are made."""

    person: Person
    raters: dict[str, list[Rater]]
    # The employees (or the team) are fewer than the minimum group size: no employee figures.
    below_minimum: bool = False

    def count(self, group: str) -> int:
        return len(self.raters.get(group, []))

    @property
    def total(self) -> int:
        return sum(len(raters) for raters in self.raters.values())


@dataclass
class Plan:
    """Who a round would evaluate and invite if it opened now, from the active people."""

    leaders: list[PlannedLeader]
    by_id: dict[str, Person]

    @property
    def total(self) -> int:
        return sum(planned.total for planned in self.leaders)


def active_people(round_: Round) -> list[Person]:
    """The organisation's active people as a round plans with them (with their units)."""
    return list(
        Person.objects.filter(organisation=round_.organisation, active=True).select_related("unit")
    )


def plan_round(round_: Round, people: list[Person]) -> Plan:
    """Who `round_` evaluates and who is invited about each, from `people`: the one selection
    that `open_round` freezes and HR sees beforehand. Pure: reads and writes nothing."""
    if round_.is_mapping:
        return _mapping_plan(round_, people)
    return _evaluation_plan(round_, people)


def round_plan(round_: Round) -> Plan:
    """`plan_round` with the organisation as it stands now (HR's view of a draft)."""
    return plan_round(round_, active_people(round_))


@transaction.atomic
def open_round(round_: Round, *, actor: User | None = None) -> int:
    """Freeze the organisation for the round, create its invitations and queue the e-mails."""
    round_ = (
        Round.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=round_.pk)
    )
    if round_.status != Round.Status.DRAFT:
        raise RoundInvalid([_("Runden er allerede åbnet.")])
    plan = plan_round(round_, active_people(round_))
    if not plan.leaders:
        raise RoundInvalid([_nobody_to_plan(round_)])
    evaluated = _freeze(round_, [planned.person for planned in plan.leaders], plan.by_id)
    invitations = [
        _invitation(round_, person, leader, group, family)
        for planned, leader in zip(plan.leaders, evaluated, strict=True)
        for group, raters in planned.raters.items()
        for person, family in raters
    ]
    Invitation.objects.bulk_create(invitations, batch_size=2000)
    round_.status = Round.Status.OPEN
    round_.opened_at = timezone.now()
    round_.anonymity_text = anonymity_text(round_)
    round_.save()
    audit(
        "round.open",
        actor=actor,
        organisation=round_.organisation.slug,
        round=round_.pk,
        invitations=len(invitations),
    )
    queue_delivery(round_)
    return len(invitations)


def _nobody_to_plan(round_: Round) -> str:
    """Why a round has nobody to evaluate (or map)."""
    if round_.is_mapping:
        return _("Der er ingen medarbejdere at kortlægge i de valgte enheder.")
    if round_.leader_level != Round.LeaderLevel.ALL:
        return _(
            "Der er ingen ledere at evaluere på det valgte ledelsesniveau i de valgte enheder."
        )
    return _("Der er ingen ledere at evaluere i de valgte enheder.")


def _freeze(
    round_: Round, leaders: list[Person], by_id: dict[str, Person]
) -> list[EvaluatedLeader]:
    """Copy the leaders as they stand now, with their superiors, and give the round its keys."""
    round_.token_salt = tokens.new_secret()
    round_.lookup_key = tokens.new_secret()
    return EvaluatedLeader.objects.bulk_create(
        EvaluatedLeader(
            round=round_,
            person=leader,
            employee_id=leader.employee_id,
            name=leader.name,
            unit_path=leader.unit.path,
            superior_employee_id=leader.nearest_leader_employee_id,
            email=leader.email,
            superior_email=(
                by_id[leader.nearest_leader_employee_id].email
                if leader.nearest_leader_employee_id in by_id
                else ""
            ),
        )
        for leader in leaders
    )


def _invitation(
    round_: Round, person: Person, leader: EvaluatedLeader, group: str, job_family: str = ""
) -> Invitation:
    token = tokens.token_for(round_.token_salt, person.pk, leader.employee_id, group)
    return Invitation(
        round=round_,
        person=person,
        name=person.name,
        email=person.email,
        language=person.language,
        leader=leader,
        rater_group=group,
        job_family=job_family,
        token_hash=tokens.invitation_hash(token),
    )


def _mapping_plan(round_: Round, people: list[Person]) -> Plan:
    """A mapping: each active person with a nearest leader rates their own competences.

    Every leader with someone reporting to them becomes a team (an EvaluatedLeader when the
    round opens); each team's job families are coarsened so that no stored family has fewer
    than the minimum.
    """
    by_id = {person.employee_id: person for person in people}
    team_of: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        leader_id = person.nearest_leader_employee_id
        if leader_id and leader_id != person.employee_id and leader_id in by_id:
            team_of[leader_id].append(person)
    leaders = sorted(
        (
            by_id[leader_id]
            for leader_id in team_of
            if _in_units(by_id[leader_id].unit.path, round_.leader_units)
        ),
        key=lambda leader: (leader.unit.path, leader.employee_id),
    )
    planned = []
    for leader in leaders:
        members = team_of[leader.employee_id]
        raters = list(zip(members, _team_families(round_, members), strict=True))
        planned.append(
            PlannedLeader(
                leader,
                {COMPETENCE_GROUP: raters},
                below_minimum=len(members) < round_.min_group_size,
            )
        )
    return Plan(planned, by_id)


def _team_families(round_: Round, members: list[Person]) -> list[str]:
    """Each member's job family as it is stored with their answers: coarsened within the
    team, so that no stored family has fewer than the minimum group size (blank: other)."""
    families = [normalise(member.job_family) for member in members]
    counts: dict[str, int] = defaultdict(int)
    for family in families:
        counts[family] += 1
    stored = coarsen(counts, round_.min_group_size)
    return [stored[family] for family in families]


def _selected_leaders(round_: Round, people: list[Person]) -> list[Person]:
    """The leaders an evaluation is about: its leadership level, units and leader-since date.

    Top leaders lead the top unit(s) of the organisation or a unit directly below one; leaders
    of leaders have at least one leader whose nearest leader they are.
    """
    level = round_.leader_level
    above_leaders = {
        person.nearest_leader_employee_id
        for person in people
        if person.is_leader and person.nearest_leader_employee_id not in ("", person.employee_id)
    }
    return [
        person
        for person in people
        if person.is_leader
        and (level != Round.LeaderLevel.TOP or person.unit.depth <= 1)
        and (level != Round.LeaderLevel.LEADERS_OF_LEADERS or person.employee_id in above_leaders)
        and _in_units(person.unit.path, round_.leader_units)
        and not (
            round_.exclude_leaders_since
            and person.leader_since
            and person.leader_since > round_.exclude_leaders_since
        )
    ]


def _evaluation_plan(round_: Round, people: list[Person]) -> Plan:
    """A 360° evaluation: employees, the leader, the superior and peers about each leader."""
    by_id = {person.employee_id: person for person in people}
    leaders = _selected_leaders(round_, people)
    employees_of: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        if person.nearest_leader_employee_id:
            employees_of[person.nearest_leader_employee_id].append(person)
    peers_of: dict[str, list[Person]] = defaultdict(list)
    for leader in leaders:
        peers_of[leader.nearest_leader_employee_id].append(leader)
    groups = round_.rater_groups
    planned = []
    for leader in leaders:
        raters: dict[str, list[Rater]] = {}
        below_minimum = False
        if "employee" in groups:
            # Employees' job families go with their answers, for HR's view by job family.
            team = [
                employee
                for employee in employees_of.get(leader.employee_id, [])
                if employee.employee_id != leader.employee_id
            ]
            raters["employee"] = list(zip(team, _team_families(round_, team), strict=True))
            below_minimum = len(team) < round_.min_group_size
        if "self" in groups:
            raters["self"] = [(leader, "")]
        superior = by_id.get(leader.nearest_leader_employee_id)
        if "superior" in groups and superior is not None:
            raters["superior"] = [(superior, "")]
        if "peer" in groups and leader.nearest_leader_employee_id:
            raters["peer"] = [
                (peer, "")
                for peer in peers_of[leader.nearest_leader_employee_id]
                if peer.employee_id != leader.employee_id
            ]
        planned.append(PlannedLeader(leader, raters, below_minimum=below_minimum))
    return Plan(planned, by_id)


def queue_delivery(round_: Round) -> None:
    """Queue the sending of every e-mail the round owes, once the transaction commits."""
    from omstil.rounds.tasks import queue_senders

    round_id = round_.pk
    transaction.on_commit(lambda: queue_senders(Round.objects.get(pk=round_id)))


@transaction.atomic
def request_reminder(round_: Round, *, actor: User | None = None, planned: bool = False) -> int:
    """A reminder to everybody who has not completed; the number of e-mails it will send.

    The reminder is recorded (`Reminder`: when, planned or asked for, by whom, and to how many as
    the round's counts stood at their last refresh, `reminders.not_completed`) with the request.
    """
    round_ = (
        Round.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=round_.pk)
    )
    if not round_.is_open:
        raise RoundInvalid([_("Der kan kun sendes påmindelser, mens runden er åben.")])
    round_.reminders_requested += 1
    round_.save(update_fields=["reminders_requested"])
    recipients = reminders.not_completed(round_)
    Reminder.objects.create(
        round=round_, planned=planned, recipients=recipients, requested_by=actor
    )
    audit(
        "round.remind",
        actor=actor,
        organisation=round_.organisation.slug,
        round=round_.pk,
        planned=planned,
        recipients=recipients,
    )
    queue_delivery(round_)
    return round_.invitations.filter(completed=False).count()


def send_due_reminders(today: date | None = None) -> list[int]:
    """Reminders whose planned day has come (run daily by `omstil round tick`)."""
    today = today or timezone.localdate()
    sent = []
    for round_ in Round.objects.filter(status=Round.Status.OPEN):
        due = sum(1 for day in round_.reminder_dates if date.fromisoformat(day) <= today)
        if due > round_.planned_reminders_sent:
            with transaction.atomic():
                Round.objects.filter(pk=round_.pk).update(planned_reminders_sent=due)
                request_reminder(round_, planned=True)
            sent.append(round_.pk)
    return sent
