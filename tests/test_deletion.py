"""Deleting a person, a round or an organisation (CONTRACT.md "Personal data"): what goes is
gone from every table, what the organisation still needs stays without a name, nothing else
changes, and every deletion is whole, audited and confirmed first."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from omstil.accounts.models import User
from omstil.core.models import AuditEntry
from omstil.core.tasks import send_email
from omstil.development.models import DevelopmentPlan, PlanComment
from omstil.development.services import add_action, set_focus
from omstil.organisations.models import Organisation, Person
from omstil.privacy.deletion import (
    DELETED_ACTOR,
    delete_person,
    delete_round,
    plan_person_deletion,
)
from omstil.responses.models import Answer, Response
from omstil.rounds.models import EvaluatedLeader, Invitation, Participation, Round
from tests.conftest import PASSWORD
from tests.privacy_helpers import every_report, report, rows_holding, run


def person(employee_id: str) -> Person:
    return Person.objects.select_related("user", "organisation").get(employee_id=employee_id)


def account(employee_id: str) -> User:
    user = person(employee_id).user
    assert user is not None
    return user


def unit_json(round_: Round, path: str = "Fjordby Kommune") -> dict:
    return json.loads(report("unit", str(round_.pk), path, "--format", "json"))


def test_an_employee_is_gone_from_every_table_and_their_answers_stay(closed):
    employee = person("4")  # answered about Cecilie
    send_email.enqueue([employee.email], "Emne", f"Kære {employee.name}")
    answers = Answer.objects.count()
    others = dict(every_report(closed.organisation).items())
    assert rows_holding(employee.name, employee.email)

    counts = delete_person(employee, actor=None)

    assert counts["invitations"] == 1
    assert counts["emails"] == 1
    assert rows_holding(employee.name, employee.email) == []
    assert Answer.objects.count() == answers
    assert every_report(closed.organisation) == others
    entry = AuditEntry.objects.get(event="person.delete")
    assert entry.fields["employee_id"] == "4"
    assert entry.fields["reason"] == "request"


def test_a_leader_is_erased_their_report_goes_and_the_pooled_figures_stay(closed):
    cecilie = person("3")
    leader = EvaluatedLeader.objects.get(round=closed, employee_id="3")
    plan = set_focus(leader, ["digital-omstilling.nysgerrig-kultur"], [], actor=cecilie.user)
    add_action(
        leader,
        "Afprøve nye værktøjer",
        cecilie.name,
        timezone.localdate() + timedelta(days=30),
        actor=cecilie.user,
    )
    bo = account("2")
    PlanComment.objects.create(plan=plan, author=bo, author_name=bo.name, text="Godt")
    pooled = unit_json(closed)

    counts = delete_person(cecilie, actor=None)

    assert counts["evaluations"] == 1
    assert counts["plans"] == 1
    assert counts["accounts"] == 1
    assert rows_holding(cecilie.name, cecilie.email) == []
    leader.refresh_from_db()
    assert leader.person is None
    assert leader.erased_at is not None
    assert leader.name == ""
    assert not DevelopmentPlan.objects.filter(leader=leader).exists()
    assert unit_json(closed)["items"] == pooled["items"]
    code, _out, err = run("report", "leader", str(closed.pk), "3", "--format", "json")
    assert code == 1
    assert err
    assert Response.objects.filter(leader=leader).exists()


def test_a_deleted_leaders_report_is_seen_by_nobody(closed):
    from omstil.reports.access import visible_leaders

    closed.refresh_from_db()
    bo = account("2")
    assert "3" in visible_leaders(bo, closed)
    delete_person(person("3"), actor=None)
    assert "3" not in visible_leaders(bo, closed)
    admin = User.objects.create_user("hr@fjordby.example", password=PASSWORD)
    from omstil.organisations.services import add_admin

    add_admin(closed.organisation, admin, actor=None)
    assert "3" not in visible_leaders(admin, closed)


def test_a_superiors_chain_runs_through_a_deleted_leader(closed):
    """Anne sees Cecilie's report through Bo; deleting Bo must not cut Cecilie off from Anne."""
    from omstil.reports.access import visible_leaders

    closed.refresh_from_db()
    anne = account("1")
    before = visible_leaders(anne, closed)
    delete_person(person("2"), actor=None)
    assert visible_leaders(anne, closed) == before - {"2"}


