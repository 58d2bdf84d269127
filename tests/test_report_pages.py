"""The leader's report page: who may see it under the round's policy, and what it shows."""

import pytest
from django.urls import reverse

from omstil.accounts.services import set_up_user
from omstil.rounds.models import Round
from tests.conftest import PASSWORD


def page(client, user, round_, employee_id="3"):
    client.login(username=user.email, password=PASSWORD)
    return client.get(reverse("reports:leader", args=[round_.pk, employee_id]))


def test_the_leader_sees_their_own_report(client, closed):
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    response = page(client, cecilie, closed)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rapport for Cecilie Ærø" in html
    assert "Min leder sikrer, at vores kompetencer er opdaterede" in html
    assert "3,6" in html or "3.6" in html
    assert "skjult for at beskytte en mindre gruppe" in html
    assert "Refleksionsspørgsmål" in html
    assert "en mulig blind plet" in html  # she rates herself 5, her employees 3.6


def test_the_superior_sees_it_when_the_policy_allows(client, closed):
    bo = set_up_user("bo@fjordby.example", PASSWORD, name="Bo")
    assert page(client, bo, closed).status_code == 200
    Round.objects.filter(pk=closed.pk).update(visibility={"leader": True, "superior": False})
    assert page(client, bo, closed).status_code == 404


def test_the_leader_above_the_superior_is_in_the_chain(client, closed):
    anne = set_up_user("anne@fjordby.example", PASSWORD, name="Anne")
    assert page(client, anne, closed).status_code == 200


@pytest.mark.parametrize(
    "email", ["gustav@fjordby.example", "dorte@fjordby.example", "ude@x.example"]
)
def test_others_cannot_see_it(client, closed, email):
    assert page(client, set_up_user(email, PASSWORD), closed).status_code == 404


def test_hr_sees_reports_only_when_the_policy_says_so(client, closed, hr):
    hr = hr(closed.organisation)
    assert page(client, hr, closed).status_code == 404
    Round.objects.filter(pk=closed.pk).update(visibility={**closed.visibility, "org_admins": True})
    assert page(client, hr, closed).status_code == 200


def test_no_report_while_the_round_is_open(client, db):
    from omstil.rounds.services import open_round
    from tests.rounds_helpers import draft_round, kommune

    round_ = draft_round(kommune())
    open_round(round_)
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD)
    assert page(client, cecilie, round_).status_code == 404


def unit_page(client, user, round_, path):
    client.login(username=user.email, password=PASSWORD)
    return client.get(reverse("reports:unit", args=[round_.pk]), {"enhed": path})


def test_hr_sees_unit_reports_pooled_and_named_only_when_the_policy_allows(client, closed, hr):
    hr = hr(closed.organisation)
    # Without leader reports, HR sees only figures that pool at least two leaders whose
    # employees answered (Cecilie's and Gustav's), never a column that is one leader's result:
    # Social and Teknik are there, with every cell hidden for the true reason.
    response = unit_page(client, hr, closed, "Fjordby Kommune")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Udsagn × enheder" in html
    assert ">Social</th>" in html  # no link: there is nothing more to see inside it
    heat_map = html.split("På tværs af enhederne")[0]  # the views across the tree follow it
    assert heat_map.count("<td>skjult: lille gruppe</td>") == 2 * 5  # Social, Teknik: one leader
    assert "Anne Direktør" not in html
    assert unit_page(client, hr, closed, "Fjordby Kommune / Social").status_code == 404
    assert (
        unit_page(client, hr, closed, "Fjordby Kommune / Social / Hjemmeplejen").status_code == 404
    )
    Round.objects.filter(pk=closed.pk).update(visibility={**closed.visibility, "org_admins": True})
    response = unit_page(client, hr, closed, "Fjordby Kommune")
    html = response.content.decode()
    assert response.status_code == 200
    assert "vises ikke" not in html
    assert "Social</a></th>" in html
    assert "Teknik</a></th>" in html
    assert ">Anne Direktør</th>" in html
    assert unit_page(client, hr, closed, "Fjordby Kommune / Social").status_code == 200
    assert unit_page(client, hr, closed, "Ingen / Sådan").status_code == 404


