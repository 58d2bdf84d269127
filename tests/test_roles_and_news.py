"""Roles HR grants in the browser (administrator, HR reader), the front page's news, and HR's
"Din rapport er klar" e-mails with a sign-in link that leads to the report."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from omstil.accounts.models import Membership
from omstil.accounts.services import set_up_user
from omstil.core.models import AuditEntry
from omstil.development.models import Action, DevelopmentPlan
from omstil.organisations.models import Person
from omstil.organisations.services import RoleRefused, role_of, set_role
from omstil.rounds.models import EvaluatedLeader
from tests.conftest import PASSWORD
from tests.report_fixtures import closed  # noqa: F401

LINK = re.compile(r"http://testserver-omstil\.example(/konto/link/[^/\s]+/[^/\s]+/\?next=\S+)")


def account(employee_id):
    return Person.objects.get(employee_id=employee_id).user


def unit_page(client, round_):
    return client.get(reverse("reports:unit", args=[round_.pk]), {"enhed": "Fjordby Kommune"})


def test_hr_grants_and_takes_roles_in_the_browser(closed, client, hr):  # noqa: F811
    admin = hr(closed.organisation)
    client.force_login(admin)
    url = reverse("organisations:roles", args=[closed.organisation.slug])
    page = client.get(url).content.decode()
    assert "Cecilie Ærø" in page  # a leader from the HR file may sign in
    assert "Dorte" not in page  # an employee may not, unless the organisation says so
    response = client.post(
        url, {"role_form": "1", "email": "Ulla.Analytiker@Fjordby.example", "role": "reader"}
    )
    assert response.status_code == 302
    assert role_of(closed.organisation, account_or_user("ulla.analytiker@fjordby.example")) == (
        "reader"
    )
    assert AuditEntry.objects.filter(event="organisation.reader.add", actor_id=admin.pk).exists()
    client.post(url, {"role_form": "1", "email": "ulla.analytiker@fjordby.example", "role": "none"})
    assert not Membership.objects.filter(user__email="ulla.analytiker@fjordby.example").exists()
    assert AuditEntry.objects.filter(event="organisation.reader.remove").exists()
    bad = client.post(url, {"role_form": "1", "email": "ikke en adresse", "role": "admin"})
    assert bad.status_code == 200
    assert "gyldig e-mailadresse" in bad.content.decode()


def account_or_user(email):
    from omstil.accounts.models import User

    return User.objects.get(email=email)


def test_an_administrator_cannot_take_their_own_role(closed, hr):  # noqa: F811
    admin = hr(closed.organisation)
    with pytest.raises(RoleRefused):
        set_role(closed.organisation, admin.email, "none", actor=admin)
    assert role_of(closed.organisation, admin) == "admin"


def test_turning_on_accounts_for_everyone_gives_employees_accounts(closed, client, hr):  # noqa: F811
    client.force_login(hr(closed.organisation))
    url = reverse("organisations:roles", args=[closed.organisation.slug])
    client.post(url, {"accounts": "1", "everyone": "on"})
    assert Person.objects.get(employee_id="4").user is not None
    assert AuditEntry.objects.filter(event="organisation.accounts").exists()


def test_an_hr_reader_sees_pooled_unit_reports_and_nothing_else(closed, client):  # noqa: F811
    reader = set_up_user("ulla@fjordby.example", PASSWORD)
    set_role(closed.organisation, reader.email, "reader", actor=None)
    client.force_login(reader)
    assert unit_page(client, closed).status_code == 200
    assert (
        client.get(reverse("reports:leader", args=[closed.pk, "3"])).status_code == 404
    )  # no single leader's report, whatever the policy gives HR
    slug = closed.organisation.slug
    assert client.get(reverse("organisations:detail", args=[slug])).status_code == 404
    assert client.get(reverse("rounds:detail", args=[slug, closed.pk])).status_code == 404
    assert client.get(reverse("organisations:roles", args=[slug])).status_code == 404
    # The front page leads the reader to the unit reports.
    home = client.get(reverse("site:home")).content.decode()
    assert reverse("reports:unit", args=[closed.pk]) in home


def test_the_front_page_tells_a_leader_what_is_new(closed, client):  # noqa: F811
    cecilie = account("3")
    client.force_login(cecilie)
    home = client.get(reverse("site:home")).content.decode()
    assert "er klar" in home
    assert reverse("reports:leader", args=[closed.pk, "3"]) in home
    assert reverse("development:dialogue", args=[closed.pk, "3"]) in home
    plan = DevelopmentPlan.objects.create(
        round=closed, leader=EvaluatedLeader.objects.get(round=closed, employee_id="3")
    )
    Action.objects.create(
        plan=plan,
        text="Afprøv den nye vagtplan-app",
        owner="Cecilie",
        deadline=timezone.localdate() + timedelta(days=3),
    )
    home = client.get(reverse("site:home")).content.decode()
    assert "Afprøv den nye vagtplan-app" in home
    assert reverse("development:plan", args=[closed.pk, "3"]) in home
    # Another leader has nothing new.
    client.force_login(account("7"))
    home = client.get(reverse("site:home")).content.decode()
    assert reverse("reports:leader", args=[closed.pk, "3"]) not in home
    assert reverse("reports:leader", args=[closed.pk, "7"]) in home
    # Somebody who is no one in the HR file has nothing new.
    client.force_login(set_up_user("ny@omstil.example", PASSWORD))
    assert "ikke noget nyt" in client.get(reverse("site:home")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_hr_sends_report_ready_with_a_link_that_signs_in_to_the_report(
    closed,  # noqa: F811
    client,
    hr,
    settings,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    settings.BASE_URL = "http://testserver-omstil.example"
    client.force_login(hr(closed.organisation))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_ready", args=[closed.pk]))
    assert response.status_code == 302
    call_command("worker", "--burst", verbosity=0)
    leaders = set(EvaluatedLeader.objects.filter(round=closed).values_list("email", flat=True))
    # Closing sent the e-mail once already (not captured here); HR's button sends it again.
    received = {
        message["To"]: message
        for message in smtp_server.messages
        if message["Subject"] == "Din rapport er klar"
    }
    assert set(received) == leaders
    text = received["cecilie@fjordby.example"].get_body(("plain",)).get_content()
    (path,) = LINK.findall(text)
    client.logout()
    assert client.get(path).status_code == 200
    signed_in = client.post(
        path.split("?")[0], {"next": path.split("next=")[1].replace("%2F", "/")}
    )
    assert signed_in["Location"] == reverse("reports:leader", args=[closed.pk, "3"])
    assert client.get(signed_in["Location"]).status_code == 200
    # The link is spent by signing in.
    client.logout()
    assert client.get(path).status_code == 410
    entry = AuditEntry.objects.filter(event="report.ready_sent").latest("pk")
    assert entry.fields["sent"] == len(leaders)
    client.force_login(hr(closed.organisation))
    round_page = client.get(reverse("rounds:detail", args=[closed.organisation.slug, closed.pk]))
    assert "Send e-mailen igen" in round_page.content.decode()


def test_only_hr_may_send_report_ready(closed, client):  # noqa: F811
    client.force_login(account("3"))
    assert client.post(reverse("reports:report_ready", args=[closed.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_closing_a_round_tells_leaders_and_superiors_that_the_reports_are_ready(
    library, settings, smtp_server, django_capture_on_commit_callbacks
):
    from omstil.responses.closing import close_round
    from omstil.rounds.models import Participation, Round
    from tests.report_fixtures import build_closed_round

    settings.BASE_URL = "http://testserver-omstil.example"
    with django_capture_on_commit_callbacks(execute=True):
        round_ = build_closed_round(close=False)
        close_round(round_)
    call_command("worker", "--burst", verbosity=0)
    own = {m["To"]: m for m in smtp_server.messages if m["Subject"] == "Din rapport er klar"}
    theirs = {
        m["To"]: m for m in smtp_server.messages if m["Subject"] == "Dine lederes rapporter er klar"
    }
    assert len(smtp_server.messages) == len(own) + len(theirs)
    leaders = EvaluatedLeader.objects.filter(round=round_)
    assert set(own) == {leader.email for leader in leaders}
    # Each nearest superior, leader or not, once, naming the leaders below them.
    assert set(theirs) == {leader.superior_email for leader in leaders if leader.superior_email}
    for leader in leaders:
        if leader.superior_email:
            text = theirs[leader.superior_email].get_body(("plain",)).get_content()
            assert f"- {leader.name}" in text
            assert "Ledere, du er overordnet for" in text
    received = own
    answered = dict(
        Participation.objects.filter(round=round_, rater_group="employee").values_list(
            "leader__email", "completed"
        )
    )
    for leader in leaders:
        text = received[leader.email].get_body(("plain",)).get_content()
        few = answered.get(leader.email, 0) < round_.min_group_size
        assert ("viser rapporten ikke medarbejdernes svar" in text) == few
    assert Round.objects.get(pk=round_.pk).status == Round.Status.CLOSED


@pytest.mark.django_db(transaction=True)
def test_hr_can_turn_the_report_ready_email_off_before_the_round_opens(
    library, smtp_server, django_capture_on_commit_callbacks
):
    from omstil.responses.closing import close_round
    from omstil.rounds.models import Round
    from tests.report_fixtures import build_closed_round

    with django_capture_on_commit_callbacks(execute=True):
        round_ = build_closed_round(close=False)
        Round.objects.filter(pk=round_.pk).update(announce_reports=False)
        round_.refresh_from_db()
        close_round(round_)
    call_command("worker", "--burst", verbosity=0)
    assert smtp_server.messages == []
    assert not AuditEntry.objects.filter(event="report.ready_sent").exists()
