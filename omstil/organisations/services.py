"""Import and sync an organisation from an HR file: all of it or nothing, history kept."""

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omstil.accounts.models import Membership, User
from omstil.core.audit import audit
from omstil.organisations.accounts import AccountChanges, superiors_of, sync_accounts
from omstil.organisations.hrfile import HRFile, PersonRow, Problem, read_hr_file
from omstil.organisations.models import (
    PATH_SEPARATOR,
    Organisation,
    OrganisationImport,
    PendingImport,
    Person,
    Unit,
)
from omstil.organisations.structure import (
    Structure,
    derive,
    inherited_leader_text,
    parent_path,
)

BATCH = 2000
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
HR_FIELDS = ("name", "email", "is_leader", "reports_to_employee_id", "job_family", "language")


class ImportRejected(Exception):
    """The file cannot be imported; `problems` says where and why. Nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Change:
    """What happens to one person, for the preview."""

    employee_id: str
    name: str
    fields: tuple[str, ...] = ()
    from_unit: str = ""
    to_unit: str = ""


@dataclass
class ImportPlan:
    """What an import would change; `apply_plan` carries it out."""

    file: HRFile
    structure: Structure
    created: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)
    deactivated: list[Change] = field(default_factory=list)
    reactivated: list[Change] = field(default_factory=list)
    unchanged: int = 0
    reporting_lines_changed: int = 0
    new_units: list[str] = field(default_factory=list)
    people_to_create: list[Person] = field(default_factory=list)
    people_to_update: list[Person] = field(default_factory=list)
    people_to_deactivate: list[int] = field(default_factory=list)
    accounts: AccountChanges = field(default_factory=AccountChanges)
    unit_of: dict[str, str] = field(default_factory=dict)  # employee id → unit path

    @property
    def errors(self) -> list[Problem]:
        return self.file.errors + self.structure.errors

    @property
    def warnings(self) -> list[Problem]:
        return self.file.warnings + self.structure.warnings

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "moved": len(self.moved),
            "deactivated": len(self.deactivated),
            "reactivated": len(self.reactivated),
            "unchanged": self.unchanged,
            "reporting_lines_changed": self.reporting_lines_changed,
            "new_units": len(self.new_units),
        }

    def digest(self) -> str:
        """A fingerprint of the changes, to tell whether a preview still holds when confirmed."""
        parts = [
            repr(sorted(self.counts().items())),
            *(
                f"{kind}:{c.employee_id}:{c.fields}:{c.to_unit}"
                for kind, changes in [
                    ("c", self.created),
                    ("u", self.updated),
                    ("m", self.moved),
                    ("d", self.deactivated),
                    ("r", self.reactivated),
                ]
                for c in changes
            ),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _batches[T](items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class _Stored:
    """A person as stored, read as plain values: building model objects for every row of a
    large organisation would cost more than the whole comparison."""

    pk: int
    name: str
    email: str
    is_leader: bool
    reports_to_employee_id: str
    job_family: str
    language: str
    unit_path: str
    nearest_leader_employee_id: str
    active: bool
    leader_since: date | None


_STORED_FIELDS = (
    "pk",
    "name",
    "email",
    "is_leader",
    "reports_to_employee_id",
    "job_family",
    "language",
    "unit__path",
    "nearest_leader_employee_id",
    "active",
    "leader_since",
)


def plan_import(organisation: Organisation | None, data: bytes) -> ImportPlan:
    """Read the file and compare it with the organisation as stored (no writes)."""
    hr_file = read_hr_file(data)
    existing: dict[str, _Stored] = {}
    if organisation is not None and organisation.pk is not None:
        rows = Person.objects.filter(organisation=organisation).values_list(
            "employee_id", *_STORED_FIELDS
        )
        existing = {row[0]: _Stored(*row[1:]) for row in rows}
    if hr_file.errors and not hr_file.rows:
        return ImportPlan(file=hr_file, structure=Structure())
    in_file = hr_file.employee_ids
    structure = derive(
        hr_file.rows,
        min_group_size=organisation.min_group_size if organisation else 5,
        known_inactive=[employee_id for employee_id in existing if employee_id not in in_file],
        column=hr_file.headers,
        also_in_file=hr_file.employee_ids,
    )
    plan = ImportPlan(file=hr_file, structure=structure)
    if plan.errors:
        return plan
    known_units = (
        set(Unit.objects.filter(organisation=organisation).values_list("path", flat=True))
        if organisation is not None
        else set()
    )
    plan.new_units = [path for path in structure.units if path not in known_units]
    for row in hr_file.rows:
        _plan_person(plan, row, existing.get(row.employee_id), structure)
    for employee_id, stored in existing.items():
        if stored.active and employee_id not in in_file:
            plan.deactivated.append(Change(employee_id, stored.name, from_unit=stored.unit_path))
            plan.people_to_deactivate.append(stored.pk)
    return plan


def _plan_person(
    plan: ImportPlan, row: PersonRow, stored: _Stored | None, structure: Structure
) -> None:
    nearest = structure.nearest_leader.get(row.employee_id) or ""
    values = {
        "name": row.name,
        "email": row.email,
        "is_leader": row.is_leader,
        "reports_to_employee_id": row.reports_to,
        "job_family": row.job_family,
        "language": row.language,
    }
    plan.unit_of[row.employee_id] = row.unit_path
    today = timezone.localdate()
    if stored is None:
        plan.created.append(Change(row.employee_id, row.name, to_unit=row.unit_path))
        plan.people_to_create.append(
            Person(
                employee_id=row.employee_id,
                nearest_leader_employee_id=nearest,
                leader_since=today if row.is_leader else None,
                **values,
            )
        )
        return
    changed = tuple(name for name, value in values.items() if getattr(stored, name) != value)
    moved = stored.unit_path != row.unit_path
    change = Change(row.employee_id, row.name, changed, stored.unit_path, row.unit_path)
    if not stored.active:
        plan.reactivated.append(change)
    elif moved:
        plan.moved.append(change)
    elif changed:
        plan.updated.append(Change(row.employee_id, row.name, changed))
    elif stored.nearest_leader_employee_id != nearest:
        plan.reporting_lines_changed += 1
    else:
        plan.unchanged += 1
        return
    if row.is_leader == stored.is_leader:
        leader_since = stored.leader_since
    else:
        leader_since = today if row.is_leader else None
    plan.people_to_update.append(
        Person(
            pk=stored.pk,
            employee_id=row.employee_id,
            nearest_leader_employee_id=nearest,
            leader_since=leader_since,
            active=True,
            deactivated_at=None,
            **values,
        )
    )


def _apply(organisation: Organisation, plan: ImportPlan) -> None:
    now = timezone.now()
    units = {u.path: u for u in Unit.objects.filter(organisation=organisation)}
    new_units = [
        Unit(
            organisation=organisation,
            path=path,
            name=path.split(PATH_SEPARATOR)[-1],
            depth=path.count(PATH_SEPARATOR),
        )
        for path in plan.new_units
    ]
    for depth in sorted({unit.depth for unit in new_units}):
        level = [unit for unit in new_units if unit.depth == depth]
        for unit in level:
            parent = parent_path(unit.path)
            unit.parent = units[parent] if parent else None
        Unit.objects.bulk_create(level, batch_size=BATCH)
        units.update({unit.path: unit for unit in level})

    for person in plan.people_to_create:
        person.organisation = organisation
        person.unit = units[plan.unit_of[person.employee_id]]
    Person.objects.bulk_create(plan.people_to_create, batch_size=BATCH)
    for person in plan.people_to_update:
        person.unit = units[plan.unit_of[person.employee_id]]
        person.updated_at = now
    Person.objects.bulk_update(
        plan.people_to_update,
        [
            *HR_FIELDS,
            "unit",
            "nearest_leader_employee_id",
            "leader_since",
            "active",
            "deactivated_at",
            "updated_at",
        ],
        batch_size=500,
    )
    for ids in _batches(plan.people_to_deactivate):
        Person.objects.filter(pk__in=ids).update(active=False, deactivated_at=now, updated_at=now)

    in_use = {path for row in plan.file.rows for path in _ancestors(row.unit_path)}
    changed_units = []
    for path, unit in units.items():
        leader = plan.structure.unit_leader.get(path, "")
        active = path in in_use
        if unit.leader_employee_id != leader or unit.active != active:
            unit.leader_employee_id = leader
            unit.active = active
            changed_units.append(unit)
    Unit.objects.bulk_update(changed_units, ["leader_employee_id", "active"], batch_size=500)


def _ancestors(path: str) -> list[str]:
    parts = path.split(PATH_SEPARATOR)
    return [PATH_SEPARATOR.join(parts[: index + 1]) for index in range(len(parts))]


def import_people(
    slug: str,
    data: bytes,
    *,
    name: str = "",
    dry_run: bool = False,
    actor: User | None = None,
    file_name: str = "",
    expected_digest: str | None = None,
) -> ImportPlan:
    """Import an HR file into the organisation `slug` (created when new), or nothing at all.

    Raises ImportRejected with every problem when the file cannot be imported, and
    PlanChanged when `expected_digest` (from a preview) no longer matches what would happen.
    """
    if not SLUG.fullmatch(slug):
        raise ImportRejected(
            [
                Problem(
                    None,
                    None,
                    _(
                        "“%(slug)s” kan ikke bruges som kortnavn: brug små bogstaver a–z, tal og "
                        "bindestreger, fx “fjordby-kommune”."
                    )
                    % {"slug": slug},
                )
            ]
        )
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().filter(slug=slug).first()
        plan = plan_import(organisation, data)
        if plan.errors:
            raise ImportRejected(plan.errors)
        if expected_digest is not None and plan.digest() != expected_digest:
            raise PlanChanged(plan)
        if dry_run:
            return plan
        if organisation is None:
            organisation = Organisation.objects.create(slug=slug, name=name or slug)
        elif name and name != organisation.name:
            organisation.name = name
            organisation.save(update_fields=["name"])
        _apply(organisation, plan)
        plan.accounts = sync_accounts(organisation, actor=actor)
        OrganisationImport.objects.create(
            organisation=organisation,
            imported_by=actor,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(data).hexdigest(),
            counts=plan.counts(),
            warnings=len(plan.warnings),
        )
        audit(
            "organisation.import",
            actor=actor,
            organisation=organisation.slug,
            file_name=file_name[:255],
            **plan.counts(),
            **plan.accounts.as_dict(),
        )
    return plan


class PlanChanged(Exception):
    """The organisation changed between the preview and the confirmation."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(_("Organisationen er ændret siden forhåndsvisningen."))
        self.plan = plan