def test_the_dry_run_counts_and_changes_nothing(closed):
    tables = (Person.objects.count(), Invitation.objects.count(), User.objects.count())
    code, out, _err = run("person", "delete", "--org", "fjordby", "3", "--dry-run", "--json")
    assert code == 0
    document = json.loads(out)
    assert document == {"dry_run": True, "counts": plan_person_deletion(person("3"))}
    assert document["counts"]["evaluations"] == 1
    assert (Person.objects.count(), Invitation.objects.count(), User.objects.count()) == tables
    code, out, _err = run("person", "delete", "--org", "fjordby", "3", "--dry-run")
    assert "1 lederrapport" in out
    assert "Anonyme svar bliver" in out


def test_the_command_line_wants_the_employee_id_repeated(closed):
    code, _out, err = run("person", "delete", "--org", "fjordby", "4", "--confirm", "5")
    assert code == 1
    assert "Ikke bekræftet" in err
    assert Person.objects.filter(employee_id="4").exists()
    code, out, _err = run("person", "delete", "--org", "fjordby", "4", "--confirm", "4", "--json")
    assert code == 0
    assert json.loads(out)["deleted"] is True
    assert not Person.objects.filter(employee_id="4").exists()
    code, _out, err = run("person", "delete", "--org", "fjordby", "4", "--confirm", "4")
    assert code == 1
    assert "ingen person" in err
    code, _out, err = run("person", "delete", "--org", "ingen", "4", "--confirm", "4")
    assert code == 1
    assert "findes ikke" in err


def test_a_closed_round_is_deleted_with_everything_under_it(closed, later):
    before_later = {k: v for k, v in every_report(closed.organisation).items() if k[0] == later.pk}
    code, out, _err = run("round", "delete", str(closed.pk), "--dry-run", "--json")
    counts = json.loads(out)["counts"]
    assert counts["rounds"] == 1
    assert counts["responses"] == 8
    assert counts["answers"] == 40
    assert Round.objects.filter(pk=closed.pk).exists()

    code, out, _err = run("round", "delete", str(closed.pk), "--confirm", str(closed.pk))

    assert code == 0
    assert not Round.objects.filter(pk=closed.pk).exists()
    assert not Response.objects.filter(round=closed.pk).exists()
    assert not Participation.objects.filter(round=closed.pk).exists()
    entry = AuditEntry.objects.get(event="round.delete")
    assert entry.fields["round"] == closed.pk
    assert entry.fields["answers"] == 40
    # The later round's reports lose the trend back to the deleted one, and only that.
    after_later = every_report(later.organisation)
    assert set(after_later) == set(before_later)


def test_an_open_round_can_be_deleted(db):
    from omstil.rounds.services import open_round
    from tests.rounds_helpers import draft_round, kommune

    round_ = draft_round(kommune())
    open_round(round_)
    delete_round(round_, actor=None)
    assert not Invitation.objects.filter(round=round_.pk).exists()


def test_an_organisation_is_deleted_with_its_log_and_its_own_accounts(closed, system_admin):
    other = Organisation.objects.create(slug="anden", name="Anden Kommune")
    from omstil.organisations.services import add_admin

    both = User.objects.create_user("begge@example.org", password=PASSWORD)
    add_admin(closed.organisation, both, actor=None)
    add_admin(other, both, actor=None)
    names = list(Person.objects.values_list("name", "email"))
    code, out, _err = run("org", "delete", "--org", "fjordby", "--dry-run", "--json")
    assert json.loads(out)["counts"]["people"] == len(names)

    code, out, _err = run("org", "delete", "--org", "fjordby", "--confirm", "fjordby", "--json")

    assert code == 0
    assert not Organisation.objects.filter(slug="fjordby").exists()
    assert rows_holding(*[value for pair in names for value in pair]) == []
    assert User.objects.filter(pk__in=[both.pk, system_admin.pk]).count() == 2
    assert list(
        AuditEntry.objects.filter(organisation="fjordby").values_list("event", flat=True)
    ) == ["organisation.delete"]