def test_a_unit_report_downloads_as_a_pdf_with_the_pages_figures(client, closed):
    from io import BytesIO

    from pypdf import PdfReader

    bo = set_up_user("bo@fjordby.example", PASSWORD)
    client.login(username=bo.email, password=PASSWORD)
    response = client.get(
        reverse("reports:unit", args=[closed.pk]),
        {"enhed": "Fjordby Kommune / Social", "format": "pdf"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Rapport for Fjordby Kommune / Social" in text
    assert "Udsagn × enheder" in text
    assert "Hjemmeplejen" in text


def test_who_a_leader_is_follows_the_round_not_later_hr_files(client, closed, hr):
    from omstil.organisations.models import Person

    hr = hr(closed.organisation)
    Person.objects.filter(employee_id="2").update(email="hr@fjordby.example")  # a later import
    assert page(client, hr, closed).status_code == 404


def test_a_leader_sees_the_units_they_lead_and_below_only(client, closed):
    bo = set_up_user("bo@fjordby.example", PASSWORD)
    assert unit_page(client, bo, closed, "Fjordby Kommune / Social").status_code == 200
    assert (
        unit_page(client, bo, closed, "Fjordby Kommune / Social / Hjemmeplejen").status_code == 200
    )
    client.logout()
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD)
    assert unit_page(client, cecilie, closed, "Fjordby Kommune / Social").status_code == 404
    client.logout()
    gustav = set_up_user("gustav@fjordby.example", PASSWORD)
    assert unit_page(client, gustav, closed, "Fjordby Kommune / Social").status_code == 404


def test_the_leader_downloads_the_report_as_pdf(client, closed):
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    client.login(username=cecilie.email, password=PASSWORD)
    response = client.get(reverse("reports:leader", args=[closed.pk, "3"]), {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_the_employees_only_version_leaves_out_the_leaders_own_and_superior_answers(client, closed):
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    client.login(username=cecilie.email, password=PASSWORD)
    url = reverse("reports:leader", args=[closed.pk, "3"])
    full = client.get(url).content.decode()
    shared = client.get(url, {"version": "medarbejdere"}).content.decode()
    assert ">Dig selv</th>" in full
    assert ">Dig selv</th>" not in shared
    assert ">Overordnet leder</th>" not in shared
    assert "blind plet" not in shared
    assert "kan deles med medarbejderne" in shared


def test_comments_are_shown_only_from_their_own_threshold(client, db):
    from omstil.responses.closing import close_round
    from omstil.responses.services import save_page
    from omstil.rounds import tokens
    from omstil.rounds.models import Invitation
    from omstil.rounds.services import open_round
    from tests.hrfiles import PEOPLE
    from tests.rounds_helpers import KEYS, draft_round, kommune

    unit = "Fjordby Kommune / Social / Hjemmeplejen"
    many = [
        [str(n), f"Ansat {n}", f"a{n}@fjordby.example", unit, "nej", "", "", "da"]
        for n in range(30, 40)
    ]
    round_ = draft_round(kommune([*PEOPLE, *many]), comment_field=True)
    open_round(round_)
    round_.refresh_from_db()
    writers = ["4", "5", "6", *[str(n) for n in range(30, 37)]]  # ten comments
    for employee_id in writers:
        invitation = Invitation.objects.get(
            round=round_, person__employee_id=employee_id, rater_group="employee"
        )
        token = tokens.token_for(round_.token_salt, invitation.person_id, "3", "employee")
        save_page(
            invitation, token, dict.fromkeys(KEYS, "4"), set(KEYS),
            comment=f"Kommentar fra nummer {employee_id}", submit=True,
        )  # fmt: skip
    close_round(round_)
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    client.login(username=cecilie.email, password=PASSWORD)
    html = client.get(reverse("reports:leader", args=[round_.pk, "3"])).content.decode()
    assert html.count("Kommentar fra nummer") == 10
    assert "tilfældig rækkefølge" in html
    from omstil.responses.models import Comment

    Comment.objects.filter(text="Kommentar fra nummer 4").delete()
    html = client.get(reverse("reports:leader", args=[round_.pk, "3"])).content.decode()
    assert "Kommentar fra nummer" not in html
    assert "mindst 10 medarbejdere har skrevet" in html


@pytest.mark.parametrize("processes", [1, 2])
def test_hr_gets_every_leader_report_as_pdfs_in_a_zip_built_in_the_background(
    client, closed, settings, tmp_path, django_capture_on_commit_callbacks, processes, hr
):
    import zipfile

    from pypdf import PdfReader

    from omstil.reports.models import ReportArchive
    from omstil.reports.tasks import build_leader_archive

    settings.MEDIA_ROOT = tmp_path
    settings.OMSTIL_PDF_PROCESSES = processes  # 2: made by other processes, in order
    hr = hr(closed.organisation)
    client.login(username=hr.email, password=PASSWORD)
    url = reverse("reports:archive_request", args=[closed.pk])
    assert client.post(url).status_code == 404  # the policy does not let HR see leader reports
    Round.objects.filter(pk=closed.pk).update(visibility={**closed.visibility, "org_admins": True})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    archive = ReportArchive.objects.get()
    assert response["Location"] == reverse("reports:archive", args=[archive.pk])
    assert builds_queued() == [archive.pk]
    assert "0 af 0 rapporter er lavet." in client.get(response["Location"]).content.decode()
    assert build_leader_archive.call(archive.pk) == 4
    archive.refresh_from_db()
    assert (archive.status, archive.done, archive.total) == ("done", 4, 4)
    download = client.get(response["Location"], {"hent": "1"})
    assert download.status_code == 200
    path = tmp_path / "download.zip"
    path.write_bytes(b"".join(download.streaming_content))
    with zipfile.ZipFile(path) as bundle:
        names = bundle.namelist()
        assert len(names) == 4
        assert all(name.endswith(".pdf") for name in names)
        for name in names:
            text = PdfReader(bundle.open(name)).pages[0].extract_text()
            leader_name = name.removesuffix(".pdf").split(" ", 1)[1]
            assert f"Rapport for {leader_name}" in text  # each leader's own report, by name


def test_the_leader_report_page_costs_a_fixed_number_of_queries(
    client, closed, django_assert_num_queries
):
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    client.login(username=cecilie.email, password=PASSWORD)
    url = reverse("reports:leader", args=[closed.pk, "3"])
    client.get(url)  # the round's figures are computed once, then reused
    # The session and user, the leader and round, the reporting lines (as plain rows, for the
    # report and the plan panel), the plan panel, the round's instruments for the guide links
    # and the audit row.
    with django_assert_num_queries(16):
        assert client.get(url).status_code == 200


def test_the_employees_only_pdf_leaves_out_own_and_superior_answers(client, closed):
    import io

    from pypdf import PdfReader

    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    client.login(username=cecilie.email, password=PASSWORD)
    url = reverse("reports:leader", args=[closed.pk, "3"])
    pdf = client.get(url, {"format": "pdf", "version": "medarbejdere"}).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Medarbejdere" in text
    assert "Dig selv" not in text
    assert "Overordnet leder" not in text


def test_every_report_view_and_download_is_in_the_audit_log(client, closed):
    from omstil.core.models import AuditEntry

    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD)
    page(client, cecilie, closed)
    client.get(reverse("reports:leader", args=[closed.pk, "3"]), {"format": "pdf"})
    page(client, cecilie, closed, employee_id="7")  # not hers: not found, not audited
    entries = (
        AuditEntry.objects.filter(event__startswith="report.")
        .exclude(event="report.ready_sent")
        .order_by("pk")
    )
    assert [(entry.event, entry.actor_id, entry.fields) for entry in entries] == [
        ("report.leader", cecilie.pk, {"round": closed.pk, "subject": "3", "format": "html"}),
        ("report.leader", cecilie.pk, {"round": closed.pk, "subject": "3", "format": "pdf"}),
    ]


def builds_queued() -> list[int]:
    """The zips whose building is queued for the worker."""
    from django_tasks_db.models import DBTaskResult

    return [
        task.args_kwargs["args"][0]
        for task in DBTaskResult.objects.filter(
            task_path__endswith="build_leader_archive", status="READY"
        )
    ]


def _built_archive(client, closed, django_capture_on_commit_callbacks, hr):
    """HR, allowed to see leader reports, asks for the zip; the request as the page made it."""
    from omstil.reports.models import ReportArchive

    Round.objects.filter(pk=closed.pk).update(visibility={**closed.visibility, "org_admins": True})
    hr = hr(closed.organisation)
    client.login(username=hr.email, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("reports:archive_request", args=[closed.pk]))
    return ReportArchive.objects.get()


def _files_left(media_root) -> list:
    return [*media_root.rglob("*.zip"), *media_root.rglob("*.part")]


def test_a_zip_whose_worker_stopped_is_given_up_and_can_be_asked_for_again(
    client, closed, settings, tmp_path, django_capture_on_commit_callbacks, hr
):
    from datetime import timedelta

    from django.utils import timezone

    from omstil.reports.models import ReportArchive
    from omstil.reports.tasks import STALE_AFTER, archive_path, build_leader_archive

    settings.MEDIA_ROOT = tmp_path
    archive = _built_archive(client, closed, django_capture_on_commit_callbacks, hr)
    url = reverse("reports:archive_request", args=[closed.pk])
    # The worker started on it and then stopped: no progress since.
    stopped = timezone.now() - STALE_AFTER["running"] - timedelta(minutes=1)
    ReportArchive.objects.filter(pk=archive.pk).update(status="running", touched_at=stopped)
    recent = timezone.now() - timedelta(minutes=5)
    ReportArchive.objects.filter(pk=archive.pk).update(touched_at=recent)
    assert client.post(url)["Location"] == reverse("reports:archive", args=[archive.pk])
    ReportArchive.objects.filter(pk=archive.pk).update(touched_at=stopped)
    partial = archive_path(archive).with_suffix(".part")  # what it had written when it stopped
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"PK")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    newer = ReportArchive.objects.exclude(pk=archive.pk).get()
    assert response["Location"] == reverse("reports:archive", args=[newer.pk])
    assert builds_queued() == [newer.pk]
    archive.refresh_from_db()
    assert archive.status == "failed"
    assert not partial.exists()
    html = client.get(reverse("reports:archive", args=[archive.pk])).content.decode()
    assert "Det lykkedes ikke at lave zip-filen" in html
    assert "Lav en ny zip-fil" in html
    assert build_leader_archive.call(newer.pk) == 4


def test_a_zip_that_waits_too_long_to_start_is_given_up_on_its_page_and_never_started(
    client, closed, settings, tmp_path, django_capture_on_commit_callbacks, hr
):
    from datetime import timedelta

    from django.utils import timezone

    from omstil.reports.models import ReportArchive
    from omstil.reports.tasks import build_leader_archive

    settings.MEDIA_ROOT = tmp_path
    archive = _built_archive(client, closed, django_capture_on_commit_callbacks, hr)
    page = reverse("reports:archive", args=[archive.pk])
    assert "0 af 0 rapporter er lavet" in client.get(page).content.decode()
    long_ago = timezone.now() - timedelta(hours=7)
    ReportArchive.objects.filter(pk=archive.pk).update(touched_at=long_ago)
    assert "Det lykkedes ikke at lave zip-filen" in client.get(page).content.decode()
    # Its task, should the worker reach it after all, does not start it.
    assert build_leader_archive.call(archive.pk) == 0
    archive.refresh_from_db()
    assert (archive.status, archive.file) == ("failed", "")
    assert _files_left(tmp_path) == []


def test_a_zip_given_up_while_it_is_made_stops_and_leaves_no_file(
    client, closed, settings, tmp_path, django_capture_on_commit_callbacks, monkeypatch, hr
):
    from omstil.reports import rendering, tasks
    from omstil.reports.models import ReportArchive

    settings.MEDIA_ROOT = tmp_path
    archive = _built_archive(client, closed, django_capture_on_commit_callbacks, hr)

    def given_up_meanwhile(*args, **kwargs):
        # As `give_up_stale_archives` would, had the worker seemed to stop.
        ReportArchive.objects.filter(pk=archive.pk).update(status="failed")
        return rendering.leader_html(*args, **kwargs)

    monkeypatch.setattr("omstil.reports.tasks.leader_html", given_up_meanwhile)
    assert tasks.build_leader_archive.call(archive.pk) == 0
    archive.refresh_from_db()
    assert (archive.status, archive.file) == ("failed", "")
    assert _files_left(tmp_path) == []


def test_a_pdf_that_cannot_be_made_fails_the_zip_and_leaves_no_file(
    client, closed, settings, tmp_path, django_capture_on_commit_callbacks, monkeypatch, hr
):
    from omstil.reports import rendering, tasks

    settings.MEDIA_ROOT = tmp_path
    settings.OMSTIL_PDF_PROCESSES = 2
    archive = _built_archive(client, closed, django_capture_on_commit_callbacks, hr)
    made = []

    def second_fails(*args, **kwargs):
        made.append(args)
        return None if len(made) == 2 else rendering.leader_html(*args, **kwargs)

    monkeypatch.setattr("omstil.reports.tasks.leader_html", second_fails)
    with pytest.raises(TypeError):
        tasks.build_leader_archive.call(archive.pk)
    archive.refresh_from_db()
    assert archive.status == "failed"
    assert _files_left(tmp_path) == []


def test_a_zip_is_deleted_after_the_days_it_is_kept(
    client, closed, settings, tmp_path, django_capture_on_commit_callbacks, hr
):
    import json
    from datetime import timedelta
    from io import StringIO
    from pathlib import Path

    from django.core.management import call_command
    from django.utils import timezone

    from omstil.reports.models import ReportArchive
    from omstil.reports.tasks import build_leader_archive

    settings.MEDIA_ROOT = tmp_path
    settings.OMSTIL_ARCHIVE_DAYS = 7
    archive = _built_archive(client, closed, django_capture_on_commit_callbacks, hr)
    build_leader_archive.call(archive.pk)
    archive.refresh_from_db()
    zip_file = Path(archive.file)
    assert zip_file.is_file()

    def tick() -> dict:
        out = StringIO()
        call_command("round", "tick", "--json", stdout=out)
        return json.loads(out.getvalue())

    six_days_ago = timezone.now() - timedelta(days=6)
    ReportArchive.objects.filter(pk=archive.pk).update(finished_at=six_days_ago)
    assert tick()["report_zips_deleted"] == 0
    assert zip_file.is_file()
    eight_days_ago = timezone.now() - timedelta(days=8)
    ReportArchive.objects.filter(pk=archive.pk).update(finished_at=eight_days_ago)
    assert tick()["report_zips_deleted"] == 1
    assert not zip_file.exists()
    archive.refresh_from_db()
    assert (archive.status, archive.file) == ("deleted", "")
    page = reverse("reports:archive", args=[archive.pk])
    assert client.get(page, {"hent": "1"}).status_code == 200  # the page, not a file
    html = client.get(page).content.decode()
    assert "Zip-filen er slettet" in html
    assert "gemmes kun i 7 dage" in html
    assert tick()["report_zips_deleted"] == 0