def organisation_json(organisation: Organisation) -> dict[str, Any]:
    """`omstil org show --json`: units with leader and head count, and every person."""
    people = list(
        Person.objects.filter(organisation=organisation)
        .select_related("unit")
        .order_by("employee_id")
    )
    head_count: dict[int, int] = {}
    for person in people:
        if person.active:
            head_count[person.unit_id] = head_count.get(person.unit_id, 0) + 1
    units = Unit.objects.filter(organisation=organisation, active=True).order_by("path")
    return {
        "organisation": {"slug": organisation.slug, "name": organisation.name},
        "units": [
            {
                "path": unit.path,
                "leader": unit.leader_employee_id or None,
                "people": head_count.get(unit.pk, 0),
            }
            for unit in units
        ],
        "people": [
            {
                "employee_id": person.employee_id,
                "name": person.name,
                "email": person.email,
                "unit": person.unit.path,
                "is_leader": person.is_leader,
                "nearest_leader": person.nearest_leader_employee_id or None,
                "job_family": person.job_family,
                "language": person.language,
                "active": person.active,
            }
            for person in people
        ],
    }


@transaction.atomic
def create_organisation(
    *, name: str, slug: str, min_group_size: int, actor: User | None
) -> Organisation:
    """A new, empty organisation; people come with its first HR file."""
    organisation = Organisation.objects.create(name=name, slug=slug, min_group_size=min_group_size)
    audit("organisation.create", actor=actor, organisation=slug, min_group_size=min_group_size)
    return organisation


