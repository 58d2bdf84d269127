"""Insight (art. 15): HR gets everything Omstil holds about one person, as a page, JSON and PDF,
and nothing about anyone else beyond the person's own leader's name; anonymous answers are
said to be unfindable; every production is audited; only the organisation's admins see it."""

import io
import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from omstil.accounts.models import User
from omstil.accounts.services import set_up_user
from omstil.core.audit import audit
from omstil.core.models import AuditEntry
from omstil.core.tasks import send_email
from omstil.development.access import Role
from omstil.development.follow_up import record_follow_up
from omstil.development.services import add_action, add_comment, set_focus
from omstil.organisations.models import Organisation, Person
from omstil.organisations.services import add_admin
from omstil.privacy.deletion import delete_person
from omstil.privacy.insight import (
    SCHEMA,
    find_by_number_or_email,
    find_person,
    insight_pdf,
    person_insight,
)
from omstil.programmes.services import (
    ModuleSetup,
    ProgrammeSetup,
    add_module,
    create_programme,
    set_attendance,
)
from omstil.rounds import listcheck
from omstil.rounds.models import EvaluatedLeader, Round
from omstil.rounds.services import open_round
from omstil.selfassessment import services as selfassessment
from tests.conftest import PASSWORD
from tests.rounds_helpers import KEYS, draft_round

TODAY = timezone.localdate()
FOCUS = "Jeg sikrer, at mine medarbejdere har de digitale kompetencer"


@dataclass
class Kommune:
    organisation: Organisation
    closed: Round
    cecilie: Person
    admin: User

    @property
    def account(self) -> User:
        assert self.cecilie.user is not None
        return self.cecilie.user


def person(employee_id: str) -> Person:
    return Person.objects.select_related("user", "organisation", "unit").get(
        organisation__slug="fjordby", employee_id=employee_id
    )


def user_of(employee_id: str) -> User:
    user = person(employee_id).user
    assert user is not None
    return user


@pytest.fixture
def kommune(closed, hr) -> Kommune:
    """The closed round's Cecilie (3) with a plan commented on by herself, her superior Bo (2)
    and the director Anne (1); a programme with Gustav (7) beside her; a list correction on a
    draft; a self-assessment; and audit entries by her, about her, and about others."""
    organisation = closed.organisation
    admin = hr(organisation)
    cecilie = person("3")
    account = user_of("3")
    leader = EvaluatedLeader.objects.get(round=closed, employee_id="3")
    set_focus(leader, [KEYS[0]], ["Datadrevet ledelse"], actor=account)
    add_action(
        leader,
        "Holde et temamøde om nye værktøjer",
        cecilie.name,
        TODAY + timedelta(days=30),
        actor=account,
        benefit="Færre dobbeltregistreringer",
    )
    add_comment(leader, account, "Jeg starter efter sommerferien")
    add_comment(leader, user_of("2"), "Godt fokus, lad os tale om det i august")
    add_comment(leader, user_of("1"), "Husk budgettet")
    record_follow_up(
        leader, Role.OWNER, superior_talk_on=TODAY, dialogue_meeting_on=TODAY, actor=account
    )

    programme = create_programme(
        organisation,
        ProgrammeSetup(
            name="Digital ledelse i praksis",
            starts_on=TODAY - timedelta(days=10),
            ends_on=TODAY + timedelta(days=90),
            participants=["3", "7"],
        ),
        actor=admin,
    )
    first = add_module(
        programme,
        ModuleSetup(title="Retning og mening", held_on=TODAY, elements=["ledelse"]),
        actor=admin,
    )
    later = TODAY + timedelta(days=30)
    add_module(programme, ModuleSetup(title="Data i hverdagen", held_on=later, elements=["it"]))
    set_attendance(first, ["3", "7"], actor=admin)

    draft = draft_round(
        organisation, name="Ledelsesevaluering 2027", opens_on=TODAY + timedelta(days=20)
    )
    listcheck.start_list_check(draft, TODAY + timedelta(days=3), actor=admin)
    listcheck.report_correction(
        listcheck.get_own_list(account, draft.pk), "Listen mangler en nyansat", actor=account
    )

    assessment = selfassessment.start_self_assessment(account, "ti-bud")
    pages = selfassessment.pages(assessment.version, "da")
    for page in pages:
        selfassessment.save_page(
            assessment,
            page,
            {statement.key: "4" for statement in page.statements},
            "Jeg vil øve mig i at sætte retning" if page is pages[0] else "",
            complete=page is pages[-1],
        )

    audit(
        "report.leader",
        actor=user_of("2"),
        organisation="fjordby",
        round=closed.pk,
        subject="3",
        format="pdf",
    )
    audit("report.leader", actor=user_of("1"), organisation="fjordby", round=closed.pk, subject="3")
    audit("report.leader", actor=admin, organisation="fjordby", round=closed.pk, subject="7")
    audit(
        "report.leader",
        actor=account,
        organisation="fjordby",
        round=closed.pk,
        subject="7",
        format="html",
    )
    return Kommune(organisation, closed, person("3"), admin)


