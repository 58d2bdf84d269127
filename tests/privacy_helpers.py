"""Helpers for the personal-data tests: where a name still is, and every report as it renders."""

import io
import json

from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from omstil.organisations.models import PATH_SEPARATOR, Organisation
from omstil.rounds.models import EvaluatedLeader, Round

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def forms_of(value: str) -> list[str]:
    """`value` as it is and as JSON stores it with non-ASCII escaped (SQLite)."""
    escaped = json.dumps(value)[1:-1]
    return [value] if escaped == value else [value, escaped]


def rows_holding(*values: str) -> list[tuple[str, str, object]]:
    """Every (table, column, primary key) in the whole database whose text holds any value."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.BinaryField):
                for pk, data in model._default_manager.values_list("pk", field.name):
                    if data and any(value.encode() in bytes(data) for value in values):
                        found.append((model._meta.db_table, field.name, pk))
                continue
            if not isinstance(field, TEXT_FIELDS):
                continue
            condition = Q()
            for value in values:
                for form in forms_of(value):
                    condition |= Q(_text__icontains=form)
            rows = model._default_manager.annotate(_text=Cast(field.name, TextField())).filter(
                condition
            )
            found += [
                (model._meta.db_table, field.name, pk) for pk in rows.values_list("pk", flat=True)
            ]
    return found


def run(*args: str) -> tuple[int, str, str]:
    """`omstil ARGS…` in this process: its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def every_report(organisation: Organisation) -> dict[tuple[object, ...], str]:
    """Every report of the organisation's closed evaluation rounds, as JSON and HTML: the report
    of each leader still held and of each unit, as `omstil report` writes them."""
    reports: dict[tuple[object, ...], str] = {}
    rounds = Round.objects.filter(
        organisation=organisation, status=Round.Status.CLOSED, kind=Round.Kind.EVALUATION
    )
    for round_ in rounds.order_by("pk"):
        leaders = EvaluatedLeader.objects.filter(round=round_, erased_at__isnull=True)
        paths = set()
        for leader in leaders:
            for form in ("json", "html"):
                reports[round_.pk, "leader", leader.employee_id, form] = report(
                    "leader", str(round_.pk), leader.employee_id, "--format", form
                )
        for path in EvaluatedLeader.objects.filter(round=round_).values_list(
            "unit_path", flat=True
        ):
            parts = path.split(PATH_SEPARATOR)
            paths |= {PATH_SEPARATOR.join(parts[:depth]) for depth in range(1, len(parts) + 1)}
        for path in sorted(paths):
            for form in ("json", "html"):
                reports[round_.pk, "unit", path, form] = report(
                    "unit", str(round_.pk), path, "--format", form
                )
    return reports