def _grant(organisation: Organisation, user: User, role: str, *, actor: User | None) -> bool:
    _membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        audit(f"organisation.{role}.add", actor=actor, organisation=organisation.slug, user=user.pk)
    return created


def _revoke(organisation: Organisation, user: User, role: str, *, actor: User | None) -> bool:
    deleted, _rows = Membership.objects.filter(
        user=user, organisation=organisation, role=role
    ).delete()
    if deleted:
        audit(
            f"organisation.{role}.remove", actor=actor, organisation=organisation.slug, user=user.pk
        )
    return bool(deleted)


@transaction.atomic
def add_admin(organisation: Organisation, user: User, *, actor: User | None) -> None:
    """Make `user` an administrator (HR) of `organisation`; nothing changes if they are one."""
    _grant(organisation, user, Membership.Role.ADMIN, actor=actor)


@transaction.atomic
def remove_admin(organisation: Organisation, user: User, *, actor: User | None) -> None:
    """Take the administrator role in `organisation` from `user`; nothing changes if they have
    none. Their account stays, with whatever else it may see."""
    _revoke(organisation, user, Membership.Role.ADMIN, actor=actor)


class RoleRefused(Exception):
    """The role cannot be set as asked; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# The roles HR grants: "admin" runs rounds and sees what the round's policy gives HR;
# "reader" sees only pooled unit reports; "none" takes both away.
ROLES = ("admin", "reader", "none")


def role_of(organisation: Organisation, user: User) -> str:
    """The role `user` holds in `organisation`: "admin", "reader" or "none"."""
    held = set(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )
    return next((role for role in ROLES if role in held), "none")


@transaction.atomic
def set_role(organisation: Organisation, email: str, role: str, *, actor: User | None) -> User:
    """Give the holder of `email` the role in `organisation` (one of ROLES).

    An account is made for an address that has none; it has no password until one is set.
    An administrator cannot take their own administrator role away: another must.
    """
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise RoleRefused(
            _("“%(email)s” er ikke en gyldig e-mailadresse.") % {"email": email}
        ) from None
    if role not in ROLES:
        raise RoleRefused(
            _("Ukendt rolle “%(role)s” (brug admin, reader eller none).") % {"role": role}
        )
    user = User.objects.filter(email__iexact=address).first()
    if user is None:
        if role == "none":
            raise RoleRefused(_("Der er ingen konto med adressen “%(email)s”.") % {"email": email})
        user = User.objects.create_user(address)
        audit("account.create", actor=actor, organisation=organisation.slug, user=user.pk)
    if (
        actor is not None
        and actor.pk == user.pk
        and role != "admin"
        and not actor.is_system_admin
        and role_of(organisation, user) == "admin"
    ):
        raise RoleRefused(
            _("Du kan ikke selv fratage dig rollen som administrator; bed en anden administrator.")
        )
    for held in (Membership.Role.ADMIN, Membership.Role.READER):
        if held != role:
            _revoke(organisation, user, held, actor=actor)
    if role != "none":
        _grant(organisation, user, role, actor=actor)
    return user


@dataclass(frozen=True)
class SignInRow:
    """One account that may sign in to the organisation, with what it is there."""

    user: User
    name: str
    role: str
    leader: bool
    superior: bool


def who_may_sign_in(organisation: Organisation) -> list[SignInRow]:
    """Every account of the organisation: its HR roles first, then its people's accounts."""
    roles: dict[int, str] = {}
    for user_id, role in Membership.objects.filter(organisation=organisation).values_list(
        "user_id", "role"
    ):
        if role == Membership.Role.ADMIN or user_id not in roles:
            roles[user_id] = role
    superiors = superiors_of(organisation)
    people = {
        person.user_id: person
        for person in Person.objects.filter(
            organisation=organisation, active=True, user__isnull=False
        ).order_by("name")
    }
    users = User.objects.filter(pk__in={*roles, *people}, is_active=True)
    rows = [
        SignInRow(
            user=user,
            name=people[user.pk].name if user.pk in people else (user.name or user.email),
            role=roles.get(user.pk, "none"),
            leader=user.pk in people and people[user.pk].is_leader,
            superior=user.pk in people and people[user.pk].employee_id in superiors,
        )
        for user in users
    ]
    return sorted(rows, key=lambda row: (row.role == "none", row.name.lower()))


