"""Accounts come from the HR file: tied to people by organisation and employee id, not e-mail."""

import pytest
from django.urls import reverse

from omstil.accounts.models import User
from omstil.accounts.services import set_up_user
from omstil.core.models import AuditEntry
from omstil.organisations.accounts import account_for
from omstil.organisations.models import Organisation, Person
from omstil.organisations.services import add_admin, import_people
from tests.conftest import PASSWORD
from tests.hrfiles import PEOPLE, changed, csv_file, without
from tests.report_fixtures import MORE, closed  # noqa: F401

LEADERS = {row[0] for row in PEOPLE if row[4] == "ja"}


def sync(rows=None, slug="fjordby"):
    return import_people(slug, csv_file(rows), name=slug.title())


def person(employee_id, slug="fjordby"):
    return Person.objects.select_related("user").get(
        organisation__slug=slug, employee_id=employee_id
    )


def test_an_import_gives_every_leader_an_account_and_nobody_else(db):
    sync()
    with_account = set(
        Person.objects.filter(user__isnull=False).values_list("employee_id", flat=True)
    )
    superiors = {row[5] for row in PEOPLE if row[5]}
    assert with_account == LEADERS | superiors
    cecilie = person("3")
    assert cecilie.user.email == "cecilie@fjordby.example"
    assert cecilie.user.name == "Cecilie Ærø"
    assert not cecilie.user.has_usable_password()
    entry = AuditEntry.objects.get(event="account.create")
    assert len(entry.fields["users"]) == len(with_account)


def test_everyone_gets_an_account_when_the_organisation_says_so(db):
    sync()
    Organisation.objects.filter(slug="fjordby").update(accounts_for_everyone=True)
    sync()
    assert not Person.objects.filter(user__isnull=True).exists()


def test_an_existing_account_with_the_address_is_tied_not_duplicated(db):
    mine = set_up_user("CECILIE@fjordby.example", PASSWORD)
    sync()
    assert person("3").user == mine
    assert User.objects.filter(email__iexact="cecilie@fjordby.example").count() == 1


def test_one_human_is_a_person_in_two_organisations_with_one_account(db):
    sync()
    sync(slug="anden")
    assert person("3").user == person("3", "anden").user


def test_a_changed_address_follows_the_account(db):
    sync()
    account = person("3").user
    sync(changed("3", 2, "cecilie.aero@fjordby.example"))
    account.refresh_from_db()
    assert account.email == "cecilie.aero@fjordby.example"
    assert person("3").user == account


def test_a_changed_address_that_another_account_holds_ties_the_person_to_that_account(db):
    sync()
    other = set_up_user("ny@fjordby.example", PASSWORD)
    sync(changed("3", 2, "ny@fjordby.example"))
    assert person("3").user == other


def test_a_person_who_leaves_is_deactivated_and_signed_out(db, client):
    sync()
    account = person("3").user
    client.force_login(account)
    assert client.get(reverse("my_rounds")).status_code == 200
    sync(without("3"))
    account.refresh_from_db()
    assert not account.is_active
    response = client.get(reverse("my_rounds"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert AuditEntry.objects.filter(event="account.deactivate").exists()
    # Back in a later file, the same account opens again.
    sync()
    account.refresh_from_db()
    assert account.is_active
    assert person("3").user == account


def test_an_account_with_a_role_stays_when_its_person_leaves(db):
    sync()
    account = person("3").user
    add_admin(Organisation.objects.get(slug="fjordby"), account, actor=None)
    sync(without("3"))
    account.refresh_from_db()
    assert account.is_active


def test_an_account_that_is_someone_elsewhere_stays_but_sees_nothing_through_who_left(db, client):
    sync()
    sync(slug="anden")
    account = person("3").user
    sync(without("3"))
    account.refresh_from_db()
    assert account.is_active
    assert account_for(person("3")) is None
    assert account_for(person("3", "anden")) == account


def test_an_employee_gets_no_account_unless_everyone_does(db):
    sync()
    assert account_for(person("4")) is None
    Organisation.objects.filter(slug="fjordby").update(accounts_for_everyone=True)
    dorte = account_for(person("4"))
    assert dorte is not None
    assert dorte.email == "dorte@fjordby.example"


def leader_report(client, round_, employee_id="3"):
    return client.get(reverse("reports:leader", args=[round_.pk, employee_id]))


def test_a_report_belongs_to_the_person_not_to_the_address(closed, client):  # noqa: F811
    cecilie = person("3").user
    client.force_login(cecilie)
    assert leader_report(client, closed).status_code == 200
    # A new address in the HR file: the same account still reads the report.
    import_people(
        "fjordby", csv_file(changed("3", 2, "ny.adresse@fjordby.example", [*PEOPLE, *MORE]))
    )
    client.force_login(User.objects.get(pk=cecilie.pk))
    assert leader_report(client, closed).status_code == 200
    # An account that merely holds the address the round was frozen with reads nothing.
    impostor = set_up_user("cecilie@fjordby.example", PASSWORD)
    client.force_login(impostor)
    assert leader_report(client, closed).status_code == 404


def test_the_superior_reads_through_the_reporting_line_by_employee_id(closed, client):  # noqa: F811
    closed.visibility = {**closed.visibility, "superior": True}
    closed.save(update_fields=["visibility"])
    client.force_login(person("2").user)
    assert leader_report(client, closed).status_code == 200
    # The superior's superior reads it too: the chain frozen with the round, by employee id.
    client.force_login(person("1").user)
    assert leader_report(client, closed).status_code == 200
    # A leader beside the chain does not.
    client.force_login(person("7").user)
    assert leader_report(client, closed).status_code == 404


@pytest.mark.parametrize("employee_id", ["4"])
def test_a_person_without_an_account_cannot_ask_for_one_by_sign_in(db, employee_id):
    from omstil.organisations.signin import request_link

    sync()
    assert request_link(person(employee_id).email, None) is False
    assert person(employee_id).user is None
