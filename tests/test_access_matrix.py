"""The access matrix: every role × every object and action, one test per cell of the table in
docs/access.md ("Adgangsmatricen"), which this module reads, so the page cannot drift from the code.

The world is built once for the module inside a transaction that is rolled back at its end; each
test runs in a savepoint of its own, so a change one cell makes is gone before the next.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from omstil.accounts.models import Membership, User
from omstil.accounts.services import set_up_user
from omstil.core.models import AuditEntry
from omstil.development.models import Action, Focus, FollowUp, PlanComment
from omstil.development.services import add_action, set_focus
from omstil.organisations.accounts import sync_accounts
from omstil.organisations.models import Organisation, PendingImport, Person
from omstil.organisations.services import add_admin, preview_import, set_role
from omstil.privacy.retention import rules_for
from omstil.programmes.models import Module, Programme
from omstil.programmes.services import ProgrammeSetup, create_programme
from omstil.reports import ready
from omstil.reports.models import ReportArchive
from omstil.reports.tasks import build_leader_archive, request_leader_archive
from omstil.responses.closing import close_round
from omstil.rounds import listcheck
from omstil.rounds.models import EvaluatedLeader, ListCorrection, Reminder, Round
from omstil.rounds.services import DEFAULT_VISIBILITY, open_round
from omstil.selfassessment import services as selfassessment
from omstil.selfassessment.models import SelfAssessment
from tests import mapping_helpers
from tests.conftest import PASSWORD
from tests.hrfiles import PEOPLE, changed, csv_file
from tests.report_fixtures import MORE, answer
from tests.rounds_helpers import KEYS, draft_round, kommune

DOC = Path(__file__).resolve().parent.parent / "docs" / "access.md"
SECTION = "## Adgangsmatricen"
ROLES = [
    "sysadmin",
    "hr",
    "hr-anden",
    "hr-læser",
    "leder",
    "overordnet",
    "anden-leder",
    "medarbejder",
    "anonym",
]
COLUMNS = ["id", "objekt", "handling", "anmodning", *ROLES]
ANSWERS = {"200", "302→", "302↩", "403", "404", "405", "login"}
ACTIONS = {"se", "hent", "ændre"}
# Round 1's policy: the leader and the leaders above her; HR sees no single leader's report.
POLICY = {"leader": True, "superior": True, "org_admins": False}
SLUG = "fjordby"
OTHER_SLUG = "anden"
UNKNOWN_SLUG = "findes-ikke"
HR_FILE_ROWS = [*PEOPLE, *MORE]
NEW_NAME = "Hanne Lund Holm"  # what the pending import changes


@dataclass(frozen=True)
class Row:
    """One row of the table: an object and action, the request, and the answer for each role."""

    id: str
    action: str
    method: str
    target: str  # a URL name, or a path when it begins with "/"
    query: dict[str, str]
    cells: dict[str, str]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_matrix(text: str) -> list[Row]:
    """The rows of the table under "## Adgangsmatricen" in docs/access.md."""
    if SECTION not in text:
        raise ValueError(f"{DOC}: no section {SECTION!r}")
    section = re.split(r"^## ", text.split(SECTION, 1)[1], flags=re.MULTILINE)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    if not lines or _cells(lines[0]) != COLUMNS:
        raise ValueError(f"{DOC}: the table's columns must be {COLUMNS}")
    rows = []
    for line in lines[2:]:
        values = _cells(line)
        if len(values) != len(COLUMNS):
            raise ValueError(f"{DOC}: {len(values)} cells, not {len(COLUMNS)}: {line}")
        row = dict(zip(COLUMNS, values, strict=True))
        method, target, *rest = row["anmodning"].strip("`").split(" ", 2)
        query = dict(parse_qsl(rest[0].removeprefix("?"))) if rest else {}
        cells = {role: row[role] for role in ROLES}
        unknown = {answer for answer in cells.values() if answer not in ANSWERS}
        if method not in ("GET", "POST") or row["handling"] not in ACTIONS or unknown:
            raise ValueError(f"{DOC}: a method, action or answer is not in the legend: {line}")
        rows.append(Row(row["id"], row["handling"], method, target, query, cells))
    return rows


MATRIX = read_matrix(DOC.read_text(encoding="utf-8"))


# --- The world -----------------------------------------------------------------------------


@dataclass
class World:
    organisation: Organisation
    users: dict[str, User | None]
    closed: Round  # round 1: POLICY
    hr_round: Round  # round 2: HR may see the leader reports
    draft: Round
    mapping: Round
    archive: ReportArchive
    programme: Programme
    assessment: SelfAssessment
    pending: PendingImport
    leader: EvaluatedLeader  # Cecilie in round 1


def _closed_round(organisation: Organisation) -> Round:
    """Round 1, as the `closed` fixture in tests/report_fixtures.py makes it, with POLICY."""
    round_ = draft_round(organisation, visibility=POLICY)
    open_round(round_)
    round_.refresh_from_db()
    for employee_id, values in [
        ("4", ["4", "4", "3", "dont_know", "5"]),
        ("5", ["5", "4", "4", "4", "5"]),
        ("6", ["3", "4", "2", "4", "4"]),
        ("20", ["4", "5", "4", "4", "prefer_not"]),
        ("21", ["2", "3", "4", "5", "4"]),
    ]:
        answer(round_, employee_id, "3", "employee", values)
    answer(round_, "3", "3", "self", ["5", "5", "5", "5", "5"])
    answer(round_, "2", "3", "superior", ["4", "4", "4", "4", "4"])
    answer(round_, "8", "7", "employee", ["1", "1", "1", "1", "1"])
    close_round(round_)
    round_.refresh_from_db()
    return round_


def _self_assessment(owner: User) -> SelfAssessment:
    """A completed `ti-bud`, taken through the services as its pages take it."""
    assessment = selfassessment.start_self_assessment(owner, "ti-bud")
    pages = selfassessment.pages(assessment.version, "da")
    for page in pages:
        values = {statement.key: "4" for statement in page.statements}
        selfassessment.save_page(assessment, page, values, "", complete=page is pages[-1])
    assessment.refresh_from_db()
    return assessment


def build_world() -> World:
    organisation = kommune(HR_FILE_ROWS)
    organisation.accounts_for_everyone = True
    organisation.save(update_fields=["accounts_for_everyone"])
    sync_accounts(organisation)
    other = Organisation.objects.create(slug=OTHER_SLUG, name="Anden Kommune")
    hr = set_up_user(f"hr@{SLUG}.example", PASSWORD, name="Hanne HR")
    add_admin(organisation, hr, actor=None)
    hr_other = set_up_user(f"hr@{OTHER_SLUG}.example", PASSWORD, name="Hanne HR")
    add_admin(other, hr_other, actor=None)

    def account(employee_id: str) -> User:
        user = Person.objects.get(organisation=organisation, employee_id=employee_id).user
        assert user is not None, employee_id
        return user

    users: dict[str, User | None] = {
        "sysadmin": set_up_user(
            "system@omstil.example", PASSWORD, name="Sys Admin", system_admin=True
        ),
        "hr": hr,
        "hr-anden": hr_other,
        "hr-læser": set_role(organisation, "laeser@fjordby.example", "reader", actor=None),
        "leder": account("3"),
        "overordnet": account("2"),
        "anden-leder": account("7"),
        "medarbejder": account("4"),
        "anonym": None,
    }

    closed = _closed_round(organisation)
    today = timezone.localdate()
    hr_round = draft_round(
        organisation,
        name="Ledelsesevaluering med HR",
        opens_on=closed.opens_on + timedelta(days=1),
        visibility={**POLICY, "org_admins": True},
    )
    open_round(hr_round)
    hr_round.refresh_from_db()
    close_round(hr_round)
    hr_round.refresh_from_db()
    archive = request_leader_archive(hr_round, "da", actor=hr)
    build_leader_archive.call(archive.pk)
    archive.refresh_from_db()
    assert archive.status == ReportArchive.Status.DONE

    draft = draft_round(organisation, name="Kladde", opens_on=today + timedelta(days=2))
    # The leaders may check whom the draft will ask about them (rounds.listcheck).
    listcheck.start_list_check(draft, today + timedelta(days=1), actor=None)
    draft.refresh_from_db()

    mapping = mapping_helpers.mapping_round(organisation)
    open_round(mapping)
    mapping.refresh_from_db()
    for employee_id in ["4", "5", "6", "20", "21", "22", "23", "24"]:
        mapping_helpers.answer(mapping, employee_id, "4")
    close_round(mapping)
    mapping.refresh_from_db()

    cecilie = account("3")
    leader = EvaluatedLeader.objects.get(round=closed, employee_id="3")
    set_focus(leader, [KEYS[0]], [], actor=cecilie)
    add_action(leader, "Spørg teamet", "Cecilie Ærø", today + timedelta(days=30), actor=cecilie)

    programme = create_programme(
        organisation,
        ProgrammeSetup(
            name="Digital ledelse",
            starts_on=date(today.year, 1, 1),
            ends_on=date(today.year, 12, 31),
            participants=["3", "7"],
        ),
        actor=hr,
    )
    pending = preview_import(
        organisation,
        csv_file(changed("8", 1, NEW_NAME, HR_FILE_ROWS)),
        file_name="medarbejdere.csv",
        actor=hr,
    ).pending
    return World(
        organisation=organisation,
        users=users,
        closed=closed,
        hr_round=hr_round,
        draft=draft,
        mapping=mapping,
        archive=archive,
        programme=programme,
        assessment=_self_assessment(cecilie),
        pending=pending,
        leader=leader,
    )


@pytest.fixture(scope="module")
def world(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


# --- What each row asks for ----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The URL arguments of a row in the world, the POST data, and for a change what it changes."""

    args: Callable[[World], list[object]]
    data: Callable[[World], dict[str, object]] = field(default=lambda w: {})
    probe: Callable[[World], object] | None = None


