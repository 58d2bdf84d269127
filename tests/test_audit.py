"""The audit trail: every change and every look at a report leaves one row and one log line."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from omstil.core.audit import audit
from omstil.core.models import AuditEntry
from omstil.development import services as plans
from omstil.organisations.models import Organisation
from omstil.privacy.deletion import delete_organisation
from omstil.rounds.models import EvaluatedLeader
from omstil.rounds.services import RoundInvalid, RoundSetup, create_round
from tests.conftest import PASSWORD


def events() -> list[str]:
    """What was audited, leaving out the fixtures' making HR an administrator."""
    entries = AuditEntry.objects.exclude(event="organisation.admin.add").order_by("pk")
    return list(entries.values_list("event", flat=True))


def test_an_entry_names_the_actor_the_organisation_and_plain_fields(org_admin, organisation):
    entry = audit(
        "test.event",
        actor=org_admin,
        organisation=organisation.slug,
        round=7,
        day=timezone.localdate(),
        keys=("a", "b"),
    )
    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_label) == (org_admin.pk, "hr@aarhus-test.example")
    assert entry.organisation == "aarhus-test"
    assert entry.fields == {
        "round": 7,
        "day": timezone.localdate().isoformat(),
        "keys": ["a", "b"],
    }


def test_the_system_is_the_actor_of_what_nobody_signed_in_did(db):
    entry = audit("test.tick", actor=None, sent=3)
    assert (entry.actor_id, entry.actor_label) == (None, "system")


def test_the_log_line_follows_when_the_change_is_committed(
    org_admin, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.INFO, logger="omstil.audit"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        audit("test.event", actor=org_admin, organisation="aarhus-test", round=7)
    assert [record.getMessage() for record in caplog.records] == [
        f"test.event round=7 org=aarhus-test actor={org_admin.pk}"
    ]


def test_a_change_that_is_rolled_back_leaves_no_entry_and_no_log_line(
    org_admin, caplog, django_capture_on_commit_callbacks
):
    def failing_change() -> None:
        with transaction.atomic():
            audit("test.event", actor=org_admin)
            raise RuntimeError("the change failed after it was audited")

    with (
        caplog.at_level(logging.INFO, logger="omstil.audit"),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
    ):
        failing_change()
    assert events() == []
    assert caplog.records == []


def test_a_refused_round_is_not_audited(organisation, org_admin, library):
    today = timezone.localdate()
    setup = RoundSetup(name="", instruments=["digital-omstilling"], opens_on=today, closes_on=today)
    with pytest.raises(RoundInvalid):
        create_round(organisation, setup, actor=org_admin)
    assert events() == []


def test_every_change_of_a_plan_is_audited_with_its_author(closed):
    from omstil.accounts.services import set_up_user

    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD)
    leader = EvaluatedLeader.objects.get(round=closed, employee_id="3")
    key = plans.statements(closed, "da")[0][0]
    plans.set_focus(leader, [key], [], actor=cecilie)
    action = plans.add_action(
        leader, "Tal om data", "Cecilie", timezone.localdate() + timedelta(days=9), actor=cecilie
    )
    plans.set_progress(action, "done", actor=cecilie)
    plans.add_comment(leader, cecilie, "Godt")
    plans.delete_action(action, actor=cecilie)
    entries = AuditEntry.objects.filter(event__startswith="plan.").order_by("pk")
    assert [entry.event for entry in entries] == [
        "plan.focus",
        "plan.action.add",
        "plan.action.progress",
        "plan.comment",
        "plan.action.delete",
    ]
    assert {(entry.actor_id, entry.organisation) for entry in entries} == {(cecilie.pk, "fjordby")}
    assert all(entry.fields["leader"] == "3" for entry in entries)


def test_creating_an_organisation_on_its_page_is_audited(client, system_admin):
    client.force_login(system_admin)
    response = client.post(
        reverse("organisations:list"),
        {"name": "Fjordby Kommune", "slug": "fjordby", "min_group_size": 5},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(event="organisation.create")
    assert (entry.actor_id, entry.organisation) == (system_admin.pk, "fjordby")


def test_the_entry_of_a_deleted_organisation_outlives_it(system_admin):
    organisation = Organisation.objects.create(slug="borte", name="Borte Kommune")
    delete_organisation(organisation, actor=system_admin)
    assert not Organisation.objects.filter(slug="borte").exists()
    assert AuditEntry.objects.get(event="organisation.delete").organisation == "borte"
