"""From the 10-bud result and the mapping's suggestions into the plan, in one click."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from omstil.development import services
from omstil.development.models import Action, DevelopmentPlan, Focus
from omstil.organisations.models import Person
from tests.rounds_helpers import KEYS
from tests.test_development import cecilie, log_in, url

WRITE = reverse("development:write_into_plan")


def test_a_competence_becomes_a_focus_point_of_the_leaders_latest_plan(client, closed, later):
    log_in(client, "cecilie@fjordby.example")
    response = client.post(WRITE, {"competence": "Bud 4: Jeg tør lukke ting ned", "as": "focus"})
    # The latest closed round's plan, not the earlier one.
    assert response["Location"] == url("plan", later)
    plan = DevelopmentPlan.objects.get()
    assert plan.round == later
    assert [point.competence for point in plan.focus.all()] == ["Bud 4: Jeg tør lukke ting ned"]
    page = client.get(response["Location"]).content.decode()
    assert "Det er skrevet ind i din udviklingsplan som et fokuspunkt." in page
    assert "Bud 4: Jeg tør lukke ting ned" in page
    # The same again adds nothing.
    client.post(WRITE, {"competence": "Bud 4: Jeg tør lukke ting ned", "as": "focus"})
    assert Focus.objects.count() == 1


def test_as_an_action_it_gets_the_leader_as_owner_and_a_deadline_in_twelve_weeks(client, closed):
    log_in(client, "cecilie@fjordby.example")
    client.post(WRITE, {"competence": "Digital dømmekraft", "as": "action"})
    action = Action.objects.get()
    assert action.text == "Arbejde med: Digital dømmekraft"
    assert action.owner == "Cecilie Ærø"
    assert action.deadline == timezone.localdate() + timedelta(weeks=12)
    assert list(Focus.objects.values_list("competence", flat=True)) == ["Digital dømmekraft"]


def test_a_full_plan_is_refused_with_a_message_and_nothing_changes(client, closed):
    services.set_focus(cecilie(closed), KEYS[:3], [], actor=None)
    log_in(client, "cecilie@fjordby.example")
    back = reverse("selfassessment:overview")
    response = client.post(WRITE, {"competence": "Noget nyt", "next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "Din plan har allerede 3 fokuspunkter." in response.content.decode()
    assert Focus.objects.count() == 3


def test_somebody_without_a_plan_is_told_why_and_sent_back_but_never_off_site(client, closed):
    log_in(client, "dorte@fjordby.example")  # an employee: evaluated in no round
    back = reverse("selfassessment:overview")
    response = client.post(WRITE, {"competence": "Data", "next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "Du har ingen udviklingsplan at skrive i endnu." in response.content.decode()
    assert not DevelopmentPlan.objects.exists()
    response = client.post(WRITE, {"competence": "Data", "next": "https://example.org/"})
    assert response["Location"] == reverse("site:home")


def test_an_empty_competence_is_refused(client, closed):
    log_in(client, "cecilie@fjordby.example")
    response = client.post(WRITE, {"competence": "   "}, follow=True)
    assert "Der er ikke noget at skrive ind i planen." in response.content.decode()
    assert not Focus.objects.exists()


def test_only_signed_in_users_and_only_by_post(client, closed):
    assert client.post(WRITE, {"competence": "Data"})["Location"].startswith("/konto/")
    log_in(client, "cecilie@fjordby.example")
    assert client.get(WRITE).status_code == 405


def test_the_ten_bud_result_offers_each_bud_to_the_plan(client, closed):
    from tests.test_selfassessment import take

    user = Person.objects.get(organisation=closed.organisation, employee_id="3").user
    assert user is not None
    assessment = take(user, "ti-bud", {f"ti-bud.bud-{n:02}": "3" for n in range(1, 11)})
    log_in(client, "cecilie@fjordby.example")
    page = client.get(reverse("selfassessment:result", args=[assessment.pk])).content.decode()
    assert page.count(f'action="{WRITE}"') == 10
    assert "Skriv det ind i din udviklingsplan" in page
    competence = page.split('name="competence" value="')[1].split('"')[0]
    client.post(WRITE, {"competence": competence, "as": "focus"})
    [point] = Focus.objects.all()
    assert point.competence.startswith("Jeg stiller mig selv spørgsmålet, hvordan jeg sikrer")
