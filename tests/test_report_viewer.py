"""`omstil report leader|unit … --viewer EMAIL`: the report exactly as that person sees it in
the browser under the round's policy (CONTRACT.md), and exit 1 when they may not see it."""

import io
import json

import pytest
from django.core.management import call_command

from omstil.accounts.services import set_up_user
from omstil.organisations.models import Person
from omstil.reports.services import leader_report, unit_report
from tests.conftest import PASSWORD
from tests.report_fixtures import closed  # noqa: F401


def report(*args: str) -> dict:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return json.loads(out.getvalue())


def refused(*args: str) -> str:
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("report", *args, stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 1
    return err.getvalue()


def test_the_leader_sees_her_report_as_on_the_page(closed):  # noqa: F811
    closed.refresh_from_db()
    cecilie = Person.objects.get(employee_id="3").user
    assert cecilie is not None
    data = report("leader", str(closed.pk), "3", "--viewer", "Cecilie@Fjordby.example")
    assert data == json.loads(json.dumps(leader_report(closed, "3", viewer=cecilie)))


def test_hr_sees_the_unit_pooled_with_the_reasons(closed, hr):  # noqa: F811
    closed.refresh_from_db()
    admin = hr(closed.organisation)
    data = report("unit", str(closed.pk), "Fjordby Kommune", "--viewer", admin.email)
    assert data == json.loads(json.dumps(unit_report(closed, "Fjordby Kommune", viewer=admin)))
    assert data["named_leaders"] is False
    assert {column["kind"] for column in data["sub_units"]} == {"unit"}
    social = next(column for column in data["sub_units"] if column["label"] == "Social")
    assert {figure["reason"] for figure in social["items"].values()} == {
        "skjult for at beskytte en mindre gruppe"
    }
    # The operator, without --viewer, sees every column, the leaders' own among them.
    full = report("unit", str(closed.pk), "Fjordby Kommune")
    assert "leader" in {column["kind"] for column in full["sub_units"]}


def test_someone_who_may_not_see_the_report_gets_exit_1(closed, hr):  # noqa: F811
    admin = hr(closed.organisation)
    assert "må ikke se denne rapport" in refused(
        "leader", str(closed.pk), "3", "--viewer", admin.email
    )
    other = set_up_user("ude@andet.example", PASSWORD)
    assert "må ikke se denne rapport" in refused(
        "unit", str(closed.pk), "Fjordby Kommune", "--viewer", other.email
    )
    assert "ingen aktiv konto" in refused(
        "leader", str(closed.pk), "3", "--viewer", "ingen@fjordby.example"
    )