def _round_form() -> dict[str, object]:
    today = timezone.localdate()
    return {
        "name": "Ledelsesevaluering 2027",
        "instruments": ["digital-omstilling"],
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=21)).isoformat(),
        "min_group_size": "5",
        "rater_groups": ["employee", "self", "superior"],
        "visibility": ["leader", "superior"],
    }


def _upload(w: World) -> dict[str, object]:
    data = csv_file(changed("8", 1, NEW_NAME, HR_FILE_ROWS))
    return {"file": SimpleUploadedFile("medarbejdere.csv", data, content_type="text/csv")}


def _deadline() -> str:
    return (timezone.localdate() + timedelta(days=14)).isoformat()


def _org(w: World) -> list[object]:
    return [SLUG]


def _report(w: World) -> list[object]:
    return [w.closed.pk, "3"]


TARGETS: dict[str, Target] = {
    "organisation-view": Target(_org),
    "organisation-role-change": Target(
        _org,
        lambda w: {"role_form": "1", "email": "ny@fjordby.example", "role": "reader"},
        lambda w: Membership.objects.filter(
            organisation=w.organisation, user__email="ny@fjordby.example"
        ).exists(),
    ),
    "organisation-delete": Target(
        _org,
        lambda w: {"confirm": SLUG},
        lambda w: Organisation.objects.filter(slug=SLUG).exists(),
    ),
    "unknown-organisation-view": Target(lambda w: [UNKNOWN_SLUG]),
    "unknown-organisation-delete": Target(
        lambda w: [UNKNOWN_SLUG],
        lambda w: {"confirm": UNKNOWN_SLUG},
        lambda w: Organisation.objects.count(),
    ),
    "privacy-view": Target(_org),
    "retention-change": Target(
        _org,
        lambda w: {
            "leavers_months": "9",
            "invitation_days": "30",
            "answers_years": "5",
            "audit_years": "5",
        },
        lambda w: rules_for(w.organisation).leavers_months,
    ),
    "person-delete-view": Target(lambda w: [SLUG, "24"]),
    "person-delete": Target(
        lambda w: [SLUG, "24"],
        lambda w: {"confirm": "24"},
        lambda w: Person.objects.filter(organisation=w.organisation, employee_id="24").exists(),
    ),
    "closed-round-delete-view": Target(lambda w: [SLUG, w.hr_round.pk]),
    "closed-round-delete": Target(
        lambda w: [SLUG, w.hr_round.pk],
        lambda w: {"confirm": str(w.hr_round.pk)},
        lambda w: Round.objects.filter(pk=w.hr_round.pk).exists(),
    ),
    "insight-find": Target(_org),
    "insight-view": Target(lambda w: [SLUG, "4"]),
    "insight-pdf": Target(lambda w: [SLUG, "4"]),
    "record-view": Target(_org),
    "record-pdf": Target(_org),
    "annex-view": Target(_org),
    "annex-pdf": Target(_org),
    "hr-audit-log-view": Target(_org),
    "hr-audit-log-csv": Target(_org),
    "hr-audit-log-xlsx": Target(_org),
    "hr-audit-log-change": Target(
        _org, lambda w: {"delete": "1"}, lambda w: AuditEntry.objects.count()
    ),
    "import-view": Target(_org),
    "import-upload": Target(_org, _upload, lambda w: PendingImport.objects.count()),
    "import-confirm": Target(
        lambda w: [SLUG, w.pending.pk],
        lambda w: {},
        lambda w: Person.objects.get(organisation=w.organisation, employee_id="8").name,
    ),
    "import-confirm-get": Target(lambda w: [SLUG, w.pending.pk]),
    "wrong-organisation-import-confirm": Target(
        lambda w: [OTHER_SLUG, w.pending.pk],
        lambda w: {},
        lambda w: Person.objects.get(organisation=w.organisation, employee_id="8").name,
    ),
    "round-view": Target(lambda w: [SLUG, w.closed.pk]),
    "wrong-organisation-round-view": Target(lambda w: [OTHER_SLUG, w.closed.pk]),
    "round-create": Target(_org, lambda w: _round_form(), lambda w: w.organisation.rounds.count()),
    "round-open": Target(
        lambda w: [SLUG, w.draft.pk, "open"],
        lambda w: {},
        lambda w: Round.objects.get(pk=w.draft.pk).status,
    ),
    "round-edit-view": Target(lambda w: [SLUG, w.draft.pk]),
    "round-edit": Target(
        lambda w: [SLUG, w.draft.pk],
        lambda w: {**_round_form(), "name": "Rettet"},
        lambda w: Round.objects.get(pk=w.draft.pk).name,
    ),
    "round-delete-view": Target(lambda w: [SLUG, w.draft.pk]),
    "round-delete": Target(
        lambda w: [SLUG, w.draft.pk],
        lambda w: {},
        lambda w: Round.objects.filter(pk=w.draft.pk).exists(),
    ),
    "round-invitations-view": Target(lambda w: [SLUG, w.draft.pk]),
    "round-preview-view": Target(lambda w: [SLUG, w.draft.pk]),
    "list-check-start": Target(
        lambda w: [SLUG, w.draft.pk],
        lambda w: {"until": (timezone.localdate() + timedelta(days=9)).isoformat()},
        lambda w: Round.objects.get(pk=w.draft.pk).list_check_until,
    ),
    "list-check-view": Target(lambda w: [w.draft.pk]),
    "list-check-report": Target(
        lambda w: [w.draft.pk],
        lambda w: {"text": "Frida Holm mangler"},
        lambda w: ListCorrection.objects.filter(round=w.draft).count(),
    ),
    "round-remind-view": Target(lambda w: [SLUG, w.closed.pk]),
    "round-remind": Target(
        lambda w: [SLUG, w.closed.pk],
        lambda w: {},
        lambda w: Reminder.objects.filter(round=w.closed).count(),
    ),
    "round-report-ready": Target(
        lambda w: [w.closed.pk],
        lambda w: {},
        lambda w: AuditEntry.objects.filter(event=ready.EVENT).count(),
    ),
    "leader-report-view": Target(_report),
    "leader-report-pdf": Target(_report),
    "leader-report-xlsx": Target(_report),
    "leader-report-employees-pdf": Target(_report),
    "unknown-leader-report-view": Target(lambda w: [w.closed.pk, "999"]),
    "leader-zip-request": Target(
        lambda w: [w.closed.pk],
        lambda w: {},
        lambda w: ReportArchive.objects.filter(round=w.closed).count(),
    ),
    "hr-round-leader-report-view": Target(lambda w: [w.hr_round.pk, "3"]),
    "hr-round-zip-request": Target(
        lambda w: [w.hr_round.pk],
        lambda w: {},
        lambda w: ReportArchive.objects.filter(round=w.hr_round).count(),
    ),
    "hr-round-zip-download": Target(lambda w: [w.archive.pk]),
    "unit-report-view": Target(lambda w: [w.closed.pk]),
    "unit-report-pdf": Target(lambda w: [w.closed.pk]),
    "unit-report-xlsx": Target(lambda w: [w.closed.pk]),
    "one-leader-unit-report-view": Target(lambda w: [w.closed.pk]),
    "dialogue-view": Target(_report),
    "dialogue-pdf": Target(_report),
    "plan-view": Target(_report),
    "plan-action-add": Target(
        _report,
        lambda w: {"text": "Sparring med Bo", "owner": "Cecilie Ærø", "deadline": _deadline()},
        lambda w: Action.objects.filter(plan__leader=w.leader).count(),
    ),
    "plan-comment-add": Target(
        _report,
        lambda w: {"text": "Godt valg af fokus."},
        lambda w: PlanComment.objects.filter(plan__leader=w.leader).count(),
    ),
    "follow-up-record": Target(
        _report,
        lambda w: {"superior_talk_on": timezone.localdate().isoformat()},
        lambda w: FollowUp.objects.filter(leader=w.leader).count(),
    ),
    "follow-up-list-view": Target(lambda w: [SLUG, w.closed.pk]),
    "follow-up-remind": Target(
        lambda w: [SLUG, w.closed.pk],
        lambda w: {},
        lambda w: AuditEntry.objects.filter(event="follow_up.remind").count(),
    ),
    "superior-page-view": Target(lambda w: []),
    "write-into-plan": Target(
        lambda w: [],
        lambda w: {"competence": "Data i hverdagen", "as": "focus"},
        lambda w: Focus.objects.count(),
    ),
    "programme-mine": Target(lambda w: [SLUG, w.programme.pk]),
    "wrong-organisation-programme-mine": Target(lambda w: [OTHER_SLUG, w.programme.pk]),
    "programme-view": Target(lambda w: [SLUG, w.programme.pk]),
    "wrong-organisation-programme-view": Target(lambda w: [OTHER_SLUG, w.programme.pk]),
    "programme-effect-pdf": Target(lambda w: [SLUG, w.programme.pk]),
    "programme-module-add": Target(
        lambda w: [SLUG, w.programme.pk],
        lambda w: {
            "title": "Data i hverdagen",
            "held_on": w.programme.starts_on.isoformat(),
            "elements": ["ledelse", "it"],
        },
        lambda w: Module.objects.filter(programme=w.programme).count(),
    ),
    "mapping-view": Target(lambda w: [w.mapping.pk]),
    "mapping-pdf": Target(lambda w: [w.mapping.pk]),
    "self-assessment-view": Target(lambda w: [w.assessment.pk]),
    "self-assessment-delete": Target(
        lambda w: [w.assessment.pk],
        lambda w: {},
        lambda w: SelfAssessment.objects.filter(pk=w.assessment.pk).exists(),
    ),
    "audit-log-view": Target(lambda w: []),
}