def others_names_and_addresses(kommune: Kommune) -> list[str]:
    """Every name and e-mail address in Omstil but Cecilie's own and her leader Bo's name."""
    values = set()
    for name, email in Person.objects.values_list("name", "email"):
        values |= {name, email}
    for name, email in User.objects.values_list("name", "email"):
        values |= {name, email}
    values -= {kommune.cecilie.name, kommune.cecilie.email, "Bo Socialchef"}
    return sorted(value for value in values if value)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def page_url(employee_id: str = "3") -> str:
    return reverse("insight:person", args=["fjordby", employee_id])


def signed_in(client, user: User):
    client.force_login(user)
    return client


# What it holds -------------------------------------------------------------------------------


def test_the_json_has_a_header_and_the_hr_data_with_the_leader_by_name_only(kommune):
    insight = person_insight(kommune.cecilie)

    assert insight["schema"] == SCHEMA
    assert insight["organisation"] == {"slug": "fjordby", "name": "Fjordby Kommune"}
    assert insight["generated_at"].startswith(str(TODAY.year))
    assert insight["person"] | {"created_at": None, "updated_at": None} == {
        "employee_id": "3",
        "name": "Cecilie Ærø",
        "email": "cecilie@fjordby.example",
        "unit": "Fjordby Kommune / Social / Hjemmeplejen",
        "is_leader": True,
        "leader_since": kommune.cecilie.leader_since.isoformat(),
        "nearest_leader": "Bo Socialchef",
        "reporting_line_from_hr_file": False,
        "job_family": "Leder",
        "language": "da",
        "active": True,
        "left_at": None,
        "created_at": None,
        "updated_at": None,
    }
    assert insight["account"]["email"] == "cecilie@fjordby.example"
    assert insight["account"]["roles"] == ["Leder"]
    assert "password" not in json.dumps(insight["account"]).replace("password_set", "")


def test_the_invitations_say_about_whom_and_that_a_closed_round_keeps_no_completion(kommune):
    invitations = person_insight(kommune.cecilie)["invitations"]

    assert {(row["rater_group"], row["about"]) for row in invitations} == {
        ("employee", "Bo Socialchef"),
        ("self", "personen selv"),
    }
    for row in invitations:
        assert row["round"] == "Ledelsesevaluering 2026"
        assert row["completed"] is None
        assert "Omstil gemmer ikke længere, om personen svarede" in row["note"]


def test_an_open_round_shows_whether_they_were_emailed_reminded_and_have_answered(kommune):
    round_ = draft_round(kommune.organisation, name="Pulsmåling", opens_on=TODAY)
    open_round(round_)

    rows = [
        row
        for row in person_insight(kommune.cecilie)["invitations"]
        if row["round"] == ("Pulsmåling")
    ]

    assert rows
    for row in rows:
        assert row["completed"] is False
        assert row["reminders_sent"] == 0
        assert row["note"] == ""


