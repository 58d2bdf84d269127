"""HR sets up, opens, reminds and closes a round in the browser; only the organisation's admins."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from omstil.accounts.services import set_up_user
from omstil.rounds.models import Invitation, Round
from tests.conftest import PASSWORD
from tests.rounds_helpers import kommune


@pytest.fixture
def fjordby_hr(hr, db):
    organisation = kommune()
    return hr(organisation)


def form_data(**changes):
    today = timezone.localdate()
    data = {
        "name": "Ledelsesevaluering 2026",
        "instruments": ["digital-omstilling"],
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=21)).isoformat(),
        "min_group_size": "5",
        "rater_groups": ["employee", "self", "superior"],
        "visibility": ["leader", "superior"],
        "local_da": "Min leder lytter til vores idéer om digitale løsninger",
        "local_en": "My leader listens to our ideas about digital solutions",
    }
    data.update(changes)
    return data


def test_hr_creates_opens_reminds_and_closes_a_round(client, fjordby_hr):
    client.login(username=fjordby_hr.email, password=PASSWORD)
    page = client.get(reverse("rounds:create", args=["fjordby"]))
    assert page.status_code == 200
    response = client.post(reverse("rounds:create", args=["fjordby"]), form_data())
    round_ = Round.objects.get()
    assert response["Location"] == reverse("rounds:detail", args=["fjordby", round_.pk])
    assert round_.local_statements.get().text["en"].startswith("My leader listens")
    detail = client.get(response["Location"]).content.decode()
    assert "mindst 5 har svaret" in detail  # the anonymity text, shown before opening
    client.post(reverse("rounds:action", args=["fjordby", round_.pk, "open"]))
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN
    assert Invitation.objects.filter(round=round_).count() == 15
    Invitation.objects.filter(
        pk__in=Invitation.objects.filter(round=round_, leader__employee_id="3").values("pk")[:2]
    ).update(completed=True)
    detail = client.get(reverse("rounds:detail", args=["fjordby", round_.pk])).content.decode()
    assert "2 af 15 har svaret." in detail
    # Cecilie's three employees are fewer than the minimum: their count is not shown on its own.
    assert "Medarbejdere: færre end 5 inviterede" in detail
    assert "2 af 5" not in detail
    client.post(reverse("rounds:action", args=["fjordby", round_.pk, "remind"]))
    round_.refresh_from_db()
    assert round_.reminders_requested == 1
    client.post(reverse("rounds:action", args=["fjordby", round_.pk, "close"]))
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED


def test_a_round_with_a_rule_broken_is_not_created_and_says_why(client, fjordby_hr):
    client.login(username=fjordby_hr.email, password=PASSWORD)
    response = client.post(
        reverse("rounds:create", args=["fjordby"]), form_data(min_group_size="2", local_en="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Skriv lige mange lokale udsagn" in html
    assert not Round.objects.exists()


def test_nobody_outside_the_organisation_sees_its_rounds(
    client, fjordby_hr, other_organisation, hr
):
    client.login(username=fjordby_hr.email, password=PASSWORD)
    client.post(reverse("rounds:create", args=["fjordby"]), form_data())
    round_ = Round.objects.get()
    client.logout()
    stranger = hr(other_organisation)
    client.login(username=stranger.email, password=PASSWORD)
    assert client.get(reverse("rounds:list", args=["fjordby"])).status_code == 404
    assert client.get(reverse("rounds:detail", args=["fjordby", round_.pk])).status_code == 404
    assert (
        client.post(reverse("rounds:action", args=["fjordby", round_.pk, "open"])).status_code
        == 404
    )
    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT


def test_a_leader_follows_their_own_response_rate_as_counts(client, fjordby_hr):
    from omstil.rounds.services import open_round
    from tests.rounds_helpers import draft_round

    # Cecilie has three employees: a group as small as the round's minimum is shown.
    round_ = draft_round(fjordby_hr.memberships.get().organisation, min_group_size=3)
    open_round(round_)
    Invitation.objects.filter(
        pk__in=Invitation.objects.filter(
            round=round_, leader__employee_id="3", rater_group="employee"
        ).values("pk")[:2]
    ).update(completed=True)
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    client.login(username=cecilie.email, password=PASSWORD)
    html = client.get(reverse("my_rounds")).content.decode()
    assert "Ledelsesevaluering 2026" in html
    assert "2 af 3" in html
    assert "Dorte" not in html
    client.logout()
    client.login(username=fjordby_hr.email, password=PASSWORD)
    assert "Du bliver ikke evalueret" in client.get(reverse("my_rounds")).content.decode()