# --- The table itself ----------------------------------------------------------------------


def test_every_row_of_the_table_names_an_object_of_the_world_and_every_change_is_checked():
    ids = [row.id for row in MATRIX]
    assert len(ids) == len(set(ids)), "two rows with the same id"
    assert set(ids) == set(TARGETS)
    unchecked = [r.id for r in MATRIX if r.action == "ændre" and TARGETS[r.id].probe is None]
    assert unchecked == []


def test_the_policy_of_round_1_is_what_the_default_policy_gives():
    assert {key: DEFAULT_VISIBILITY[key] for key in POLICY} == POLICY


# --- One test per cell ---------------------------------------------------------------------


def _url(row: Row, world: World) -> str:
    if row.target.startswith("/"):
        return row.target
    return reverse(row.target, args=TARGETS[row.id].args(world))


def _content_type(row: Row) -> str:
    if row.query.get("format") == "pdf":
        return "application/pdf"
    if row.query.get("format") == "xlsx":
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if row.query.get("format") == "csv":
        return "text/csv"
    if "hent" in row.query:
        return "application/zip"
    return "text/html"


def _query_string(row: Row) -> str:
    return "?" + urlencode(row.query) if row.query else ""


@pytest.mark.parametrize(
    ("row", "role"),
    [pytest.param(row, role, id=f"{row.id}-{role}") for row in MATRIX for role in ROLES],
)
def test_the_answer_is_the_one_in_the_table(
    client: Client, db: None, world: World, row: Row, role: str
) -> None:
    expected = row.cells[role]
    target = TARGETS[row.id]
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    before = target.probe(world) if target.probe else None
    url = _url(row, world)
    if row.method == "GET":
        response = client.get(url, row.query)
    else:
        response = client.post(url + _query_string(row), target.data(world))
    location = response.get("Location", "")
    login = reverse("admin:login") if url.startswith("/admin/") else resolve_url(settings.LOGIN_URL)
    succeeded = expected in ("200", "302→")
    if expected == "login":
        assert (response.status_code, location.split("?")[0]) == (302, login)
    elif expected in ("302→", "302↩"):
        assert response.status_code == 302, location
        assert not location.startswith(login)
    else:
        assert response.status_code == int(expected)
    if expected == "200":
        assert response["Content-Type"].startswith(_content_type(row))
    if target.probe is not None:
        after = target.probe(world)
        assert (after != before) == succeeded, (before, after)