def test_the_rounds_they_were_evaluated_in_say_their_report_exists(kommune):
    evaluations = person_insight(kommune.cecilie)["evaluations"]

    assert [(row["round"], row["unit"], row["report_exists"]) for row in evaluations] == [
        ("Ledelsesevaluering 2026", "Fjordby Kommune / Social / Hjemmeplejen", True)
    ]
    assert person_insight(person("2"))["superior_of"] == [
        {"round": "Ledelsesevaluering 2026", "round_id": kommune.closed.pk, "leaders": 1}
    ]


def test_the_plan_shows_focus_actions_follow_up_and_comments_by_role(kommune):
    insight = person_insight(kommune.cecilie)
    (plan,) = insight["development_plans"]

    assert [focus["text"] for focus in plan["focus"]][1] == "Datadrevet ledelse"
    assert plan["focus"][0]["statement"] == KEYS[0]
    assert plan["focus"][0]["text"].startswith("Jeg ")
    assert [(action["text"], action["benefit"]) for action in plan["actions"]] == [
        ("Holde et temamøde om nye værktøjer", "Færre dobbeltregistreringer")
    ]
    assert [(comment["by"], comment["text"]) for comment in plan["comments"]] == [
        ("personen selv", "Jeg starter efter sommerferien"),
        ("nærmeste leder, Bo Socialchef", "Godt fokus, lad os tale om det i august"),
        ("en anden leder i organisationen", "Husk budgettet"),
    ]
    (follow_up,) = insight["follow_ups"]
    assert follow_up["superior_talk_on"] == follow_up["dialogue_meeting_on"] == TODAY.isoformat()


def test_programmes_list_corrections_and_self_assessments_are_there(kommune):
    insight = person_insight(kommune.cecilie)

    (programme,) = insight["programmes"]
    assert programme["name"] == "Digital ledelse i praksis"
    assert [(module["title"], module["attended"]) for module in programme["modules"]] == [
        ("Retning og mening", True),
        ("Data i hverdagen", False),
    ]
    assert [(row["round"], row["text"]) for row in insight["list_corrections"]] == [
        ("Ledelsesevaluering 2027", "Listen mangler en nyansat")
    ]
    (sitting,) = insight["self_assessments"]
    assert sitting["status"] == "Afsluttet"
    assert sitting["completed_at"] is not None
    assert len(sitting["answers"]) == 10
    assert {answer["label"] for answer in sitting["answers"]} == {"Enig"}
    assert [note["text"] for note in sitting["notes"]] == ["Jeg vil øve mig i at sætte retning"]


def test_audit_entries_by_them_and_about_them_name_nobody_else(kommune):
    audit_entries = person_insight(kommune.cecilie)["audit"]
    by_person = {row["event"] for row in audit_entries["by_person"]}
    about = [(row["event"], row["actor"]) for row in audit_entries["about_person"]]

    assert {"plan.focus", "plan.comment", "round.list_correction", "selfassessment.complete"} <= (
        by_person
    )
    assert ("report.leader", "nærmeste leder, Bo Socialchef") in about
    assert ("report.leader", "en anden leder i organisationen") in about
    assert ("plan.comment", "nærmeste leder, Bo Socialchef") in about
    assert ("programme.attendance", "en organisationsadministrator (HR)") not in about
    # HR's look at Gustav's report is not about Cecilie; her own look at it does not say whose.
    assert all(row["fields"].get("subject") != "7" for row in audit_entries["about_person"])
    (own_look,) = [
        row
        for row in audit_entries["by_person"]
        if row["event"] == "report.leader" and row["fields"].get("format") == "html"
    ]
    assert "subject" not in own_look["fields"]
    created = [row for row in audit_entries["about_person"] if row["event"] == "account.create"]
    assert created
    assert created[0]["fields"]["users"] == [kommune.account.pk]
    assert created[0]["actor"] == "systemet"


def test_e_mails_to_them_in_the_queue_are_listed_without_what_they_said(kommune):
    send_email.enqueue(["cecilie@fjordby.example"], "Om Gustav Berg", "Kære Cecilie")
    send_email.enqueue(["gustav@fjordby.example"], "Om Cecilie Ærø", "Kære Gustav")

    (queued,) = person_insight(kommune.cecilie)["emails"]

    assert set(queued) == {"enqueued_at", "finished_at", "status", "status_label"}
    assert queued["status_label"] == "venter på at blive sendt"


