"""Who took part is shown only for groups of at least the minimum invited, and at most hourly."""

import io
import json
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from omstil.lib.disclosure import participation
from omstil.reports.services import leader_report
from omstil.responses.closing import close_round
from omstil.rounds.models import Invitation, Round
from omstil.rounds.services import open_round
from tests.hrfiles import PEOPLE
from tests.report_fixtures import MORE
from tests.rounds_helpers import draft_round, kommune

HIDDEN = "færre end 5 inviterede"


@pytest.mark.parametrize(
    ("invited", "completed", "shown"),
    [(5, 2, 2), (9, 0, 0), (4, 4, None), (1, 0, None), (0, 0, None)],
)
def test_a_count_is_shown_only_for_a_group_of_the_minimum_invited(invited, completed, shown):
    assert participation(invited, completed, 5) == shown


@pytest.fixture
def running(db) -> Round:
    """Cecilie has eight employees, Gustav one: the round's minimum is 5."""
    round_ = draft_round(kommune([*PEOPLE, *MORE]))
    open_round(round_)
    return round_


def complete(round_: Round, leader: str, count: int) -> None:
    invitations = Invitation.objects.filter(
        round=round_, leader__employee_id=leader, rater_group="employee", completed=False
    )
    Invitation.objects.filter(pk__in=invitations.values("pk")[:count]).update(completed=True)


def round_page(client, hr, round_: Round) -> str:
    client.force_login(hr(round_.organisation))
    return client.get(reverse("rounds:detail", args=["fjordby", round_.pk])).content.decode()


def test_hr_sees_a_small_groups_count_only_in_the_units_total(client, hr, running):
    complete(running, "3", 2)
    complete(running, "7", 1)
    html = round_page(client, hr, running)
    assert "Cecilie" in html
    assert "Medarbejdere: 2 af 8" in html  # Cecilie's eight employees
    assert f"Medarbejdere: {HIDDEN}" in html  # Gustav's one: not "1 af 1"
    assert "1 af 1" not in html
    assert "Fjordby Kommune / Teknik</th><td>1 af 2" not in html  # Gustav and Hanne: 2 invited
    assert f"Fjordby Kommune / Teknik</th><td>{HIDDEN}" in html


def test_a_leader_sees_a_small_groups_count_as_too_few_invited(client, running):
    from omstil.accounts.services import set_up_user
    from tests.conftest import PASSWORD

    complete(running, "7", 1)
    client.force_login(set_up_user("gustav@fjordby.example", PASSWORD))
    html = client.get(reverse("my_rounds")).content.decode()
    assert HIDDEN in html
    assert "1 af 1" not in html


def test_counts_change_at_most_once_an_hour_while_the_round_runs(client, hr, running, settings):
    settings.OMSTIL_PARTICIPATION_REFRESH_SECONDS = 3600
    now = timezone.now()
    with mock.patch("omstil.rounds.participation.timezone.now", return_value=now):
        assert "0 af 8" in round_page(client, hr, running)
        complete(running, "3", 1)
        assert "0 af 8" in round_page(client, hr, running)  # not tied to the one submit
        out = io.StringIO()
        call_command("round", "status", str(running.pk), "--json", stdout=out)
        assert json.loads(out.getvalue())["completed"] == 1  # the operator's count is live
    with mock.patch(
        "omstil.rounds.participation.timezone.now", return_value=now + timedelta(hours=1)
    ):
        assert "1 af 8" in round_page(client, hr, running)


def test_a_closed_report_shows_the_count_of_a_small_group_as_too_few_invited(running):
    from omstil.responses.closing import close_round

    complete(running, "7", 1)
    complete(running, "3", 3)
    close_round(running)
    running.refresh_from_db()
    assert leader_report(running, "7")["response_rate"]["employee"] == {
        "invited": 1,
        "completed": None,
        "hidden": "few",
    }
    assert leader_report(running, "3")["response_rate"]["employee"] == {
        "invited": 8,
        "completed": 3,
        "hidden": None,
    }


def test_reports_show_no_count_that_subtracts_down_to_a_small_group(running):
    from omstil.reports.services import unit_report
    from omstil.responses.closing import close_round

    complete(running, "3", 4)
    close_round(running)
    running.refresh_from_db()
    # Social holds Bo's employee group (Cecilie alone, 1 invited) and Hjemmeplejen (8): the
    # Social report's count minus Hjemmeplejen's would be Bo's group, so one of them goes.
    social = unit_report(running, "Fjordby Kommune / Social")["response_rate"]["employee"]
    home = unit_report(running, "Fjordby Kommune / Social / Hjemmeplejen")["response_rate"][
        "employee"
    ]
    assert social["completed"] is None or home["completed"] is None
    assert (social["invited"], social["hidden"]) == (10, "derived")  # many, but derivable
    assert leader_report(running, "3")["response_rate"]["employee"]["completed"] == 4


def test_a_leader_reaches_their_own_self_rating_from_my_rounds_while_the_round_is_open(
    client, running
):
    from omstil.accounts.services import set_up_user
    from tests.conftest import PASSWORD

    client.force_login(set_up_user("gustav@fjordby.example", PASSWORD))
    html = client.get(reverse("my_rounds")).content.decode()
    assert "Du har ikke svaret endnu" in html
    own = "Svar på udsagnene om din egen ledelse"
    (link,) = re.findall(rf'<a href="(/svar/[^"]+/)">{own}</a>', html)
    start = client.get(link).content.decode()
    assert "Du svarer på udsagn om din egen ledelse." in start
    close_round(running)
    assert own not in client.get(reverse("my_rounds")).content.decode()
