"""The audit log for HR (revisionsspor): who may read it, finding entries, the words it uses, the
CSV and XLSX exports, `omstil audit list`, and that no request can change it."""

import csv
import io
import json
from datetime import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from omstil.accounts.services import set_up_user
from omstil.core.audit import audit
from omstil.core.models import AuditEntry
from omstil.privacy.audit_log import PER_PAGE
from omstil.rounds.models import Round
from tests.conftest import PASSWORD

HJEMMEPLEJEN = "Fjordby Kommune / Social / Hjemmeplejen"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def logged(event, *, at, actor=None, organisation="aarhus-test", **fields) -> AuditEntry:
    """An entry as `audit()` writes it, dated `at` (local time); the tests date theirs before
    today, when the fixtures' entries were written."""
    entry = audit(event, actor=actor, organisation=organisation, **fields)
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.make_aware(at))
    entry.refresh_from_db()
    return entry


def log_page(client, slug, **params):
    return client.get(reverse("audit:log", args=[slug]), params)


def export(client, slug, kind, **params):
    return client.get(reverse("audit:export", args=[slug]), {**params, "format": kind})


def rows_of(html: str) -> list[str]:
    """The table's body rows, as their text between tags."""
    if "<tbody>" not in html:
        return []
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row.split("</tr>")[0] for row in body.split("<tr>")[1:]]


# Who may read it --------------------------------------------------------------------------------


def test_the_organisations_hr_and_system_admins_read_it_and_nobody_else(
    client, closed, hr, other_organisation, system_admin
):
    slug = closed.organisation.slug
    for url in (
        reverse("audit:log", args=[slug]),
        reverse("audit:export", args=[slug]) + "?format=csv",
    ):
        client.logout()
        anonymous = client.get(url)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith(reverse("accounts:login"))
        for who, status in [
            (hr(other_organisation), 404),  # HR, but of another organisation
            (set_up_user("cecilie@fjordby.example", PASSWORD), 404),  # a leader there
            (hr(closed.organisation), 200),
            (system_admin, 200),
        ]:
            client.force_login(who)
            assert client.get(url).status_code == status, (url, who.email)


def test_the_persondata_page_leads_to_the_log(client, organisation, org_admin):
    client.force_login(org_admin)
    html = client.get(reverse("privacy:overview", args=[organisation.slug])).content.decode()
    assert reverse("audit:log", args=[organisation.slug]) in html


# What it shows ----------------------------------------------------------------------------------


def test_the_log_lists_the_organisations_entries_newest_first_in_words(
    client, organisation, org_admin, other_organisation
):
    logged("round.close", at=datetime(2025, 12, 2, 9, 5), actor=org_admin, round=7)
    logged("something.new", at=datetime(2025, 12, 3, 10, 0), count=2)
    logged("round.close", at=datetime(2025, 12, 4, 8, 0), organisation="anden", round=99)
    client.force_login(org_admin)
    response = log_page(client, organisation.slug)
    assert response.status_code == 200
    rows = rows_of(response.content.decode())
    # Newest first: the fixture made HR an administrator today.
    assert len(rows) == 3
    assert "Gjorde en bruger til organisationsadministrator" in rows[0]
    assert f"Konto: hr@aarhus-test.example (konto {org_admin.pk})" in rows[0]
    assert "3. dec. 2025 10:00" in rows[1]
    assert "something.new" in rows[1]  # no words for it: shown as its code
    assert "systemet" in rows[1]
    assert "count: 2" in rows[1]
    assert "2. dec. 2025 09:05" in rows[2]
    assert "Lukkede runden" in rows[2]
    assert "hr@aarhus-test.example" in rows[2]
    assert "Runde: nr. 7" in rows[2]
    assert "nr. 99" not in response.content.decode()  # another organisation's entry