@dataclass(frozen=True)
class Preview:
    """An uploaded HR file kept until HR confirms what its preview shows."""

    plan: ImportPlan
    pending: PendingImport


@transaction.atomic
def preview_import(
    organisation: Organisation, data: bytes, *, file_name: str, actor: User
) -> Preview:
    """What the file would change, and the file kept for a day to confirm it (or nothing)."""
    plan = import_people(organisation.slug, data, dry_run=True)
    purge_pending_imports()
    pending = PendingImport.objects.create(
        organisation=organisation,
        uploaded_by=actor,
        file_name=file_name[:255],
        data=data,
        plan_digest=plan.digest(),
    )
    audit(
        "organisation.import.preview",
        actor=actor,
        organisation=organisation.slug,
        file_name=pending.file_name,
    )
    return Preview(plan, pending)


def get_pending_import(
    organisation: Organisation, pending_id: int, user: User
) -> PendingImport | None:
    """The previewed file `user` uploaded, or None once it has expired or been used."""
    purge_pending_imports()
    return PendingImport.objects.filter(
        pk=pending_id, organisation=organisation, uploaded_by=user
    ).first()


def confirm_import(pending: PendingImport, *, actor: User) -> ImportPlan:
    """Carry out a previewed import, unless the organisation has changed since the preview.

    Raises PlanChanged (the preview is updated to what would now happen) or ImportRejected
    (the file is no longer accepted, and is dropped).
    """
    try:
        with transaction.atomic():
            plan = import_people(
                pending.organisation.slug,
                bytes(pending.data),
                actor=actor,
                file_name=pending.file_name,
                expected_digest=pending.plan_digest,
            )
            pending.delete()
    except PlanChanged as exc:
        pending.plan_digest = exc.plan.digest()
        pending.save(update_fields=["plan_digest"])
        raise
    except ImportRejected:
        pending.delete()
        raise
    return plan