def test_the_anonymity_statement_and_what_the_organisation_can_do_instead(kommune):
    anonymous = person_insight(kommune.cecilie)["anonymous_answers"]

    assert "intet i Omstil forbinder et svar med den, der gav det" in anonymous["statement"]
    assert len(anonymous["instead"]) >= 3
    assert any("mindst 5" in line for line in anonymous["instead"])


def test_nothing_of_anyone_else_is_in_the_json_or_the_pdf(kommune):
    others = others_names_and_addresses(kommune)
    assert {"Gustav Berg", "bo@fjordby.example", "Hanne HR", "hr@fjordby.example"} <= set(others)

    text = json.dumps(person_insight(kommune.cecilie), ensure_ascii=False)
    pdf = pdf_text(insight_pdf(kommune.cecilie, "da"))

    for shown in (text, pdf):
        assert "Cecilie Ærø" in shown
        assert "Bo Socialchef" in shown
    for value in others:
        assert value not in text, value
        assert value not in pdf, value


def test_the_pdf_is_a_real_pdf_with_the_anonymity_statement_in_either_language(kommune):
    for language in ("da", "en"):
        pdf = insight_pdf(kommune.cecilie, language)
        assert pdf.startswith(b"%PDF-")
        text = pdf_text(pdf)
        assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2
        assert "Cecilie Ærø" in text
        assert "Listen mangler en nyansat" in text
        assert "Jeg vil øve mig i at sætte retning" in text
    assert "intet i Omstil forbinder et svar med den, der gav det" in pdf_text(
        insight_pdf(kommune.cecilie, "da")
    )


def test_an_unknown_or_deleted_person_is_not_found(kommune):
    assert find_person(kommune.organisation, "3") == kommune.cecilie
    assert find_person(kommune.organisation, "999") is None
    assert find_by_number_or_email(kommune.organisation, " CECILIE@fjordby.example ") == (
        kommune.cecilie
    )
    other = Organisation.objects.create(slug="anden", name="Anden Kommune")
    assert find_person(other, "3") is None

    delete_person(person("4"), actor=None)

    assert find_person(kommune.organisation, "4") is None
    assert find_by_number_or_email(kommune.organisation, "dorte@fjordby.example") is None


def test_a_deleted_leader_is_spoken_of_as_deleted_and_an_erased_row_is_nobodys(kommune):
    delete_person(person("2"), actor=None)
    EvaluatedLeader.objects.filter(round=kommune.closed, employee_id="3").update(
        erased_at=timezone.now()
    )

    insight = person_insight(person("3"))
    text = json.dumps(insight, ensure_ascii=False)

    assert insight["person"]["nearest_leader"] is None
    # Bo is deleted, and the row Cecilie was evaluated in is nobody's, not even hers.
    assert {row["about"] for row in insight["invitations"]} == {"en leder, der siden er slettet"}
    assert insight["evaluations"] == []
    assert insight["development_plans"] == []
    assert "Bo Socialchef" not in text


# The pages ------------------------------------------------------------------------------------


