"""The record of processing and the draft data processing annex follow the organisation's
settings, count its people, stay with its administrators and come out as PDF."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from omstil.accounts.models import Membership
from omstil.accounts.services import set_up_user
from omstil.core.models import AuditEntry
from omstil.organisations.models import Organisation, Person, SingleSignOn
from omstil.organisations.services import add_admin
from omstil.privacy.record import record_facts, record_html, record_pdf, within_eea
from omstil.privacy.retention import rules_for, rules_text, set_rules
from omstil.rounds.models import Round
from tests.conftest import PASSWORD
from tests.privacy_helpers import run
from tests.rounds_helpers import draft_round, kommune

ROOT = Path(__file__).resolve().parents[1]
ISSUER = "https://login.fjordby.example/realms/ansatte"
SUPERIORS = "Overordnede ledere (ledere med ledere under sig)"


@pytest.fixture
def fjordby(db) -> Organisation:
    return kommune()


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def facts(organisation: Organisation) -> dict:
    with translation.override("da"):
        return record_facts(organisation)


def counts(organisation: Organisation) -> dict[str, int]:
    return {row["name"]: row["count"] for row in facts(organisation)["subjects"]}


def categories(organisation: Organisation) -> dict[str, dict]:
    return {row["name"]: row for row in facts(organisation)["data"]}


def security(organisation: Organisation) -> str:
    return " ".join(facts(organisation)["security"])


def own_login(organisation: Organisation) -> SingleSignOn:
    return SingleSignOn.objects.create(
        organisation=organisation,
        issuer=ISSUER,
        client_id="omstil",
        client_secret_encrypted="x",
        authorization_endpoint="https://login.fjordby.example/auth",
        token_endpoint="https://login.fjordby.example/token",
    )


def test_retention_sentence_follows_the_rules(fjordby):
    with translation.override("da"):
        before = rules_text(rules_for(fjordby))[0]
        assert facts(fjordby)["retention"][0] == before
        assert "slettes 6 måneder efter" in record_html(fjordby, "record", "da", printable=False)
        set_rules(fjordby, {"leavers_months": 2, "audit_years": 1}, actor=None)
        after = rules_text(rules_for(fjordby))
    assert after[0] != before
    assert "Personer, der ikke længere står i HR-filen, slettes 2 måneder efter." in after
    assert facts(fjordby)["retention"] == after
    for document in ("record", "annex"):
        html = record_html(fjordby, document, "da", printable=True)
        assert "slettes 2 måneder efter" in html
        assert "slettes 6 måneder efter" not in html
        assert after[-1] in html


def test_own_login_names_its_issuer(fjordby):
    assert facts(fjordby)["single_sign_on"] == ""
    assert "login.fjordby.example" not in record_html(fjordby, "record", "da", printable=False)
    assert "OpenID Connect" not in security(fjordby)
    own_login(fjordby)
    found = facts(fjordby)
    assert found["single_sign_on"] == ISSUER
    assert ISSUER in categories(fjordby)["Log ind med organisationens eget login"]["text"]
    assert {"name": ISSUER, "purpose": "Organisationens eget login", "location": ""} in found[
        "subprocessors"
    ]
    assert "OpenID Connect" in security(fjordby)
    for document in ("record", "annex"):
        assert ISSUER in record_html(fjordby, document, "da", printable=True)


def test_hr_file_fields_are_named_in_danish_with_the_people_held(fjordby):
    hr_file = facts(fjordby)["data"][0]
    assert hr_file["name"] == "HR-filen"
    assert hr_file["text"].startswith(
        "For hver person: medarbejdernummer, navn, e-mail, enhed, leder"
    )
    assert "unit" not in hr_file["text"]
    assert hr_file["count"] == Person.objects.filter(organisation=fjordby).count() > 0


def test_comment_field_adds_free_text_to_the_categories(fjordby):
    assert "Fritekstkommentarer" not in categories(fjordby)
    round_ = draft_round(fjordby)
    assert "Fritekstkommentarer" not in categories(fjordby)
    assert "har skrevet en" not in security(fjordby)
    assert "Fritekstkommentarer" not in record_html(fjordby, "record", "da", printable=False)
    Round.objects.filter(pk=round_.pk).update(comment_field=True, min_group_size=6)
    assert categories(fjordby)["Fritekstkommentarer"]["count"] == 0
    assert "Kommentarer vises først, når mindst 12 har skrevet en" in security(fjordby)
    assert "mindst 6 har svaret" in security(fjordby)
    assert "Fritekstkommentarer" in record_html(fjordby, "record", "da", printable=False)
    assert "Fritekstkommentarer" in record_html(fjordby, "annex", "da", printable=True)
    Round.objects.filter(pk=round_.pk).update(comment_field=False)
    assert "Fritekstkommentarer" not in categories(fjordby)


def test_recipients_follow_the_rounds_visibility(fjordby):
    round_ = draft_round(fjordby)
    Round.objects.filter(pk=round_.pk).update(visibility={"leader": True, "superior": False})
    [entry] = facts(fjordby)["recipients"]
    assert entry["rounds"] == ["Ledelsesevaluering 2026"]
    superiors = {seeing["role"]: seeing["text"] for seeing in entry["seeing"]}
    assert superiors["Lederens overordnede ledere"].startswith("De overordnede ledere ser hverken")
    Round.objects.filter(pk=round_.pk).update(visibility={"leader": True, "superior": True})
    [entry] = facts(fjordby)["recipients"]
    superiors = {seeing["role"]: seeing["text"] for seeing in entry["seeing"]}
    assert superiors["Lederens overordnede ledere"].startswith("Lederens nærmeste overordnede")


def test_rounds_with_the_same_rules_are_listed_together(fjordby):
    first = draft_round(fjordby)
    second = draft_round(fjordby, name="Ledelsesevaluering 2027")
    third = draft_round(fjordby, name="Kun for lederne")
    Round.objects.filter(pk__in=[first.pk, second.pk]).update(visibility={"superior": True})
    Round.objects.filter(pk=third.pk).update(visibility={"org_admins": True})
    groups = [entry["rounds"] for entry in facts(fjordby)["recipients"]]
    assert groups == [["Ledelsesevaluering 2026", "Ledelsesevaluering 2027"], ["Kun for lederne"]]
    html = record_html(fjordby, "record", "da", printable=False)
    assert "<h3>Ledelsesevaluering 2026, Ledelsesevaluering 2027</h3>" in html
    assert "HR ser alle lederrapporterne" in html


def test_hr_readers_and_admins_are_counted_among_the_recipients(fjordby, hr):
    hr(fjordby)
    reader = set_up_user("laeser@fjordby.example", PASSWORD, name="Lis Læser")
    Membership.objects.create(user=reader, organisation=fjordby, role=Membership.Role.READER)
    others = {row["role"]: row["text"] for row in facts(fjordby)["other_recipients"]}
    assert others["Organisationens administratorer (HR)"].startswith("1 konto.")
    assert others["HR-læsere"].startswith("1 konto.")
    assert others["Driftsleverandørens systemadministratorer"].startswith("0 konti")


def test_counts_of_the_data_subjects(fjordby, hr):
    admin = hr(fjordby)
    people = Person.objects.filter(organisation=fjordby, active=True)
    before = counts(fjordby)
    # Anne leads Bo and Gustav, Bo leads Cecilie: the file's two superiors.
    assert before[SUPERIORS] == 2
    assert before["Ledere"] == 4
    assert before["Fratrådte, som endnu ikke er slettet"] == 0
    employee = people.filter(is_leader=False, user__isnull=True).first()
    assert employee is not None
    employee.user = set_up_user("medarbejder@fjordby.example", PASSWORD, name=employee.name)
    employee.save()
    Person.objects.filter(organisation=fjordby, employee_id="3").update(active=False)
    users = {
        *Person.objects.filter(organisation=fjordby, user__isnull=False).values_list(
            "user", flat=True
        ),
        admin.pk,
    }
    after = counts(fjordby)
    assert after["Ansatte i HR-filen"] == people.count() == before["Ansatte i HR-filen"] - 1
    assert after["Ledere"] == 3
    assert after[SUPERIORS] == 1
    assert after["Fratrådte, som endnu ikke er slettet"] == 1
    assert after["Brugere med konto i Omstil"] == len(users)
    assert after["Brugere med konto i Omstil"] == before["Brugere med konto i Omstil"] + 1
    assert after["Organisationens administratorer (HR)"] == 1
    assert after["HR-læsere"] == 0
    table = record_html(fjordby, "record", "da", printable=False)
    assert f'<th scope="row">{SUPERIORS}</th><td>1</td>' in table


def test_admin_membership_is_what_counts(fjordby):
    user = set_up_user("hr2@fjordby.example", PASSWORD, name="Hans HR")
    add_admin(fjordby, user, actor=None)
    assert counts(fjordby)["Organisationens administratorer (HR)"] == 1


def test_data_held_is_counted(closed):
    organisation = closed.organisation
    held = categories(organisation)
    assert held["Invitationer"]["count"] == closed.invitations.count() > 0
    assert held["Rundernes billede af organisationen"]["count"] == closed.leaders.count() > 0
    assert held["Anonyme svar"]["count"] > 0
    assert held["Revisionsspor"]["count"] == (
        AuditEntry.objects.filter(organisation=organisation.slug).count()
    )
    assert held["Selvvurderinger"]["count"] is None


def test_operator_and_subprocessors_follow_the_settings(fjordby, settings):
    settings.OMSTIL_OPERATOR_NAME = ""
    settings.OMSTIL_OPERATOR_CONTACT = ""
    settings.OMSTIL_DPO_CONTACT = ""
    settings.EMAIL_URL = "console://"
    settings.OMSTIL_SUBPROCESSORS = []
    found = facts(fjordby)
    assert found["controller"] == "Fjordby Kommune"
    assert found["processor"] == "udfyldes af driftsleverandøren"
    assert found["processor_dpo"] == "udfyldes af driftsleverandøren"
    assert found["subprocessors"] == []
    assert found["transfers"] == ["Ingen: oplysningerne behandles ikke uden for EU/EØS."]
    settings.OMSTIL_OPERATOR_NAME = "Drift A/S"
    settings.OMSTIL_OPERATOR_CONTACT = "kontakt@drift.example"
    settings.OMSTIL_DPO_CONTACT = "dpo@drift.example"
    settings.EMAIL_URL = "submission://u:p@mail.drift.example:587"
    settings.OMSTIL_SUBPROCESSORS = [
        ("Hetzner", "Hosting", "Frankfurt, Tyskland"),
        ("Mailgun", "E-mail", "USA"),
    ]
    found = facts(fjordby)
    assert found["processor"] == "Drift A/S"
    assert found["processor_contact"] == "kontakt@drift.example"
    assert found["processor_dpo"] == "dpo@drift.example"
    assert [row["name"] for row in found["subprocessors"]] == [
        "mail.drift.example",
        "Hetzner",
        "Mailgun",
    ]
    assert found["transfers"] == [
        "Oplysningerne overføres til Mailgun i USA, uden for EU/EØS.",
        "Hvor mail.drift.example behandler oplysningerne, er ikke oplyst; det udfyldes af "
        "driftsleverandøren.",
    ]
    html = record_html(fjordby, "annex", "da", printable=True)
    assert "dpo@drift.example" in html
    assert "Mailgun i USA" in html


def test_eea_locations_are_told_from_others():
    assert within_eea("Frankfurt, Tyskland")
    assert within_eea("Ireland (EU)")
    assert within_eea("DK")
    assert not within_eea("USA")
    assert not within_eea("Storbritannien")
    assert not within_eea("De Forenede Stater")
    assert not within_eea("data is in the US")


def settings_in_a_process(**environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OMSTIL_")}
    env.update(environment, DJANGO_SETTINGS_MODULE="omstil.settings", SECRET_KEY="x" * 60)
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.OMSTIL_SUBPROCESSORS, settings.OMSTIL_DPO_CONTACT, "
        "settings.OMSTIL_BACKUP_DAYS)"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_operator_settings_are_read_from_the_environment():
    done = settings_in_a_process(
        OMSTIL_SUBPROCESSORS="Hetzner|Hosting|Tyskland; Mailgun|E-mail ;",
        OMSTIL_DPO_CONTACT="dpo@drift.example",
        OMSTIL_BACKUP_DAYS="30",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "[('Hetzner', 'Hosting', 'Tyskland'), ('Mailgun', 'E-mail', '')] dpo@drift.example 30"
    )
    bad = settings_in_a_process(OMSTIL_SUBPROCESSORS="Hetzner|Hosting|Tyskland|ekstra")
    assert bad.returncode != 0
    assert "OMSTIL_SUBPROCESSORS: 'Hetzner|Hosting|Tyskland|ekstra'" in bad.stderr
    nameless = settings_in_a_process(OMSTIL_SUBPROCESSORS="|Hosting|Tyskland")
    assert nameless.returncode != 0
    assert "OMSTIL_SUBPROCESSORS" in nameless.stderr


def test_security_measures_follow_the_installation(fjordby, settings):
    settings.OMSTIL_TWO_FACTOR_REQUIRED = True
    settings.HTTPS = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    settings.OMSTIL_BACKUP_DAYS = 35
    text = security(fjordby)
    assert "Adgangskoder gemmes kun som hash med Argon2." in text
    assert "skal bruge totrinsbekræftelse" in text
    assert "Omstil kræver HTTPS" in text
    assert "sker i den reverse proxy" in text
    assert "mindst 5 har svaret" in text
    assert "sletter dem efter 35 dage" in text
    assert "spærres i 15 minutter efter 10 forkerte forsøg" in text
    settings.OMSTIL_TWO_FACTOR_REQUIRED = False
    settings.HTTPS = False
    settings.OMSTIL_BACKUP_DAYS = 14
    Organisation.objects.filter(pk=fjordby.pk).update(min_group_size=7)
    fjordby.refresh_from_db()
    text = security(fjordby)
    assert "Totrinsbekræftelse er slået fra" in text
    assert "Omstil er ikke sat op til HTTPS" in text
    assert "hvis en reverse proxy foran Omstil krypterer den" in text
    assert "mindst 7 har svaret" in text
    assert "sletter dem efter 14 dage" in text
    assert "sletter dem efter 14 dage" in record_html(fjordby, "annex", "da", printable=True)


def test_annex_is_a_dated_draft_with_the_end_of_the_agreement(fjordby):
    html = record_html(fjordby, "annex", "da", printable=True)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="da">' in html
    with translation.override("da"):
        today = date_format(timezone.localdate())
    assert f"Udkast af {today}" in html
    assert "skal aftale og underskrive, før det gælder" in html
    for heading in (
        "1. Instruks",
        "Behandlingens genstand",
        "Varighed",
        "Behandlingens karakter og formål",
        "Typer af personoplysninger",
        "Kategorier af registrerede",
        "2. Underdatabehandlere",
        "3. Sikkerhed",
        "5. Når aftalen ophører: tilbagelevering og sletning",
    ):
        assert f"{heading}</h" in html
    assert "omstil org delete --org fjordby" in html
    assert "Sikkerhedskopier taget med “omstil backup”" in html
    assert "<link" not in html
    assert "<script" not in html
    with pytest.raises(ValueError, match="other"):
        record_html(fjordby, "other", "da", printable=True)


def test_record_is_dated_and_names_the_article(fjordby):
    html = record_html(fjordby, "record", "da", printable=True)
    with translation.override("da"):
        today = date_format(timezone.localdate())
    assert f"artikel 30, lavet {today}" in html
    assert "Fortegnelse over behandlingen" in html
    assert "udfyldes af den dataansvarlige" in html


def test_english_uses_the_rounds_wording(fjordby):
    draft_round(fjordby)
    html = record_html(fjordby, "record", "en", printable=True)
    assert '<html lang="en">' in html
    assert "The leader (self)" in html
    assert "Lederen selv" not in html


@pytest.mark.parametrize("document", ["record", "annex"])
def test_pdf_holds_the_retention_sentence(fjordby, document):
    set_rules(fjordby, {"leavers_months": 3}, actor=None)
    pdf = record_pdf(fjordby, document, "da")
    assert pdf.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2
    text = text_of(pdf)
    assert "Personer, der ikke længere står i HR-filen, slettes 3 måneder efter." in text
    assert "Fjordby Kommune" in text


@pytest.mark.parametrize("name", ["record:record", "record:annex"])
def test_admin_sees_page_and_downloads_audited_pdf(client, fjordby, hr, name):
    admin = hr(fjordby)
    client.force_login(admin)
    url = reverse(name, args=[fjordby.slug])
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Fjordby Kommune" in content
    assert "slettes 6 måneder efter" in content
    assert 'media="print"' in content
    assert "privacy/record_print.css" in content
    assert not AuditEntry.objects.filter(event="record.download").exists()
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
def test_a_system_admin_sees_it_too(client, fjordby, system_admin, name):
    client.force_login(system_admin)
    url = reverse(name, args=[fjordby.slug])
    assert client.get(url).status_code == 200
    assert client.get(url + "?format=pdf").content.startswith(b"%PDF")


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
    assert client.get(url + "?format=pdf").status_code == 404
    assert client.post(url).status_code == 405
    assert not AuditEntry.objects.filter(event="record.download").exists()


def test_the_command_line_writes_the_record_as_html_and_pdf(closed, tmp_path):
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
