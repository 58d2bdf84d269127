"""Report pages: a leader's report for the people the round's visibility policy allows."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from omstil.accounts.models import User
from omstil.core.i18n import active_language
from omstil.development.access import plan_role
from omstil.development.services import plan_beside_change, previous_plan
from omstil.reports.access import can_get_all_leader_reports, can_see_leader_report
from omstil.reports.models import ReportArchive
from omstil.reports.rendering import heat_rows, leader_context, leader_pdf, unit_pdf
from omstil.reports.services import ReportUnavailable, unit_report
from omstil.reports.tasks import build_leader_archive, give_up_stale_archives
from omstil.rounds.models import EvaluatedLeader, Round

audit = logging.getLogger("omstil.audit")


def _audit(request: HttpRequest, what: str, round_id: int, subject: str, form: str) -> None:
    """Who saw which report, and in which form: one line in the audit log."""
    audit.info(
        "report.%s round=%s subject=%r format=%s user=%s",
        what,
        round_id,
        subject,
        form,
        request.user.pk,
    )


@login_required
def leader_report_page(request: HttpRequest, round_id: int, employee_id: str) -> HttpResponse:
    """The leader's report; others get 404, which does not reveal whether it exists."""
    leader = (
        EvaluatedLeader.objects.select_related("round__organisation")
        .filter(round_id=round_id, employee_id=employee_id)
        .first()
    )
    if leader is None or leader.round.is_mapping or not can_see_leader_report(request.user, leader):
        raise Http404(employee_id)
    language = active_language()
    # The employees-only version: what the leader may share with the employees, if the policy
    # offers it: on the page and in its PDF.
    employees_only = request.GET.get("version") == "medarbejdere" and bool(
        leader.round.visibility.get("employee_version")
    )
    context = leader_context(leader.round, employee_id, language, request.user)
    context["employees_only"] = employees_only
    context["plan_role"] = plan_role(request.user, leader)
    plan = previous_plan(leader.round, employee_id)
    if plan is not None and not employees_only and plan_role(request.user, plan.leader):
        # The plan from the previous round beside the change on its focus statements.
        context["previous_plan"] = plan_beside_change(plan, context["report"]["items"], language)
    form = "pdf" if request.GET.get("format") == "pdf" else "html"
    _audit(
        request, "leader", round_id, employee_id, form + ("-employees" if employees_only else "")
    )
    if form == "pdf":
        response = HttpResponse(
            leader_pdf(
                leader.round,
                employee_id,
                language,
                employees_only=employees_only,
                viewer=request.user,
            ),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'attachment; filename="rapport-{employee_id}.pdf"'
        return response
    return render(request, "reports/leader.html", context)


@login_required
def unit_report_page(request: HttpRequest, round_id: int) -> HttpResponse:
    """A unit and everything below it, with a heat map of statements × sub-units."""
    path = request.GET.get("enhed", "")
    round_ = Round.objects.select_related("organisation").filter(pk=round_id).first()
    if round_ is None or not path or round_.status != Round.Status.CLOSED or round_.is_mapping:
        raise Http404(path)
    language = active_language()
    try:
        data = unit_report(round_, path, language, viewer=request.user)
    except ReportUnavailable:
        # Not evaluated and not allowed look the same: neither reveals whether the unit exists.
        raise Http404(path) from None
    form = "pdf" if request.GET.get("format") == "pdf" else "html"
    _audit(request, "unit", round_id, path, form)
    if form == "pdf":
        response = HttpResponse(
            unit_pdf(round_, path, language, data), content_type="application/pdf"
        )
        response["Content-Disposition"] = 'attachment; filename="enhedsrapport.pdf"'
        return response
    return render(
        request,
        "reports/unit.html",
        {"report": data, "round": round_, "path": path, "heat": heat_rows(data)},
    )


@require_POST
@login_required
def archive_request(request: HttpRequest, round_id: int) -> HttpResponse:
    """Ask for every leader's PDF in one zip; it is built in the background."""
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None or not can_get_all_leader_reports(request.user, round_):
        raise Http404(round_id)
    give_up_stale_archives(round=round_)
    running = ReportArchive.objects.filter(
        round=round_,
        status__in=[ReportArchive.Status.QUEUED, ReportArchive.Status.RUNNING],
    ).first()
    if running is not None:
        # A second click follows the zip already being made instead of making another.
        return redirect("reports:archive", archive_id=running.pk)
    archive = ReportArchive.objects.create(
        round=round_,
        requested_by=request.user if isinstance(request.user, User) else None,
        language=active_language(),
    )
    archive_id = archive.pk
    transaction.on_commit(lambda: build_leader_archive.enqueue(archive_id))
    return redirect("reports:archive", archive_id=archive.pk)


@login_required
def archive_status(request: HttpRequest, archive_id: int) -> HttpResponseBase:
    """How far the zip has come, and the download once it is done."""
    archive = ReportArchive.objects.select_related("round").filter(pk=archive_id).first()
    if archive is None or not can_get_all_leader_reports(request.user, archive.round):
        raise Http404(archive_id)
    if request.GET.get("hent") and archive.status == ReportArchive.Status.DONE:
        try:
            # Opened, it can be read to the end even if `round tick` deletes it meanwhile.
            file = open(archive.file, "rb")  # noqa: SIM115 (FileResponse closes it)
        except FileNotFoundError:
            raise Http404(archive_id) from None
        _audit(request, "archive", archive.round_id, str(archive.pk), "zip")
        return FileResponse(
            file, as_attachment=True, filename=f"lederrapporter-runde-{archive.round_id}.zip"
        )
    if give_up_stale_archives(pk=archive.pk):
        archive.refresh_from_db()
    return render(
        request,
        "reports/archive.html",
        {"archive": archive, "days": settings.OMSTIL_ARCHIVE_DAYS},
    )
