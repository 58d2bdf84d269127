"""From report to action: the dialogue pages and the leader's development plan."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from omstil.accounts.services import set_up_user
from omstil.development import services
from omstil.development.models import Action, DevelopmentPlan, Focus, PlanComment
from omstil.organisations.services import add_admin
from omstil.rounds.models import EvaluatedLeader, Round
from tests.conftest import PASSWORD
from tests.rounds_helpers import KEYS


def log_in(client, email, admin_of=None):
    user = set_up_user(email, PASSWORD)
    if admin_of is not None:
        add_admin(admin_of, user, actor=None)
    client.login(username=email, password=PASSWORD)
    return user


def url(name, round_, employee_id="3", *args):
    return reverse(f"development:{name}", args=[round_.pk, employee_id, *args])


def cecilie(round_) -> EvaluatedLeader:
    return EvaluatedLeader.objects.get(round=round_, employee_id="3")


# Dialogue


def test_the_leader_gets_an_agenda_and_a_meeting_guide_from_the_report(client, closed):
    log_in(client, "cecilie@fjordby.example")
    response = client.get(url("dialogue", closed))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Samtalen med din overordnede leder" in html
    assert "Dialogmødet med medarbejderne" in html
    # Strengths come from the shown employee means, highest first (KEYS[4]: 4.5 from 4 answers
    # is hidden, so the highest shown is KEYS[1] with 4.0).
    strengths = html.split("Styrker, du vil bygge videre på:")[1].split("</ul>")[0]
    assert "(4,0)" in strengths
    # A blind spot: Cecilie rated herself 5 everywhere.
    assert "en mulig blind plet" in html
    assert "Spørg aldrig, hvem der har svaret hvad" in html
    # Hidden figures stay hidden in the guide as well.
    assert "skjult for at beskytte en mindre gruppe" in html
    # The meeting's questions are for the group; the leader's own stay with the report.
    meeting = html.split("Dialogmødet med medarbejderne")[1]
    assert "Hvad har vi brug for at lære for at kunne bruge de teknologier" in meeting
    assert "Refleksionsspørgsmål" not in meeting


def test_the_dialogue_pdf_holds_the_agenda(client, closed):
    from pypdf import PdfReader

    log_in(client, "cecilie@fjordby.example")
    response = client.get(url("dialogue", closed), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Dagsorden" in text
    assert "Spørgsmål til mødet" in text


def test_the_dialogue_in_english(client, closed):
    log_in(client, "cecilie@fjordby.example")
    client.cookies["omstil_language"] = "en"
    html = client.get(url("dialogue", closed)).content.decode()
    assert "The talk with your superior" in html
    assert "Never ask who answered what" in html


@pytest.mark.parametrize("email", ["gustav@fjordby.example", "hr@fjordby.example"])
def test_others_get_no_dialogue(client, closed, email):
    log_in(client, email)
    assert client.get(url("dialogue", closed)).status_code == 404


# The plan


def test_the_leader_makes_a_plan_with_focus_and_actions(client, closed):
    log_in(client, "cecilie@fjordby.example")
    assert client.get(url("plan", closed)).status_code == 200
    response = client.post(
        url("plan_focus", closed), {"items": [KEYS[0], KEYS[2]], "competence": "Data i hverdagen"}
    )
    assert response.status_code == 302
    plan = DevelopmentPlan.objects.get(leader=cecilie(closed))
    assert [(f.item_key, f.competence) for f in plan.focus.all()] == [
        (KEYS[0], ""),
        (KEYS[2], ""),
        ("", "Data i hverdagen"),
    ]
    deadline = date.today() + timedelta(days=30)
    response = client.post(
        url("plan_action", closed),
        {
            "text": "Fælles gennemgang af nye it-systemer",
            "benefit": "Færre fejl i sagsbehandlingen",
            "owner": "Cecilie",
            "deadline": deadline,
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(plan=plan)
    assert action.benefit == "Færre fejl i sagsbehandlingen"
    client.post(url("plan_progress", closed, "3", action.pk), {f"a{action.pk}-progress": "done"})
    action.refresh_from_db()
    assert action.progress == Action.Progress.DONE
    html = client.get(url("plan", closed)).content.decode()
    assert "Fælles gennemgang af nye it-systemer" in html
    assert "Færre fejl i sagsbehandlingen" in html  # the expected benefit, beside the action
    assert "Data i hverdagen" in html
    # The focus reads in the leader's own wording: it is their plan.
    assert "Jeg sikrer, at mine medarbejderes kompetencer er opdaterede" in html
    assert "Min leder sikrer, at vores kompetencer er opdaterede" not in html
    client.post(url("plan_delete_action", closed, "3", action.pk))
    assert not Action.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"items": []}, "Vælg mellem 1 og 3 fokuspunkter (du valgte 0)."),
        (
            {"items": KEYS[:3], "competence": "Mere"},
            "Vælg mellem 1 og 3 fokuspunkter (du valgte 4).",
        ),
    ],
)
def test_a_focus_outside_one_to_three_is_refused_and_nothing_stored(client, closed, data, message):
    log_in(client, "cecilie@fjordby.example")
    response = client.post(url("plan_focus", closed), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Focus.objects.exists()


def test_a_statement_of_another_round_is_refused(closed):
    with pytest.raises(services.PlanInvalid, match="findes ikke i runden"):
        services.set_focus(cecilie(closed), ["ti-bud.noget-andet"], [], actor=None)
    assert not DevelopmentPlan.objects.exists()


def test_an_action_needs_focus_text_owner_and_a_deadline_not_in_the_past(client, closed):
    log_in(client, "cecilie@fjordby.example")
    response = client.post(url("plan_action", closed), {"text": "x", "owner": "y", "deadline": ""})
    assert response.status_code == 400
    client.post(url("plan_focus", closed), {"items": [KEYS[0]]})
    yesterday = date.today() - timedelta(days=1)
    response = client.post(
        url("plan_action", closed), {"text": "x", "owner": "y", "deadline": yesterday}
    )
    assert response.status_code == 400
    assert "Fristen kan ikke ligge før i dag." in response.content.decode()
    assert not Action.objects.exists()


def test_the_superior_sees_the_plan_and_comments_but_cannot_change_it(client, closed):
    services.set_focus(cecilie(closed), [KEYS[0]], [], actor=None)
    log_in(client, "bo@fjordby.example")  # Cecilie's superior; the policy lets superiors see
    assert client.get(url("plan", closed)).status_code == 200
    response = client.post(url("plan_comment", closed), {"text": "Godt valg. Lad os tale om det."})
    assert response.status_code == 302
    assert PlanComment.objects.get().author_name == "Bo Socialchef"
    assert client.post(url("plan_focus", closed), {"items": [KEYS[1]]}).status_code == 404
    assert list(Focus.objects.values_list("item_key", flat=True)) == [KEYS[0]]


def test_without_the_superior_policy_the_superior_does_not_see_the_plan(client, closed):
    Round.objects.filter(pk=closed.pk).update(visibility={"leader": True})
    log_in(client, "bo@fjordby.example")
    assert client.get(url("plan", closed)).status_code == 404


@pytest.mark.parametrize("email", ["gustav@fjordby.example", "hr@fjordby.example"])
def test_other_leaders_and_hr_never_see_a_plan(client, closed, email):
    Round.objects.filter(pk=closed.pk).update(visibility={**closed.visibility, "org_admins": True})
    services.set_focus(cecilie(closed), [KEYS[0]], [], actor=None)
    log_in(client, email, admin_of=closed.organisation if email.startswith("hr") else None)
    assert client.get(url("plan", closed)).status_code == 404
    assert client.post(url("plan_comment", closed), {"text": "Hej"}).status_code == 404
    assert not PlanComment.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, closed):
    response = client.get(url("plan", closed))
    assert response.status_code == 302
    assert "/konto/" in response["Location"]


def test_hr_sees_how_many_plans_and_how_far_as_counts(client, closed):
    services.set_focus(cecilie(closed), [KEYS[0]], [], actor=None)
    later = date.today() + timedelta(days=20)
    services.add_action(cecilie(closed), "Første", "Cecilie", later, actor=None)
    done = services.add_action(cecilie(closed), "Anden", "Cecilie", later, actor=None)
    services.set_progress(done, "done", actor=None)
    log_in(client, "hr@fjordby.example", admin_of=closed.organisation)
    html = client.get(
        reverse("rounds:detail", args=[closed.organisation.slug, closed.pk])
    ).content.decode()
    assert "1 af 4 evaluerede ledere har lavet en udviklingsplan." in html
    assert "Planerne har 2 handlinger: 1 gennemført, 0 i gang og 1 ikke begyndt." in html
    assert "Første" not in html


def test_a_reminder_goes_a_week_before_the_deadline_once(transactional_db, smtp_server, request):
    closed = request.getfixturevalue("closed")
    services.set_focus(cecilie(closed), [KEYS[0]], [], actor=None)
    soon = services.add_action(
        cecilie(closed), "Tal med teamet", "Cecilie", date.today(), actor=None
    )
    services.add_action(
        cecilie(closed), "Senere", "Cecilie", date.today() + timedelta(days=30), actor=None
    )
    done = services.add_action(cecilie(closed), "Gjort", "Cecilie", date.today(), actor=None)
    services.set_progress(done, "done", actor=None)
    call_command("round", "tick", verbosity=0)
    call_command("round", "tick", verbosity=0)  # a second tick the same day sends nothing new
    call_command("worker", "--burst", verbosity=0)
    # Closing the round sent "Din rapport er klar"; of the plan's reminders there is one.
    [message] = [m for m in smtp_server.messages if "Frist for en handling" in m["Subject"]]
    assert message["To"] == "cecilie@fjordby.example"
    assert "Frist for en handling i din udviklingsplan" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "Tal med teamet" in body
    assert f"/udvikling/{closed.pk}/3/plan/" in body
    soon.refresh_from_db()
    assert soon.reminded_on == date.today()


def test_the_next_report_shows_the_plan_beside_the_change(client, closed, later):
    services.set_focus(cecilie(closed), [KEYS[0]], ["Data i hverdagen"], actor=None)
    services.add_action(
        cecilie(closed), "Første", "Cecilie", date.today() + timedelta(days=5), actor=None
    )
    log_in(client, "cecilie@fjordby.example")
    html = client.get(reverse("reports:leader", args=[later.pk, "3"])).content.decode()
    section = html.split("Din udviklingsplan fra")[1].split("</table>")[0]
    assert "+1,4" in section  # KEYS[0]: 3.6 before, 5.0 now
    assert "en kompetence, ikke et udsagn i runden" in section
    assert "0 af 1 handling er gennemført." in html
    # Not in the version the leader shares with the employees.
    shared = client.get(
        reverse("reports:leader", args=[later.pk, "3"]), {"version": "medarbejdere"}
    ).content.decode()
    assert "Din udviklingsplan fra" not in shared


def test_the_superior_page_lists_the_leaders_below_with_their_reports_and_plans(client, closed):
    services.set_focus(cecilie(closed), [KEYS[0]], [], actor=None)
    services.add_action(
        cecilie(closed), "Ugentlig status", "Cecilie", date.today() + timedelta(days=30), actor=None
    )
    log_in(client, "bo@fjordby.example")  # Cecilie's superior
    page = client.get(reverse("development:superior")).content.decode()
    assert "Cecilie" in page
    assert reverse("reports:leader", args=[closed.pk, "3"]) in page
    assert url("plan", closed) in page
    assert "Lavet, 1 handling" in page
    assert "Gustav" not in page  # not below Bo
    assert reverse("development:superior") in client.get(reverse("site:home")).content.decode()


def test_without_the_superior_policy_the_superior_page_links_to_nothing(client, closed):
    Round.objects.filter(pk=closed.pk).update(visibility={"leader": True})
    log_in(client, "bo@fjordby.example")
    page = client.get(reverse("development:superior")).content.decode()
    assert "Cecilie" in page
    assert "giver ikke de overordnede ledere adgang" in page
    assert reverse("reports:leader", args=[closed.pk, "3"]) not in page
    assert url("plan", closed) not in page


def test_a_leader_with_nobody_below_sees_that_on_the_superior_page(client, closed):
    log_in(client, "dorte@fjordby.example")
    page = client.get(reverse("development:superior")).content.decode()
    assert "Ingen ledere har dig som overordnet" in page
