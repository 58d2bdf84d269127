"""Running a round: create, open (freeze and invite), remind, close, follow the response rate.

A round is a 360° evaluation of leaders, or a mapping (kortlægning) in which every employee rates
their own competences with an aggregate-only self-assessment instrument (docs/mapping.md).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

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
    kind = Round.Kind.MAPPING if found.mapping else Round.Kind.EVALUATION
    return _Checked(found.versions, kind, errors, warnings)


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


@transaction.atomic
def create_round(
    organisation: Organisation, setup: RoundSetup, *, actor: User | None = None
) -> Created:
    """A draft round; raises RoundInvalid with every reason it cannot be created.

    A round whose only instrument is an aggregate-only self-assessment is a mapping round:
    every employee rates their own competences; rater groups and report visibility do not apply.
    """
    checked = _validate(organisation, setup)
    if checked.errors:
        raise RoundInvalid(checked.errors)
    versions, warnings = checked.versions, checked.warnings
    mapping = checked.kind == Round.Kind.MAPPING
    round_ = Round.objects.create(
        organisation=organisation,
        name=setup.name.strip(),
        kind=checked.kind,
        opens_on=setup.opens_on,
        closes_on=setup.closes_on,
        min_group_size=(
            organisation.min_group_size if setup.min_group_size is None else setup.min_group_size
        ),
        rater_groups=(
            [COMPETENCE_GROUP]
            if mapping
            else [group for group in RATER_GROUPS if group in setup.rater_groups]
        ),
        comment_field=setup.comment_field,
        announce_reports=not mapping and setup.announce_reports,
        leader_units=setup.leader_units,
        exclude_leaders_since=None if mapping else setup.exclude_leaders_since,
        reminder_dates=[day.isoformat() for day in sorted(setup.reminder_dates)],
        visibility=(
            dict(MAPPING_VISIBILITY) if mapping else {**DEFAULT_VISIBILITY, **setup.visibility}
        ),
        created_by=actor,
    )
    for position, version in enumerate(versions):
        RoundInstrument.objects.create(
            round=round_,
            version=version,
            themes=setup.themes.get(version.instrument.key, []),
            position=position,
        )
    for position, statement in enumerate(setup.local_statements):
        LocalStatement.objects.create(
            round=round_,
            key=f"lokal-{position + 1}",
            text={"da": statement["da"].strip(), "en": statement["en"].strip()},
            position=position,
        )
    audit("round.create", actor=actor, organisation=organisation.slug, round=round_.pk)
    return Created(round_, warnings)


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
    people = list(
        Person.objects.filter(organisation=round_.organisation, active=True).select_related("unit")
    )
    if round_.is_mapping:
        invitations = _mapping_invitations(round_, people)
    else:
        invitations = _evaluation_invitations(round_, people)
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


def _mapping_invitations(round_: Round, people: list[Person]) -> list[Invitation]:
    """A mapping: each active person with a nearest leader rates their own competences.

    Every leader with someone reporting to them becomes a team (an EvaluatedLeader); each
    team's job families are coarsened so that no stored family has fewer than the minimum.
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
    if not leaders:
        raise RoundInvalid([_("Der er ingen medarbejdere at kortlægge i de valgte enheder.")])
    invitations = []
    for team in _freeze(round_, leaders, by_id):
        members = team_of[team.employee_id]
        for member, family in zip(members, _team_families(round_, members), strict=True):
            invitations.append(_invitation(round_, member, team, COMPETENCE_GROUP, family))
    return invitations


def _team_families(round_: Round, members: list[Person]) -> list[str]:
    """Each member's job family as it is stored with their answers: coarsened within the
    team, so that no stored family has fewer than the minimum group size (blank: other)."""
    families = [normalise(member.job_family) for member in members]
    counts: dict[str, int] = defaultdict(int)
    for family in families:
        counts[family] += 1
    stored = coarsen(counts, round_.min_group_size)
    return [stored[family] for family in families]


def _evaluation_invitations(round_: Round, people: list[Person]) -> list[Invitation]:
    """A 360° evaluation: employees, the leader, the superior and peers about each leader."""
    by_id = {person.employee_id: person for person in people}
    leaders = [
        person
        for person in people
        if person.is_leader
        and _in_units(person.unit.path, round_.leader_units)
        and not (
            round_.exclude_leaders_since
            and person.leader_since
            and person.leader_since > round_.exclude_leaders_since
        )
    ]
    if not leaders:
        raise RoundInvalid([_("Der er ingen ledere at evaluere i de valgte enheder.")])
    evaluated = _freeze(round_, leaders, by_id)
    employees_of: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        if person.nearest_leader_employee_id:
            employees_of[person.nearest_leader_employee_id].append(person)
    peers_of: dict[str, list[EvaluatedLeader]] = defaultdict(list)
    for leader in evaluated:
        peers_of[leader.superior_employee_id].append(leader)

    invitations: list[Invitation] = []

    def invite(person: Person, leader: EvaluatedLeader, group: str) -> None:
        invitations.append(_invitation(round_, person, leader, group))

    for leader in evaluated:
        if "employee" in round_.rater_groups:
            # Employees' job families go with their answers, for HR's view by job family.
            team = [
                employee
                for employee in employees_of.get(leader.employee_id, [])
                if employee.employee_id != leader.employee_id
            ]
            for employee, family in zip(team, _team_families(round_, team), strict=True):
                invitations.append(_invitation(round_, employee, leader, "employee", family))
        if "self" in round_.rater_groups:
            invite(by_id[leader.employee_id], leader, "self")
        superior = by_id.get(leader.superior_employee_id)
        if "superior" in round_.rater_groups and superior is not None:
            invite(superior, leader, "superior")
        if "peer" in round_.rater_groups and leader.superior_employee_id:
            for peer in peers_of[leader.superior_employee_id]:
                if peer.employee_id != leader.employee_id:
                    invite(by_id[peer.employee_id], leader, "peer")
    return invitations


def queue_delivery(round_: Round) -> None:
    """Queue the sending of every e-mail the round owes, once the transaction commits."""
    from omstil.rounds.tasks import deliver_round_emails

    round_id = round_.pk
    transaction.on_commit(lambda: deliver_round_emails.enqueue(round_id))


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