def test_an_actor_who_is_deleted_leaves_entries_without_their_address(closed):
    cecilie = person("3")
    from omstil.core.audit import audit

    audit("report.leader", actor=cecilie.user, organisation="fjordby", round=closed.pk)
    delete_person(cecilie, actor=None)
    entry = AuditEntry.objects.get(event="report.leader")
    assert entry.actor_label == DELETED_ACTOR


# The pages ------------------------------------------------------------------------------------


@pytest.fixture
def hr_client(client, closed, hr):
    user = hr(closed.organisation)
    client.force_login(user)
    return client


def test_hr_deletes_a_person_after_typing_the_employee_id(hr_client, closed):
    url = reverse("privacy:person_delete", args=["fjordby", "4"])
    page = hr_client.get(url).content.decode()
    assert "1 invitation" in page
    assert "Anonyme svar bliver" in page
    wrong = hr_client.post(url, {"confirm": "5"})
    assert wrong.status_code == 200
    assert "præcis, som det står" in wrong.content.decode()
    assert Person.objects.filter(employee_id="4").exists()
    done = hr_client.post(url, {"confirm": "4"})
    assert done.status_code == 302
    assert not Person.objects.filter(employee_id="4").exists()
    assert AuditEntry.objects.get(event="person.delete").actor_label == "hr@fjordby.example"


def test_hr_deletes_a_closed_round_from_its_page(hr_client, closed):
    detail = hr_client.get(reverse("rounds:detail", args=["fjordby", closed.pk])).content.decode()
    url = reverse("privacy:round_delete", args=["fjordby", closed.pk])
    assert url in detail
    assert "40 anonyme svar" in hr_client.get(url).content.decode()
    assert hr_client.post(url, {"confirm": str(closed.pk)}).status_code == 302
    assert not Round.objects.filter(pk=closed.pk).exists()


def test_another_organisations_admin_finds_nothing(client, closed, hr):
    other = Organisation.objects.create(slug="anden", name="Anden Kommune")
    client.force_login(hr(other))
    for url in (
        reverse("privacy:person_delete", args=["fjordby", "4"]),
        reverse("privacy:round_delete", args=["fjordby", closed.pk]),
        reverse("privacy:overview", args=["fjordby"]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "4"}).status_code == 404
    assert Person.objects.filter(employee_id="4").exists()


def test_only_a_system_admin_deletes_an_organisation(hr_client, closed):
    url = reverse("privacy:organisation_delete", args=["fjordby"])
    assert hr_client.get(url).status_code == 403
    assert hr_client.post(url, {"confirm": "fjordby"}).status_code == 403
    assert Organisation.objects.filter(slug="fjordby").exists()


def test_the_overview_shows_the_rules_and_what_the_next_tick_removes(hr_client, closed):
    Person.objects.filter(employee_id="24").update(
        active=False, deactivated_at=timezone.now() - timedelta(days=400)
    )
    page = hr_client.get(reverse("privacy:overview", args=["fjordby"])).content.decode()
    assert "slettes 6 måneder efter" in page
    assert "Ansat 24" in page
    assert reverse("privacy:person_delete", args=["fjordby", "24"]) in page
    saved = hr_client.post(
        reverse("privacy:overview", args=["fjordby"]),
        {"leavers_months": "12", "invitation_days": "0", "answers_years": "3", "audit_years": "2"},
    )
    assert saved.status_code == 302
    page = hr_client.get(reverse("privacy:overview", args=["fjordby"])).content.decode()
    assert "slettes 12 måneder efter" in page
    assert "første daglige kørsel" in page
    assert AuditEntry.objects.get(event="retention.set").fields["leavers_months"] == 12
    refused = hr_client.post(
        reverse("privacy:overview", args=["fjordby"]),
        {"leavers_months": "-1", "invitation_days": "x", "answers_years": "3", "audit_years": "2"},
    )
    assert refused.status_code == 200
    assert "form-error-message" in refused.content.decode()
