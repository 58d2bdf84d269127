"""Leaders check whom a draft round will ask about them, report errors, and HR fixes them."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from omstil.core.models import AuditEntry
from omstil.organisations.services import import_people
from omstil.rounds import listcheck
from omstil.rounds.models import ListCorrection, Round
from omstil.rounds.services import RoundInvalid, open_round
from tests.hrfiles import PEOPLE, csv_file
from tests.rounds_helpers import draft_round, kommune
from tests.test_development import log_in

TODAY = timezone.localdate()


@pytest.fixture
def draft(db):
    return draft_round(kommune(), opens_on=TODAY + timedelta(days=10))


def start_url(round_):
    return reverse("rounds:list_check_start", args=[round_.organisation.slug, round_.pk])


def check_url(round_):
    return reverse("list_check", args=[round_.pk])


def test_hr_starts_the_check_and_each_leader_is_emailed_once(
    transactional_db, smtp_server, client, request
):
    draft = request.getfixturevalue("draft")
    log_in(client, "hr@fjordby.example", admin_of=draft.organisation)
    until = (TODAY + timedelta(days=5)).isoformat()
    page = client.get(reverse("rounds:detail", args=["fjordby", draft.pk])).content.decode()
    assert "Bed lederne tjekke deres lister" in page
    response = client.post(start_url(draft), {"until": until}, follow=True)
    assert "4 ledere har fået en e-mail." in response.content.decode()
    call_command("worker", "--burst", verbosity=0)
    messages = [m for m in smtp_server.messages if "Tjek, hvem der bliver spurgt" in m["Subject"]]
    assert sorted(m["To"] for m in messages) == [
        "anne@fjordby.example",
        "bo@fjordby.example",
        "cecilie@fjordby.example",
        "gustav@fjordby.example",
    ]
    body = messages[0].get_body(("plain",)).get_content()
    assert "next=" in body
    assert check_url(draft).replace("/", "%2F") in body
    # Moving the day e-mails nobody again.
    client.post(start_url(draft), {"until": (TODAY + timedelta(days=7)).isoformat()})
    call_command("worker", "--burst", verbosity=0)
    assert len([m for m in smtp_server.messages if "Tjek, hvem" in m["Subject"]]) == 4
    draft.refresh_from_db()
    assert draft.list_check_until == TODAY + timedelta(days=7)
    assert AuditEntry.objects.filter(event="round.list_check").count() == 2


def test_a_leader_sees_only_the_names_of_their_own_employees(client, draft):
    listcheck.start_list_check(draft, TODAY + timedelta(days=5), actor=None)
    log_in(client, "cecilie@fjordby.example")
    mine = client.get(reverse("my_rounds")).content.decode()
    assert check_url(draft) in mine
    html = client.get(check_url(draft)).content.decode()
    for name in ("Dorte Østergaard", "Emil Åberg", "Frida Holm"):
        assert name in html
    assert "Hanne Lund" not in html  # Gustav's
    assert "dorte@fjordby.example" not in html  # names only


@pytest.mark.parametrize("email", ["dorte@fjordby.example", "hr@fjordby.example"])
def test_nobody_but_an_evaluated_leader_sees_a_list(client, draft, email):
    listcheck.start_list_check(draft, TODAY + timedelta(days=5), actor=None)
    log_in(client, email, admin_of=draft.organisation if email.startswith("hr") else None)
    assert client.get(check_url(draft)).status_code == 404


def test_without_a_running_check_there_is_no_list(client, draft):
    log_in(client, "cecilie@fjordby.example")
    assert client.get(check_url(draft)).status_code == 404
    listcheck.start_list_check(draft, TODAY, actor=None)
    Round.objects.filter(pk=draft.pk).update(list_check_until=TODAY - timedelta(days=1))
    assert client.get(check_url(draft)).status_code == 404


def test_the_leader_reports_an_error_and_hr_sees_it_fixes_it_and_marks_it_resolved(client, draft):
    listcheck.start_list_check(draft, TODAY + timedelta(days=5), actor=None)
    log_in(client, "cecilie@fjordby.example")
    assert client.post(check_url(draft), {"text": "  "}).status_code == 400
    response = client.post(check_url(draft), {"text": "Ib Krogh er flyttet til mig"})
    assert response.status_code == 302
    correction = ListCorrection.objects.get()
    assert (correction.leader_employee_id, correction.leader_name) == ("3", "Cecilie Ærø")
    assert "Ib Krogh er flyttet til mig" in client.get(check_url(draft)).content.decode()

    hr = log_in(client, "hr@fjordby.example", admin_of=draft.organisation)
    page = client.get(reverse("rounds:detail", args=["fjordby", draft.pk])).content.decode()
    assert "Ib Krogh er flyttet til mig" in page
    # HR fixes the HR file: Ib now reports to Cecilie.
    rows = [[*row[:5], "3", *row[6:]] if row[0] == "9" else row for row in PEOPLE]
    import_people("fjordby", csv_file(rows))
    resolve = reverse("rounds:list_check_resolve", args=["fjordby", draft.pk, correction.pk])
    assert client.post(resolve).status_code == 302
    correction.refresh_from_db()
    assert correction.resolved_by == hr
    assert client.post(resolve).status_code == 404  # already resolved

    log_in(client, "cecilie@fjordby.example")
    assert "Ib Krogh" in client.get(check_url(draft)).content.decode().split("<ul>")[1]
    # The round opens on the corrected organisation.
    open_round(draft)
    assert draft.invitations.filter(
        person__employee_id="9", leader__employee_id="3", rater_group="employee"
    ).exists()


def test_another_organisations_hr_cannot_start_or_resolve(client, draft):
    from omstil.organisations.models import Organisation

    other = Organisation.objects.create(slug="anden", name="Anden Kommune")
    log_in(client, "hr@anden.example", admin_of=other)
    assert client.post(start_url(draft), {"until": TODAY.isoformat()}).status_code == 404
    draft.refresh_from_db()
    assert draft.list_check_until is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Round.Status.OPEN}, "før runden åbner"),
        ({}, "før i dag"),
    ],
)
def test_a_check_is_refused_once_open_or_for_a_day_in_the_past(draft, change, message):
    Round.objects.filter(pk=draft.pk).update(**change)
    until = TODAY + timedelta(days=3) if change else TODAY - timedelta(days=1)
    with pytest.raises(RoundInvalid) as refused:
        listcheck.start_list_check(draft, until, actor=None)
    assert any(message in error for error in refused.value.errors)
    draft.refresh_from_db()
    assert draft.list_check_until is None


def test_a_report_after_the_check_ended_is_refused(draft):
    from omstil.accounts.models import User

    listcheck.start_list_check(draft, TODAY, actor=None)
    user = User.objects.get(email="cecilie@fjordby.example")
    own = listcheck.get_own_list(user, draft.pk)
    Round.objects.filter(pk=draft.pk).update(list_check_until=TODAY - timedelta(days=1))
    with pytest.raises(RoundInvalid):
        listcheck.report_correction(own, "Frida mangler", actor=user)
    assert not ListCorrection.objects.exists()
