"""The record of processing and the draft data processing annex follow the organisation's
settings, count its people, stay with its administrators and come out as PDF."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from omstil.accounts.models import Membership
from omstil.accounts.services import set_up_user
from omstil.core.models import AuditEntry
from omstil.organisations.models import Organisation, Person, SingleSignOn
from omstil.organisations.services import add_admin
from omstil.privacy.record import record_facts, record_html, record_pdf
from omstil.privacy.retention import rules_for, rules_text, set_rules
from omstil.rounds.models import Round
from tests.conftest import PASSWORD
from tests.rounds_helpers import draft_round, kommune

COMMENTS = "Fritekstkommentarer fra runder med kommentarfelt"
SUPERIORS = "Lederens overordnede ledere"


@pytest.fixture
def fjordby(db) -> Organisation:
    return kommune()


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def facts(organisation: Organisation) -> dict:
    with translation.override("da"):
        return record_facts(organisation)


def test_retention_sentence_follows_the_rules(fjordby):
    with translation.override("da"):
        before = rules_text(rules_for(fjordby))[0]
        assert facts(fjordby)["retention"][0] == before
        set_rules(fjordby, {"leavers_months": 2}, actor=None)
        after = rules_text(rules_for(fjordby))[0]
    assert after != before
    assert "2 måneder" in after
    assert facts(fjordby)["retention"][0] == after
    assert after in record_html(fjordby, "record", "da", printable=True)
    assert after in record_html(fjordby, "annex", "da", printable=False)


def test_own_login_names_its_issuer(fjordby):
    assert facts(fjordby)["single_sign_on"] == ""
    html = record_html(fjordby, "record", "da", printable=False)
    assert "login.fjordby.example" not in html
    SingleSignOn.objects.create(
        organisation=fjordby,
        issuer="https://login.fjordby.example/realms/ansatte",
        client_id="omstil",
        client_secret_encrypted="x",
        authorization_endpoint="https://login.fjordby.example/auth",
        token_endpoint="https://login.fjordby.example/token",
    )
    found = facts(fjordby)
    assert found["single_sign_on"] == "https://login.fjordby.example/realms/ansatte"
    assert any("login.fjordby.example/realms/ansatte" in item for item in found["data"])
    assert "https://login.fjordby.example/realms/ansatte" in [
        row["name"] for row in found["subprocessors"]
    ]
    assert "login.fjordby.example" in record_html(fjordby, "annex", "da", printable=True)


def test_hr_file_fields_are_named_in_danish(fjordby):
    hr_file = facts(fjordby)["data"][0]
    assert hr_file.startswith("HR-filen: medarbejdernummer, navn, e-mail, enhed, leder")
    assert "unit" not in hr_file


def test_comment_field_adds_free_text_to_the_categories(fjordby):
    assert not any(COMMENTS in item for item in facts(fjordby)["data"])
    round_ = draft_round(fjordby)
    assert not any(COMMENTS in item for item in facts(fjordby)["data"])
    Round.objects.filter(pk=round_.pk).update(comment_field=True)
    assert any(COMMENTS in item for item in facts(fjordby)["data"])
    assert COMMENTS in record_html(fjordby, "record", "da", printable=False)


def test_recipients_follow_the_rounds_visibility(fjordby):
    round_ = draft_round(fjordby)
    Round.objects.filter(pk=round_.pk).update(visibility={"leader": True, "superior": False})
    [entry] = facts(fjordby)["recipients"]
    superiors = {seeing.role: seeing.text for seeing in entry["seeing"]}[
        "Lederens overordnede ledere"
    ]
    assert superiors.startswith("De overordnede ledere ser hverken")
    Round.objects.filter(pk=round_.pk).update(visibility={"leader": True, "superior": True})
    [entry] = facts(fjordby)["recipients"]
    superiors = {seeing.role: seeing.text for seeing in entry["seeing"]}[
        "Lederens overordnede ledere"
    ]
    assert superiors.startswith("Lederens nærmeste overordnede leder")


def test_counts_of_the_data_subjects(fjordby, hr):
    admin = hr(fjordby)
    people = Person.objects.filter(organisation=fjordby, active=True)
    before = {row["name"]: row["count"] for row in facts(fjordby)["subjects"]}
    employee = people.filter(is_leader=False, user__isnull=True).first()
    assert employee is not None
    employee.user = set_up_user("medarbejder@fjordby.example", PASSWORD, name=employee.name)
    employee.save()
    leaving = people.exclude(pk=employee.pk).first()
    assert leaving is not None
    Person.objects.filter(pk=leaving.pk).update(active=False)
    users = {
        *Person.objects.filter(organisation=fjordby, user__isnull=False).values_list(
            "user", flat=True
        ),
        admin.pk,
    }
    counts = {row["name"]: row["count"] for row in facts(fjordby)["subjects"]}
    assert counts["Ansatte i HR-filen"] == people.count()
    assert counts["Ledere"] == people.filter(is_leader=True).count()
    assert counts["Brugere med konto i Omstil"] == len(users)
    assert counts["Brugere med konto i Omstil"] == before["Brugere med konto i Omstil"] + 1
    assert counts["Ansatte i HR-filen"] == before["Ansatte i HR-filen"] - 1
    assert counts["Organisationens administratorer (HR)"] == 1
    assert counts["HR-læsere"] == 0
    assert Membership.objects.filter(user=admin, organisation=fjordby).exists()


def test_operator_and_subprocessors_follow_the_settings(fjordby, settings):
    settings.OMSTIL_OPERATOR_NAME = ""
    settings.OMSTIL_OPERATOR_CONTACT = ""
    settings.EMAIL_URL = "console://"
    settings.OMSTIL_SUBPROCESSORS = ""
    found = facts(fjordby)
    assert found["controller"] == "Fjordby Kommune"
    assert found["processor"] == "udfyldes af driftsleverandøren"
    assert found["subprocessors"] == []
    assert found["transfers"] == "Ingen."
    settings.OMSTIL_OPERATOR_NAME = "Drift A/S"
    settings.OMSTIL_OPERATOR_CONTACT = "dpo@drift.example"
    settings.EMAIL_URL = "submission://u:p@mail.drift.example:587"
    settings.OMSTIL_SUBPROCESSORS = "Hetzner|Hosting|Tyskland;Mailgun|E-mail|USA"
    found = facts(fjordby)
    assert found["processor"] == "Drift A/S"
    assert found["processor_contact"] == "dpo@drift.example"
    assert [row["name"] for row in found["subprocessors"]] == [
        "mail.drift.example",
        "Hetzner",
        "Mailgun",
    ]
    assert found["transfers"].startswith("Ingen, medmindre")
    assert "USA" in found["transfers"]
    assert "Tyskland" not in found["transfers"]


def test_annex_is_a_dated_draft(fjordby):
    html = record_html(fjordby, "annex", "da", printable=True)
    assert html.startswith("<!DOCTYPE html>")
    assert "Udkast af" in html
    assert "omstil org delete" in html
    with pytest.raises(ValueError, match="other"):
        record_html(fjordby, "other", "da", printable=True)


@pytest.mark.parametrize("document", ["record", "annex"])
def test_pdf_holds_the_retention_sentence(fjordby, document):
    set_rules(fjordby, {"leavers_months": 3}, actor=None)
    with translation.override("da"):
        sentence = rules_text(rules_for(fjordby))[0]
    pdf = record_pdf(fjordby, document, "da")
    assert pdf.startswith(b"%PDF")
    assert sentence in text_of(pdf)


@pytest.mark.parametrize("name", ["record:record", "record:annex"])
def test_admin_sees_page_and_downloads_audited_pdf(client, fjordby, hr, name):
    admin = hr(fjordby)
    client.force_login(admin)
    url = reverse(name, args=[fjordby.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Fjordby Kommune" in page.content.decode()
    response = client.get(url + "?format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
    entry = AuditEntry.objects.get(event="record.download")
    assert entry.actor_id == admin.pk
    assert entry.organisation == fjordby.slug
    assert entry.fields["document"] == name.split(":")[1]


@pytest.mark.parametrize("name", ["record:record", "record:annex"])
def test_others_do_not_get_it(client, fjordby, other_organisation, hr, name):
    url = reverse(name, args=[fjordby.slug])
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "/login" in anonymous["Location"] or "log-ind" in anonymous["Location"]
    client.force_login(hr(other_organisation))
    assert client.get(url).status_code == 404
    assert client.get(url + "?format=pdf").status_code == 404
    leader = Person.objects.filter(organisation=fjordby, is_leader=True).first()
    assert leader is not None
    if leader.user is None:
        leader.user = set_up_user("leder@fjordby.example", PASSWORD, name=leader.name)
        leader.save()
    client.force_login(leader.user)
    assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(event="record.download").exists()


def test_admin_membership_is_what_counts(fjordby):
    user = set_up_user("hr2@fjordby.example", PASSWORD, name="Hans HR")
    add_admin(fjordby, user, actor=None)
    counts = {row["name"]: row["count"] for row in facts(fjordby)["subjects"]}
    assert counts["Organisationens administratorer (HR)"] == 1


def test_the_command_line_writes_the_record_as_html_and_pdf(closed, tmp_path):
    from tests.privacy_helpers import run

    code, out, _err = run("org", "record", "--org", "fjordby", "--format", "html")
    assert code == 0
    assert out.startswith("<!DOCTYPE html>") or "<html" in out[:200]
    assert "slettes 6 måneder efter" in out
    pdf = tmp_path / "fortegnelse.pdf"
    code, _out, _err = run(
        "org",
        "record",
        "--org",
        "fjordby",
        "--format",
        "pdf",
        "--document",
        "annex",
        "-o",
        str(pdf),
    )
    assert code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    code, _out, err = run("org", "record", "--org", "fjordby", "--format", "pdf")
    assert code == 1
    assert "-o" in err
    code, _out, _err = run("org", "record", "--org", "ingen")
    assert code == 1