def test_the_log_comes_a_page_at_a_time_and_the_pages_keep_the_search(
    client, organisation, org_admin
):
    AuditEntry.objects.bulk_create(
        AuditEntry(event="round.remind", actor_label="system", organisation="aarhus-test")
        for _ in range(2 * PER_PAGE + 10)
    )
    client.force_login(org_admin)
    first = log_page(client, organisation.slug, haendelse="round.remind").content.decode()
    assert len(rows_of(first)) == PER_PAGE
    assert "Side 1 af 3" in first
    assert "haendelse=round.remind&amp;side=2" in first
    last = log_page(client, organisation.slug, haendelse="round.remind", side=3)
    assert len(rows_of(last.content.decode())) == 10


def test_the_page_costs_the_same_number_of_queries_however_many_entries_it_shows(
    client, closed, hr
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert log_page(client, "fjordby").status_code == 200
        return len(captured)

    def look(number: int) -> None:
        for n in range(number):
            audit(
                "report.leader" if n % 2 else "follow_up.record",
                actor=None,
                organisation="fjordby",
                round=closed.pk,
                subject=str(n),
                leader=str(n),
                user=n,
                format="pdf",
            )

    client.force_login(hr(closed.organisation))
    look(3)
    few = queries()
    look(PER_PAGE)
    assert queries() == few


# Finding entries ------------------------------------------------------------------------------


@pytest.fixture
def seen(closed, hr):
    """HR of Fjordby; three looks at reports by two people on three days in 2020, and the
    system's reminder."""
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    bo = set_up_user("bo@fjordby.example", PASSWORD, name="Bo")
    for event, day, actor, subject, kind in [
        ("report.leader", 1, cecilie, "3", "html"),
        ("report.leader", 2, bo, "3", "pdf"),
        ("report.unit", 3, bo, HJEMMEPLEJEN, "xlsx"),
    ]:
        logged(
            event,
            at=datetime(2020, 3, day, 9),
            actor=actor,
            organisation="fjordby",
            round=closed.pk,
            subject=subject,
            format=kind,
        )
    logged(
        "round.remind",
        at=datetime(2020, 3, 3, 12),
        organisation="fjordby",
        round=closed.pk,
        planned=False,
        recipients=4,
    )
    return hr(closed.organisation)


def actions(client, **params) -> list[str]:
    response = log_page(client, "fjordby", **params)
    assert response.status_code == 200
    found = []
    for row in rows_of(response.content.decode()):
        cells = row.split("<td>")
        found.append(cells[3].split("</td>")[0].strip())
    return found


def test_the_search_finds_actor_words_details_leaders_and_rounds(client, seen, closed):
    client.force_login(seen)
    assert actions(client, soeg="bo@fjordby") == [
        "Hentede enhedsrapporten som Excel-fil",
        "Hentede lederrapporten som PDF",
    ]
    assert actions(client, soeg="lederrapporten") == [
        "Hentede lederrapporten som PDF",
        "Så lederrapporten",
    ]
    assert actions(client, soeg="som pdf") == ["Hentede lederrapporten som PDF"]
    assert actions(client, soeg="hjemmeplejen") == ["Hentede enhedsrapporten som Excel-fil"]
    # By the leader's name, which the entries hold only as her employee number.
    assert actions(client, soeg="Ærø") == ["Hentede lederrapporten som PDF", "Så lederrapporten"]
    about_the_round = AuditEntry.objects.filter(fields__round=closed.pk).count()
    assert about_the_round >= 4
    assert len(actions(client, soeg=closed.name)) == about_the_round  # the round's name
    assert actions(client, soeg="ingen sådan") == []


def test_the_log_names_the_leader_and_the_round_it_refers_to(client, seen, closed):
    client.force_login(seen)
    html = log_page(client, "fjordby", haendelse="report.leader").content.decode()
    assert "Leder: Cecilie Ærø (3)" in html
    assert f"Runde: {closed.name} (nr. {closed.pk})" in html
    assert "Format:" not in html  # the sentence says it


def test_the_event_kind_and_the_dates_narrow_the_log(client, seen):
    client.force_login(seen)
    assert actions(client, haendelse="report.unit") == ["Hentede enhedsrapporten som Excel-fil"]
    assert actions(client, haendelse="rapporter") == [
        "Hentede enhedsrapporten som Excel-fil",
        "Hentede lederrapporten som PDF",
        "Så lederrapporten",
    ]
    assert actions(client, fra="2020-03-02", til="2020-03-02") == ["Hentede lederrapporten som PDF"]
    assert actions(client, fra="2020-03-03", til="2020-12-31") == [
        "Sendte påmindelser",
        "Hentede enhedsrapporten som Excel-fil",
    ]
    assert actions(client, til="2020-03-01")[0] == "Så lederrapporten"
    # The choice lists the kinds in the log by their words.
    html = log_page(client, "fjordby").content.decode()
    assert '<option value="report.unit">Så eller hentede enhedsrapporten</option>' in html
    assert '<option value="rapporter">Alle visninger og downloads af rapporter</option>' in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"fra": "2026-13-45"}, "fra", "Skriv datoen som år-måned-dag, fx 2026-03-01."),
        ({"til": "i går"}, "til", "Skriv datoen som år-måned-dag, fx 2026-03-01."),
        (
            {"fra": "2020-03-03", "til": "2020-03-01"},
            "til",
            "Slutdatoen ligger før startdatoen.",
        ),
        ({"haendelse": "nope"}, "haendelse", "Hændelsen “nope” findes ikke i revisionssporet."),
        ({"soeg": "x" * 201}, "soeg", "Søg efter højst 200 tegn."),
    ],
)
def test_a_search_that_cannot_be_read_says_why_beside_the_field(
    client, organisation, org_admin, params, field, message
):
    client.force_login(org_admin)
    for response in (
        log_page(client, organisation.slug, **params),
        export(client, organisation.slug, "csv", **params),
    ):
        html = response.content.decode()
        assert response.status_code == 400
        assert f'id="id_{field}-error"' in html
        assert message in html.split(f'id="id_{field}-error"', 1)[1].split("</span>", 2)[1]
        assert "<tbody>" not in html
    assert not AuditEntry.objects.filter(event="audit.export").exists()


