"""How a person's insight speaks of everyone else: by role, never by name or e-mail address.

The one exception is the person's own nearest leader, whose name the HR data shows anyway. Audit
entries are shown with the fields that name other people left out, so that an entry about a
colleague's report says what was done, and not whose report it was.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omstil.accounts.models import Membership, User
from omstil.core.audit import SYSTEM
from omstil.core.models import AuditEntry
from omstil.organisations.models import Person
from omstil.privacy import audit_log
from omstil.privacy.deletion import DELETED_ACTOR
from omstil.programmes.models import Programme
from omstil.rounds.models import Round

L = gettext_lazy

# Words for the events HR's audit log does not show (those of an account, which belong to no
# organisation) and for insight itself, by format.
OWN_EVENTS: dict[str, Promise] = {
    "person.insight": L("Gav indsigt i alt, hvad Omstil har om en person"),
    "selfassessment.start": L("Begyndte en selvvurdering"),
    "selfassessment.save": L("Gemte en side af en selvvurdering"),
    "selfassessment.complete": L("Afsluttede en selvvurdering"),
    "selfassessment.delete": L("Slettede en selvvurdering"),
    "account.password_reset_link": L("Sendte et link til at vælge en ny adgangskode"),
    "account.password_reset": L("Valgte en ny adgangskode"),
    "account.two_factor.set_up": L("Satte totrinsbekræftelse op"),
    "account.two_factor.recovery_code_used": L("Brugte en gendannelseskode"),
    "account.two_factor.recovery_codes": L("Lavede nye gendannelseskoder"),
    "account.two_factor.reset": L("Nulstillede totrinsbekræftelsen"),
}
INSIGHT_FORMATS: dict[str, Promise] = {
    "html": L("Så indsigten i alt, hvad Omstil har om en person"),
    "json": L("Hentede indsigten i en persons data som JSON-fil"),
    "pdf": L("Hentede indsigten i en persons data som PDF"),
}

# Fields of an audit entry that name a person by employee id, account id or person id.
EMPLOYEE_KEYS = ("leader", "employee_id")
ACCOUNT_KEYS = ("user", "users")


@dataclass
class Others:
    """The person, their own leader, and the role of every account the insight mentions."""

    person: Person
    leader: Person | None
    roles: dict[int, str] = field(default_factory=dict)

    @property
    def user_id(self) -> int | None:
        return self.person.user_id

    @property
    def own_addresses(self) -> set[str]:
        found = {self.person.email.lower()}
        if self.person.user is not None:
            found.add(self.person.user.email.lower())
        return found

    def is_own_leader(self, employee_id: str) -> bool:
        return (
            bool(employee_id) and self.leader is not None and self.leader.employee_id == employee_id
        )

    def learn(self, user_ids: Iterable[int | None]) -> None:
        """Look up, once, the role in the organisation of each of these accounts."""
        wanted = {pk for pk in user_ids if pk is not None and pk not in self.roles}
        if not wanted:
            return
        organisation = self.person.organisation_id
        leader_user = self.leader.user_id if self.leader is not None else None
        memberships: dict[int, set[str]] = {}
        for user_id, role in Membership.objects.filter(
            organisation=organisation, user_id__in=wanted
        ).values_list("user_id", "role"):
            memberships.setdefault(user_id, set()).add(role)
        system_admins = set(
            User.objects.filter(pk__in=wanted, is_superuser=True).values_list("pk", flat=True)
        )
        leaders = set(
            Person.objects.filter(
                organisation=organisation, user_id__in=wanted, is_leader=True
            ).values_list("user_id", flat=True)
        )
        for pk in wanted:
            if pk == self.user_id:
                self.roles[pk] = _("personen selv")
            elif pk == leader_user and self.leader is not None:
                self.roles[pk] = _("nærmeste leder, %(name)s") % {"name": self.leader.name}
            elif Membership.Role.ADMIN in memberships.get(pk, set()):
                self.roles[pk] = _("en organisationsadministrator (HR)")
            elif Membership.Role.READER in memberships.get(pk, set()):
                self.roles[pk] = _("en HR-læser")
            elif pk in system_admins:
                self.roles[pk] = _("en systemadministrator")
            elif pk in leaders:
                self.roles[pk] = _("en anden leder i organisationen")
            else:
                self.roles[pk] = _("en anden bruger")

    def account(self, user_id: int | None) -> str:
        """Who an account is to the person, in words (`learn` it first)."""
        if user_id is None:
            return _("en slettet bruger")
        self.learn([user_id])
        return self.roles[user_id]

    def actor(self, entry: AuditEntry) -> str:
        """Who made an audit entry, in words."""
        if entry.actor_label == DELETED_ACTOR:
            return _("en slettet bruger")
        if entry.actor_id is None or entry.actor_label == SYSTEM:
            return _("systemet")
        return self.account(entry.actor_id)


def entries_by(others: Others) -> list[AuditEntry]:
    """The entries the person's account made in the organisation, or in none (a
    self-assessment belongs to the account, not to an organisation), newest first."""
    if others.user_id is None:
        return []
    slug = others.person.organisation.slug
    return list(
        AuditEntry.objects.filter(actor_id=others.user_id, organisation__in=[slug, ""]).order_by(
            "-at", "-pk"
        )
    )


def entries_about(others: Others) -> list[AuditEntry]:
    """The organisation's entries by someone else that name the person by employee id, account or
    person id, newest first."""
    person = others.person
    slug = person.organisation.slug
    condition = Q(organisation=slug) & (
        Q(fields__leader=person.employee_id)
        | Q(fields__employee_id=person.employee_id)
        | Q(event__in=audit_log.LEADER_SUBJECT, fields__subject=person.employee_id)
        | Q(fields__person=person.pk)
    )
    if others.user_id is not None:
        # An account's own events (a password reset) belong to no organisation. An account in a
        # list ("users") is checked below: SQLite cannot look inside a list.
        condition |= Q(organisation__in=[slug, ""]) & (
            Q(fields__user=others.user_id) | Q(fields__has_key="users")
        )
    found = AuditEntry.objects.filter(condition)
    if others.user_id is not None:
        found = found.exclude(actor_id=others.user_id)
    return [entry for entry in found.order_by("-at", "-pk") if _names(entry, others)]


def _names(entry: AuditEntry, others: Others) -> bool:
    """Whether the entry names the person's account, or (in the organisation) the person."""
    values = entry.fields
    users = values.get("users")
    if others.user_id is not None and (
        values.get("user") == others.user_id
        or (isinstance(users, list) and others.user_id in users)
    ):
        return True
    if not entry.organisation:
        return False
    person = others.person
    subject = values.get("subject") if entry.event in audit_log.LEADER_SUBJECT else None
    named = [values.get(key) for key in EMPLOYEE_KEYS if key in values]
    return (
        any(str(value) == person.employee_id for value in [*named, subject] if value is not None)
        or values.get("person") == person.pk
    )