def test_hr_finds_a_person_by_number_or_e_mail_and_sees_the_page(client, kommune):
    signed_in(client, kommune.admin)
    find = reverse("insight:find", args=["fjordby"])

    assert client.get(find).status_code == 200
    response = client.post(find, {"person": "cecilie@fjordby.example"})
    assert response.status_code == 302
    assert response["Location"] == page_url("3")
    assert client.post(find, {"person": "3"})["Location"] == page_url("3")

    page = client.get(page_url("3"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Indsigt: Cecilie Ærø" in html
    assert "Listen mangler en nyansat" in html
    assert "intet i Omstil forbinder et svar med den, der gav det" in html
    # The page's header names whoever is signed in; what is shown of the person is below it.
    shown = html.split('<main id="main-content"', 1)[1]
    for value in others_names_and_addresses(kommune):
        assert value not in shown, value


def test_an_unknown_number_or_address_is_an_error_on_the_field(client, kommune):
    signed_in(client, kommune.admin)

    response = client.post(reverse("insight:find", args=["fjordby"]), {"person": "ingen@x.dk"})

    assert response.status_code == 200
    assert (
        "Der er ingen person med medarbejdernummeret eller e-mailadressen “ingen@x.dk” i "
        "Fjordby Kommune." in response.content.decode()
    )
    empty = client.post(reverse("insight:find", args=["fjordby"]), {"person": " "})
    assert "Skriv et medarbejdernummer eller en e-mailadresse." in empty.content.decode()
    assert client.get(page_url("999")).status_code == 404


def test_json_and_pdf_download_and_every_production_is_audited_without_the_name(client, kommune):
    signed_in(client, kommune.admin)

    page = client.get(page_url())
    as_json = client.get(page_url(), {"format": "json"})
    as_pdf = client.get(page_url(), {"format": "pdf", "language": "en"})

    assert as_json["Content-Type"].startswith("application/json")
    assert "attachment" in as_json["Content-Disposition"]
    assert json.loads(as_json.content)["person"]["employee_id"] == "3"
    assert as_pdf["Content-Type"] == "application/pdf"
    assert as_pdf.content.startswith(b"%PDF-")
    assert page.status_code == 200
    entries = AuditEntry.objects.filter(event="person.insight").order_by("pk")
    assert [entry.fields for entry in entries] == [
        {"employee_id": "3", "format": form} for form in ("html", "json", "pdf")
    ]
    assert {entry.actor_id for entry in entries} == {kommune.admin.pk}
    for entry in entries:
        assert "Cecilie" not in json.dumps(entry.fields, ensure_ascii=False)
    again = person_insight(kommune.cecilie)["audit"]["about_person"]
    assert [row["actor"] for row in again if row["event"] == "person.insight"] == [
        "en organisationsadministrator (HR)"
    ] * 3
    assert client.get(page_url(), {"format": "xml"}).status_code == 404


def test_only_the_organisations_administrators_and_system_admins_get_in(
    client, kommune, system_admin
):
    elsewhere = Organisation.objects.create(slug="anden", name="Anden Kommune")
    other_admin = set_up_user("hr@anden.example", PASSWORD, name="Anders Anden")
    add_admin(elsewhere, other_admin, actor=None)
    find = reverse("insight:find", args=["fjordby"])

    assert client.get(page_url()).status_code == 302  # to the login page
    for outsider in (other_admin, user_of("2"), kommune.account):
        client.force_login(outsider)
        assert client.get(find).status_code == 404
        assert client.get(page_url()).status_code == 404
        assert client.get(page_url(), {"format": "json"}).status_code == 404
        assert client.post(find, {"person": "3"}).status_code == 404
    assert not AuditEntry.objects.filter(event="person.insight").exists()

    client.force_login(system_admin)
    assert client.get(page_url()).status_code == 200
    assert client.get(find).status_code == 200


def test_the_page_and_its_dates_are_in_english_when_english_is_chosen(client, kommune):
    signed_in(client, kommune.admin)
    client.cookies["omstil_language"] = "en"

    html = client.get(page_url()).content.decode()

    assert '<html lang="en">' in html
    assert TODAY.strftime("%b") in html
    assert "Cecilie Ærø" in html


def test_the_command_line_gives_the_insight_as_json_and_pdf(closed, tmp_path):
    from tests.privacy_helpers import run

    code, out, _err = run("person", "insight", "--org", "fjordby", "3", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["person"]["name"] == "Cecilie Ærø"
    assert "anonymous_answers" in document
    pdf = tmp_path / "indsigt.pdf"
    code, _out, _err = run(
        "person", "insight", "--org", "fjordby", "3", "--format", "pdf", "-o", str(pdf)
    )
    assert code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    formats = AuditEntry.objects.filter(event="person.insight").values_list("fields", flat=True)
    assert sorted(fields["format"] for fields in formats) == ["json", "pdf"]
    code, _out, err = run("person", "insight", "--org", "fjordby", "999", "--format", "json")
    assert code == 1
    assert "999" in err