# Exports --------------------------------------------------------------------------------------


def test_the_csv_is_for_excel_and_holds_no_formula(client, organisation, org_admin):
    logged(
        "organisation.import",
        at=datetime(2026, 5, 1, 8, 30, 15),
        actor=org_admin,
        file_name='=HYPERLINK("http://evil.example","klik")',
        created=3,
        updated=0,
    )
    client.force_login(org_admin)
    response = export(client, organisation.slug, "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="revisionsspor-aarhus-test.csv"' in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body[3:].decode("utf-8")), delimiter=";"))
    assert rows[0] == [
        "Tidspunkt",
        "Udført af",
        "Hændelse",
        "Detaljer",
        "Hændelseskode",
        "Felter (JSON)",
    ]
    assert [row[4] for row in rows[1:]] == ["organisation.admin.add", "organisation.import"]
    imported = rows[2]
    assert imported[:3] == ["2026-05-01 08:30:15", "hr@aarhus-test.example", "Indlæste en HR-fil"]
    assert imported[3] == 'Fil: =HYPERLINK("http://evil.example","klik"); Nye personer: 3'
    assert imported[4] == "organisation.import"
    assert json.loads(imported[5]) == {  # an import's zero counts are left out of the words
        "created": 3,
        "updated": 0,
        "file_name": '=HYPERLINK("http://evil.example","klik")',
    }
    # No cell begins with what a spreadsheet reads as a formula.
    logged("round.close", at=datetime(2026, 5, 2), actor=None, round=1)
    AuditEntry.objects.filter(event="round.close").update(actor_label="=1+1")
    rows = list(
        csv.reader(
            io.StringIO(export(client, organisation.slug, "csv").content[3:].decode()),
            delimiter=";",
        )
    )
    assert [row[1] for row in rows if row[4] == "round.close"] == ["'=1+1"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_xlsx_opens_in_openpyxl_with_times_and_texts_as_data(client, organisation, org_admin):
    logged(
        "organisation.import",
        at=datetime(2026, 5, 1, 8, 30, 15),
        actor=org_admin,
        file_name="=1+2",
    )
    client.force_login(org_admin)
    response = export(client, organisation.slug, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Tidspunkt", "Udført af", "Hændelse")
    assert [row[4] for row in rows[1:]] == ["organisation.admin.add", "organisation.import"]
    assert rows[2][0] == datetime(2026, 5, 1, 8, 30, 15)
    assert rows[2][2] == "Indlæste en HR-fil"
    assert rows[2][3] == "Fil: =1+2"
    assert sheet.cell(row=3, column=4).data_type == "s"


def test_an_export_holds_what_the_search_found_and_is_itself_audited(client, seen):
    client.force_login(seen)
    response = export(client, "fjordby", "csv", soeg="Cecilie", haendelse="rapporter")
    rows = list(csv.reader(io.StringIO(response.content[3:].decode()), delimiter=";"))
    assert [row[2] for row in rows[1:]] == ["Hentede lederrapporten som PDF", "Så lederrapporten"]
    entry = AuditEntry.objects.get(event="audit.export")
    assert entry.actor_id == seen.pk
    assert entry.organisation == "fjordby"
    # What was searched for (here a name) is not kept.
    assert entry.fields == {"format": "csv", "entries": 2, "filtered": True, "kind": "rapporter"}
    html = log_page(client, "fjordby").content.decode()
    assert "Hentede revisionssporet som CSV-fil" in rows_of(html)[0]
    assert "Kun de fundne poster: ja" in rows_of(html)[0]
    assert "Hændelse: alle visninger af rapporter" in rows_of(html)[0]
    assert export(client, "fjordby", "pdf").status_code == 404
    assert AuditEntry.objects.filter(event="audit.export").count() == 1


# Nothing changes it ---------------------------------------------------------------------------


def test_no_request_changes_or_deletes_an_entry(client, organisation, org_admin, system_admin):
    entry = logged("round.close", at=datetime(2026, 1, 5, 10), actor=org_admin, round=3)
    before = list(AuditEntry.objects.order_by("pk").values())
    for who in (org_admin, system_admin):
        client.force_login(who)
        for name in ("audit:log", "audit:export"):
            url = reverse(name, args=[organisation.slug])
            for data in ({}, {"format": "csv"}, {"id": entry.pk, "event": "x"}):
                assert client.post(url, data).status_code == 405
            for method in (client.put, client.patch, client.delete):
                assert method(url).status_code == 405
    # Django's admin lets a system administrator read an entry, never add, change or delete it.
    change = reverse("admin:core_auditentry_change", args=[entry.pk])
    delete = reverse("admin:core_auditentry_delete", args=[entry.pk])
    add = reverse("admin:core_auditentry_add")
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"event": "x", "actor_label": "y"}).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(add, {"event": "x", "actor_label": "y"}).status_code == 403
    changelist = reverse("admin:core_auditentry_changelist")
    bulk = {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    client.post(changelist, bulk)
    assert list(AuditEntry.objects.order_by("pk").values()) == before


# The command line -----------------------------------------------------------------------------


def test_omstil_audit_list_gives_the_entries_newest_first_as_json(seen, closed):
    code, out, _err = run("audit", "list", "--org", "fjordby", "--json")
    assert code == 0
    listed = json.loads(out)
    entries = AuditEntry.objects.filter(organisation="fjordby").order_by("-at", "-pk")
    assert [item["action"] for item in listed] == [entry.event for entry in entries]
    ats = [datetime.fromisoformat(item["at"]) for item in listed]
    assert ats == sorted(ats, reverse=True)
    # The fixture's own entries are from today; the looks at reports from 2020.
    code, out, _err = run("audit", "list", "--org", "fjordby", "--json", "--until", "2020-12-31")
    listed = json.loads(out)
    assert len(listed) == 4
    newest = listed[0]
    assert newest["action"] == "round.remind"
    assert datetime.fromisoformat(newest["at"]) == timezone.make_aware(datetime(2020, 3, 3, 12))
    assert newest["actor"] == "system"
    assert newest["organisation"] == "fjordby"
    assert newest["details"] == {"round": closed.pk, "planned": False, "recipients": 4}
    assert newest["description"] == "Sendte påmindelser"
    pdf = next(item for item in listed if item["details"].get("format") == "pdf")
    assert pdf["actor"] == "bo@fjordby.example"
    assert pdf["description"] == "Hentede lederrapporten som PDF"
    assert "Leder: Cecilie Ærø (3)" in pdf["details_text"]


def test_omstil_audit_list_narrows_like_the_page_and_prints_text(seen):
    def listed(*args: str) -> list[str]:
        code, out, err = run("audit", "list", "--org", "fjordby", "--json", *args)
        assert code == 0, err
        return [item["description"] for item in json.loads(out)]

    assert listed("--since", "2020-03-03", "--until", "2020-03-03") == [
        "Sendte påmindelser",
        "Hentede enhedsrapporten som Excel-fil",
    ]
    assert listed("--event", "report.leader") == [
        "Hentede lederrapporten som PDF",
        "Så lederrapporten",
    ]
    assert listed("--search", "bo@", "--event", "rapporter") == [
        "Hentede enhedsrapporten som Excel-fil",
        "Hentede lederrapporten som PDF",
    ]
    code, out, _err = run("audit", "list", "--org", "fjordby", "--event", "report.unit")
    assert code == 0
    assert out.strip().splitlines() == [
        f"3. marts 2020 09:00  bo@fjordby.example  Hentede enhedsrapporten som Excel-fil  "
        f"(Runde: {Round.objects.get().name} (nr. {Round.objects.get().pk}); Enhed: {HJEMMEPLEJEN})"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "ingen"], "Organisationen “ingen” findes ikke."),
        (["--org", "fjordby", "--since", "1. marts"], "--since: Skriv datoen som år-måned-dag"),
        (["--org", "fjordby", "--event", "x.y"], "--event: Hændelsen “x.y” findes ikke"),
        (
            ["--org", "fjordby", "--since", "2020-03-02", "--until", "2020-03-01"],
            "--until: Slutdatoen ligger før startdatoen.",
        ),
    ],
)
def test_omstil_audit_list_rejects_what_it_cannot_read(closed, args, message):
    code, out, err = run("audit", "list", "--json", *args)
    assert code == 1
    assert message in err
    assert out == ""


