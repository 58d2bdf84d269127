"""Accounts from the organisation: who in the HR file may sign in, and with which account.

An account (`accounts.User`) is tied to the people it is (`Person.user`) by organisation and
employee id; access checks ask which active people a user is, never which e-mail address they
share with a copy of the HR file. Every import or sync of the HR file calls `sync_accounts`:

- every active person who may sign in – a leader, a superior, or anyone when the organisation
  has `accounts_for_everyone` – gets an account: the one already tied to them, else the one
  holding their e-mail address (so one human is a person in several organisations with one
  account), else a new one with no password, which they sign in to with a link or SSO;
- a changed e-mail address in the file follows along to the account, unless another account
  holds the new address: then the person is tied to that one instead;
- an account deactivated earlier (its people had left) is opened again when the file names one
  of them again; an import is the HR file's word on who works here;
- an account whose people have all left, and that holds no role and is no system
  administrator, is deactivated. Django signs an inactive account out on its next request, so
  its sessions end; an account that is still someone elsewhere keeps those sessions but no
  longer sees anything through the person who left.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models.functions import Lower

from omstil.accounts.models import Membership, User
from omstil.core.audit import audit
from omstil.organisations.models import Organisation, Person


@dataclass
class AccountChanges:
    """What `sync_accounts` did, as counts for the import's summary and the audit log."""

    created: int = 0
    linked: int = 0
    email_changed: int = 0
    deactivated: int = 0
    reactivated: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "accounts_created": self.created,
            "accounts_linked": self.linked,
            "accounts_email_changed": self.email_changed,
            "accounts_deactivated": self.deactivated,
            "accounts_reactivated": self.reactivated,
        }


def superiors_of(organisation: Organisation) -> set[str]:
    """Employee ids of the people someone in the organisation reports to or has as leader."""
    rows = Person.objects.filter(organisation=organisation, active=True).values_list(
        "reports_to_employee_id", "nearest_leader_employee_id"
    )
    return {employee_id for row in rows for employee_id in row if employee_id}


def may_sign_in(person: Person, superiors: set[str] | None = None) -> bool:
    """Whether the HR file lets `person` sign in: a leader, a superior, or anyone if the
    organisation gives everyone an account. People who left never may."""
    if not person.active:
        return False
    if person.is_leader or person.organisation.accounts_for_everyone:
        return True
    if superiors is None:
        superiors = superiors_of(person.organisation)
    return person.employee_id in superiors


def _holders(addresses: set[str]) -> dict[str, User]:
    """The accounts holding these e-mail addresses (lower case), by address."""
    found: dict[str, User] = {}
    wanted = sorted(addresses)
    for start in range(0, len(wanted), 500):
        batch = wanted[start : start + 500]
        for user in User.objects.annotate(address=Lower("email")).filter(address__in=batch):
            found[user.email.lower()] = user
    return found


def _keeps_account(user: User) -> bool:
    """Whether `user` stays active although one of their people left."""
    if user.is_superuser or Membership.objects.filter(user=user).exists():
        return True
    return Person.objects.filter(user=user, active=True).exists()


@transaction.atomic
def account_for(person: Person) -> User | None:
    """The account `person` signs in with, made or tied now if need be; None if the HR file
    does not let them sign in (or their account was deactivated by hand)."""
    if not may_sign_in(person):
        return None
    changes = AccountChanges()
    _tie([person], changes, actor=None, reactivate=False)
    user = person.user
    return user if user is not None and user.is_active else None


def _tie(
    people: list[Person], changes: AccountChanges, *, actor: User | None, reactivate: bool
) -> None:
    """Give each of `people` (active, allowed to sign in) an account with their address;
    with `reactivate`, an account deactivated earlier is opened again."""
    holders = _holders({person.email.strip().lower() for person in people if person.email})
    new_users: dict[str, User] = {}
    retied: list[Person] = []
    moved: list[User] = []
    for person in people:
        address = person.email.strip().lower()
        user = person.user
        if not address or (user is not None and user.email.lower() == address):
            continue
        holder = holders.get(address) or new_users.get(address)
        if user is not None and (holder is None or holder.pk == user.pk):
            # The address changed in the HR file, and no other account holds the new one.
            user.email = address
            holders[address] = user
            moved.append(user)
            continue
        if holder is not None:
            changes.linked += 1
        else:
            holder = User(
                email=address,
                name=person.name,
                language=person.language if person.language in ("da", "en") else "da",
                password=make_password(None),
            )
            new_users[address] = holder
        person.user = holder
        retied.append(person)
    slug = people[0].organisation.slug if people else ""
    User.objects.bulk_update(moved, ["email"], batch_size=500)
    changes.email_changed += len(moved)
    if moved:
        audit("account.email", actor=actor, organisation=slug, users=[u.pk for u in moved])
    User.objects.bulk_create(new_users.values(), batch_size=500)
    changes.created += len(new_users)
    if new_users:
        created = [user.pk for user in new_users.values()]
        audit("account.create", actor=actor, organisation=slug, users=created)
    for person in retied:
        person.user = person.user  # takes the id the account was given when it was saved
    Person.objects.bulk_update(retied, ["user"], batch_size=500)
    closed = {
        person.user.pk: person.user
        for person in (people if reactivate else [])
        if person.user is not None and not person.user.is_active
    }
    if closed:
        User.objects.filter(pk__in=closed).update(is_active=True)
        for user in closed.values():
            user.is_active = True
        changes.reactivated += len(closed)
        audit("account.reactivate", actor=actor, organisation=slug, users=sorted(closed))


@transaction.atomic
def sync_accounts(organisation: Organisation, *, actor: User | None = None) -> AccountChanges:
    """Bring the accounts of `organisation`'s people in line with its HR file (module doc)."""
    changes = AccountChanges()
    superiors = superiors_of(organisation)
    people = list(Person.objects.filter(organisation=organisation).select_related("user"))
    for person in people:
        person.organisation = organisation
    _tie([p for p in people if may_sign_in(p, superiors)], changes, actor=actor, reactivate=True)
    gone = {p.user_id for p in people if not p.active and p.user_id is not None}
    for user in User.objects.filter(pk__in=gone, is_active=True):
        if not _keeps_account(user):
            user.is_active = False
            user.save(update_fields=["is_active"])
            changes.deactivated += 1
            audit("account.deactivate", actor=actor, organisation=organisation.slug, user=user.pk)
    return changes