def own_fields(entry: AuditEntry, others: Others) -> dict[str, Any]:
    """The entry's fields without those that name anyone but the person (or their e-mail)."""
    person = others.person
    kept: dict[str, Any] = {}
    for key, value in entry.fields.items():
        if key in EMPLOYEE_KEYS or (key == "subject" and entry.event in audit_log.LEADER_SUBJECT):
            if str(value) == person.employee_id:
                kept[key] = value
        elif key == "user":
            if others.user_id is not None and value == others.user_id:
                kept[key] = value
        elif key == "users":
            if isinstance(value, list) and others.user_id in value:
                kept[key] = [others.user_id]
        elif key == "person":
            if value == person.pk:
                kept[key] = value
        elif isinstance(value, str) and "@" in value:
            if value.lower() in others.own_addresses:
                kept[key] = value
        else:
            kept[key] = value
    return kept


def described(entries: list[AuditEntry], others: Others) -> list[dict[str, Any]]:
    """Each entry as the insight shows it: when, who (by role), what, and its own details."""
    others.learn(entry.actor_id for entry in entries)
    shown = [
        AuditEntry(
            pk=entry.pk,
            at=entry.at,
            event=entry.event,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            organisation=entry.organisation,
            fields=own_fields(entry, others),
        )
        for entry in entries
    ]
    names = _names_for(shown, others)
    return [
        {
            "at": entry.at,
            "event": entry.event,
            "description": describe(entry),
            "actor": others.actor(entry),
            "details": [
                {"label": label, "value": value} for label, value in audit_log.details(entry, names)
            ],
            "fields": entry.fields,
        }
        for entry in shown
    ]


def describe(entry: AuditEntry) -> str:
    """What the entry records, in words: as HR's audit log says it, or in the words above."""
    if entry.event == "person.insight":
        shown = INSIGHT_FORMATS.get(str(entry.fields.get("format")))
        if shown is not None and entry.event not in audit_log.BY_FORMAT:
            return str(shown)
    if entry.event in audit_log.EVENTS or entry.event not in OWN_EVENTS:
        return audit_log.describe(entry)
    return str(OWN_EVENTS[entry.event])


def _names_for(entries: list[AuditEntry], others: Others) -> audit_log.Names:
    """The rounds and programmes the entries name, and the person under their own ids."""
    person = others.person
    rounds = {entry.fields.get("round") for entry in entries}
    programmes = {entry.fields.get("programme") for entry in entries}
    names = audit_log.Names(people={person.employee_id: person.name})
    if person.user is not None:
        names.users = {person.user.pk: person.user.email}
    names.rounds = dict(
        Round.objects.filter(
            organisation=person.organisation_id, pk__in=[pk for pk in rounds if isinstance(pk, int)]
        ).values_list("pk", "name")
    )
    names.programmes = dict(
        Programme.objects.filter(
            organisation=person.organisation_id,
            pk__in=[pk for pk in programmes if isinstance(pk, int)],
        ).values_list("pk", "name")
    )
    return names