def test_a_deleted_organisations_log_keeps_the_entry_of_its_deletion(db):
    logged("organisation.delete", at=datetime(2026, 6, 1, 12), organisation="borte", people=40)
    code, out, _err = run("audit", "list", "--org", "borte")
    assert code == 0
    assert "Slettede organisationen" in out
    assert "Slettet: 40 personer" in out


# Looking at reports leaves an entry the log puts in words ------------------------------------


def test_every_look_at_a_report_is_logged_and_read_in_words(client, closed, hr):
    cecilie = set_up_user("cecilie@fjordby.example", PASSWORD, name="Cecilie Ærø")
    bo = set_up_user("bo@fjordby.example", PASSWORD, name="Bo")
    leader = reverse("reports:leader", args=[closed.pk, "3"])
    unit = reverse("reports:unit", args=[closed.pk])
    dialogue = reverse("development:dialogue", args=[closed.pk, "3"])
    client.force_login(cecilie)
    for params in (
        {},
        {"format": "pdf"},
        {"format": "xlsx"},
        {"version": "medarbejdere"},
        {"version": "medarbejdere", "format": "pdf"},
    ):
        assert client.get(leader, params).status_code == 200
    assert client.get(dialogue, {"format": "pdf"}).status_code == 200
    client.force_login(bo)
    for params in ({}, {"format": "pdf"}, {"format": "xlsx"}):
        assert client.get(unit, {"enhed": "Fjordby Kommune / Social", **params}).status_code == 200
    entries = AuditEntry.objects.filter(organisation="fjordby", actor_id__in=[cecilie.pk, bo.pk])
    assert [(entry.event, entry.fields.get("format")) for entry in entries.order_by("pk")] == [
        ("report.leader", "html"),
        ("report.leader", "pdf"),
        ("report.leader", "xlsx"),
        ("report.leader", "html-employees"),
        ("report.leader", "pdf-employees"),
        ("dialogue.view", "pdf"),
        ("report.unit", "html"),
        ("report.unit", "pdf"),
        ("report.unit", "xlsx"),
    ]
    client.force_login(hr(closed.organisation))
    assert actions(client, haendelse="rapporter") == [
        "Hentede enhedsrapporten som Excel-fil",
        "Hentede enhedsrapporten som PDF",
        "Så enhedsrapporten",
        "Hentede dialogsiden som PDF",
        "Hentede medarbejderversionen af lederrapporten som PDF",
        "Så medarbejderversionen af lederrapporten",
        "Hentede lederrapporten som Excel-fil",
        "Hentede lederrapporten som PDF",
        "Så lederrapporten",
    ]
    html = log_page(client, "fjordby", haendelse="report.unit").content.decode()
    assert "Enhed: Fjordby Kommune / Social" in html
    assert "bo@fjordby.example" in html