@transaction.atomic
def cancel_import(pending: PendingImport, *, actor: User) -> None:
    """Drop a previewed file without importing it."""
    audit(
        "organisation.import.cancel",
        actor=actor,
        organisation=pending.organisation.slug,
        file_name=pending.file_name,
    )
    pending.delete()


def inherited_leader(
    unit: Unit, units: dict[int, Unit], people: dict[str, Person]
) -> Person | None:
    """For a unit without a leader: the leader of the nearest unit above that has one, whom
    its people get as nearest leader (structure.py)."""
    current = units.get(unit.parent_id) if unit.parent_id else None
    while current is not None:
        leader = people.get(current.leader_employee_id)
        if leader is not None:
            return leader
        current = units.get(current.parent_id) if current.parent_id else None
    return None


@dataclass(frozen=True)
class UnitNode:
    """A unit in the tree page: its leader, head count, warnings and children."""

    unit: Unit
    leader: Person | None
    people: int
    warnings: list[str]
    children: list["UnitNode"]


@dataclass
class Overview:
    """The organisation's tree with every warning, as HR sees it."""

    roots: list[UnitNode]
    people: int
    leaders: int
    warnings: list[str]


def organisation_overview(organisation: Organisation) -> Overview:
    """The unit tree with leaders, head counts and warnings, from the stored organisation."""
    people = list(Person.objects.filter(organisation=organisation, active=True))
    by_id = {person.employee_id: person for person in people}
    employees: dict[str, int] = {}
    head_count: dict[int, int] = {}
    for person in people:
        head_count[person.unit_id] = head_count.get(person.unit_id, 0) + 1
        if person.nearest_leader_employee_id:
            leader_id = person.nearest_leader_employee_id
            employees[leader_id] = employees.get(leader_id, 0) + 1
    units = list(Unit.objects.filter(organisation=organisation, active=True).order_by("path"))
    nodes: dict[int, UnitNode] = {}
    roots: list[UnitNode] = []
    all_warnings: list[str] = []
    by_pk = {unit.pk: unit for unit in units}
    for unit in units:
        leader = by_id.get(unit.leader_employee_id)
        warnings: list[str] = []
        if leader is None and head_count.get(unit.pk):
            above = inherited_leader(unit, by_pk, by_id)
            inheriting = [
                person
                for person in people
                if person.unit_id == unit.pk
                and not person.is_leader
                and not person.reports_to_employee_id
                and above is not None
                and person.nearest_leader_employee_id == above.employee_id
            ]
            if above is not None and inheriting:
                warnings.append(
                    inherited_leader_text(
                        unit.path, len(inheriting), above.name, by_pk[above.unit_id].path
                    )
                )
            else:
                warnings.append(_("Enheden har ingen leder."))
        elif leader is not None and employees.get(leader.employee_id, 0) < (
            organisation.min_group_size
        ):
            count = employees.get(leader.employee_id, 0)
            warnings.append(
                ngettext(
                    "Lederen har %(count)s medarbejder – færre end mindste gruppestørrelse "
                    "(%(minimum)s), så medarbejdernes svar vil aldrig blive vist.",
                    "Lederen har %(count)s medarbejdere – færre end mindste gruppestørrelse "
                    "(%(minimum)s), så medarbejdernes svar vil aldrig blive vist.",
                    count,
                )
                % {"count": count, "minimum": organisation.min_group_size}
            )
        node = UnitNode(unit, leader, head_count.get(unit.pk, 0), warnings, [])
        nodes[unit.pk] = node
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(node)
        all_warnings.extend(f"{unit.path}: {warning}" for warning in warnings)
    root_leaders = {node.unit.leader_employee_id for node in roots}
    for person in people:
        if not person.nearest_leader_employee_id and person.employee_id not in root_leaders:
            all_warnings.append(
                _("%(name)s (%(id)s) har ingen nærmeste leder.")
                % {"name": person.name, "id": person.employee_id}
            )
    return Overview(
        roots=roots,
        people=len(people),
        leaders=sum(1 for person in people if person.is_leader),
        warnings=all_warnings,
    )


PENDING_LIFETIME_HOURS = 24


def purge_pending_imports() -> int:
    """Delete uploaded HR files that were previewed but never confirmed within a day."""
    cutoff = timezone.now() - timedelta(hours=PENDING_LIFETIME_HOURS)
    deleted, _ = PendingImport.objects.filter(created_at__lt=cutoff).delete()
    return deleted