def test_the_zip_of_every_leader_report_is_logged_when_asked_for_and_when_fetched(
    client, closed, hr, settings, tmp_path, django_capture_on_commit_callbacks
):
    from omstil.reports.models import ReportArchive
    from omstil.reports.tasks import build_leader_archive

    settings.MEDIA_ROOT = tmp_path
    Round.objects.filter(pk=closed.pk).update(visibility={**closed.visibility, "org_admins": True})
    client.force_login(hr(closed.organisation))
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("reports:archive_request", args=[closed.pk]))
    archive = ReportArchive.objects.get()
    build_leader_archive.call(archive.pk)
    download = client.get(reverse("reports:archive", args=[archive.pk]), {"hent": "1"})
    assert download.status_code == 200
    b"".join(download.streaming_content)
    assert actions(client, soeg="zip") == [
        "Hentede alle lederrapporter som zip-fil",
        "Bad om alle lederrapporter i en zip-fil",
    ]


@pytest.mark.parametrize(
    ("event", "fields", "sentence"),
    [
        ("mapping.unit", {"subject": HJEMMEPLEJEN, "format": "html"}, "Så enhedens kortlægning"),
        (
            "mapping.unit",
            {"subject": HJEMMEPLEJEN, "format": "pdf"},
            "Hentede enhedens kortlægning som PDF",
        ),
        ("report.programme", {"programme": 4, "format": "html"}, "Så forløbets effekt"),
        ("report.programme", {"programme": 4, "format": "pdf"}, "Hentede forløbets effekt som PDF"),
        ("dialogue.view", {"subject": "3"}, "Så dialogsiden"),  # logged before it had a format
        ("follow_up.view", {}, "Så opfølgningslisten"),
    ],
)
def test_the_other_looks_at_reports_read_as_sentences(
    client, organisation, org_admin, event, fields, sentence
):
    logged(event, at=datetime(2026, 7, 1, 9), actor=org_admin, round=1, **fields)
    client.force_login(org_admin)
    html = log_page(client, organisation.slug, haendelse=event).content.decode()
    assert [sentence in row for row in rows_of(html)] == [True]
