"""Report pages: a leader's report for the people the round's visibility policy allows."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from omstil.accounts.access import acting_user
from omstil.core.audit import audit
from omstil.core.i18n import active_language
from omstil.development.services import report_panel
from omstil.organisations.access import administers
from omstil.reports.access import (
    get_archive_for_user,
    get_leader_for_report,
    get_round_for_all_leader_reports,
    get_round_for_unit_report,
)
from omstil.reports.ready import may_send, send_report_ready
from omstil.reports.rendering import (
    breakdown_tables,
    heat_rows,
    leader_context,
    leader_pdf,
    unit_pdf,
)
from omstil.reports.services import ReportUnavailable, unit_report
from omstil.reports.tasks import give_up_stale_archives, request_leader_archive
from omstil.rounds.models import Round


@login_required
def leader_report_page(request: HttpRequest, round_id: int, employee_id: str) -> HttpResponse:
    """The leader's report; others get 404, which does not reveal whether it exists."""
    viewer = acting_user(request)
    leader = get_leader_for_report(viewer, round_id, employee_id)
    language = active_language()
    # The employees-only version: what the leader may share with the employees, if the policy
    # offers it: on the page and in its PDF.
    employees_only = request.GET.get("version") == "medarbejdere" and bool(
        leader.round.visibility.get("employee_version")
    )
    context = leader_context(leader.round, employee_id, language, viewer)
    context["employees_only"] = employees_only
    panel = report_panel(viewer, leader, context["report"]["items"], language)
    context["plan_role"] = panel["plan_role"]
    if not employees_only:
        context["previous_plan"] = panel["previous_plan"]
    asked = request.GET.get("format", "")
    form = asked if asked in ("pdf", "xlsx") else "html"
    if form == "xlsx" and employees_only:
        form = "html"  # the workbook holds every rater group: only the full report has one
    audit(
        "report.leader",
        actor=viewer,
        organisation=leader.round.organisation.slug,
        round=round_id,
        subject=employee_id,
        format=form + ("-employees" if employees_only else ""),
    )
    if form == "pdf":
        response = HttpResponse(
            leader_pdf(
                leader.round, employee_id, language, employees_only=employees_only, viewer=viewer
            ),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'attachment; filename="rapport-{employee_id}.pdf"'
        return response
    if form == "xlsx":
        return _workbook(context["report"], f"rapport-{employee_id}.xlsx")
    return render(request, "reports/leader.html", context)


def _workbook(report: dict[str, Any], filename: str) -> HttpResponse:
    """A report as an Excel workbook, the same figures the page shows the viewer."""
    # openpyxl takes some 25 MB; a server process loads it when it first writes a workbook.
    from omstil.reports.exports import to_xlsx

    response = HttpResponse(
        to_xlsx(report, _("Rapport")),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def unit_report_page(request: HttpRequest, round_id: int) -> HttpResponse:
    """A unit and everything below it, with a heat map of statements × sub-units."""
    viewer = acting_user(request)
    path = request.GET.get("enhed", "")
    if not path:
        raise Http404(path)
    round_ = get_round_for_unit_report(round_id)
    language = active_language()
    try:
        data = unit_report(round_, path, language, viewer=viewer)
    except ReportUnavailable:
        # Not evaluated and not allowed look the same: neither reveals whether the unit exists.
        raise Http404(path) from None
    asked = request.GET.get("format", "")
    form = asked if asked in ("pdf", "xlsx") else "html"
    audit(
        "report.unit",
        actor=viewer,
        organisation=round_.organisation.slug,
        round=round_id,
        subject=path,
        format=form,
    )
    if form == "pdf":
        response = HttpResponse(
            unit_pdf(round_, path, language, data), content_type="application/pdf"
        )
        response["Content-Disposition"] = 'attachment; filename="enhedsrapport.pdf"'
        return response
    if form == "xlsx":
        return _workbook(data, "enhedsrapport.xlsx")
    return render(
        request,
        "reports/unit.html",
        {
            "report": data,
            "round": round_,
            "path": path,
            "heat": heat_rows(data),
            "breakdowns": breakdown_tables(data),
        },
    )


@require_POST
@login_required
def archive_request(request: HttpRequest, round_id: int) -> HttpResponse:
    """Ask for every leader's PDF in one zip; it is built in the background."""
    viewer = acting_user(request)
    round_ = get_round_for_all_leader_reports(viewer, round_id)
    archive = request_leader_archive(round_, active_language(), actor=viewer)
    return redirect("reports:archive", archive_id=archive.pk)


@login_required
def archive_status(request: HttpRequest, archive_id: int) -> HttpResponseBase:
    """How far the zip has come, and the download once it is done."""
    viewer = acting_user(request)
    archive = get_archive_for_user(viewer, archive_id)
    if request.GET.get("hent") and archive.status == archive.Status.DONE:
        try:
            # Opened, it can be read to the end even if `omstil tick` deletes it meanwhile.
            file = open(archive.file, "rb")  # noqa: SIM115 (FileResponse closes it)
        except FileNotFoundError:
            raise Http404(archive_id) from None
        audit(
            "report.archive",
            actor=viewer,
            organisation=archive.round.organisation.slug,
            round=archive.round_id,
            subject=str(archive.pk),
            format="zip",
        )
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


@require_POST
@login_required
def report_ready(request: HttpRequest, round_id: int) -> HttpResponse:
    """HR sends every leader of a closed round "Din rapport er klar" with a way to sign in."""
    viewer = acting_user(request)
    round_ = Round.objects.select_related("organisation").filter(pk=round_id).first()
    if round_ is None or not administers(viewer, round_.organisation_id):
        raise Http404(round_id)
    if not may_send(round_):
        messages.error(
            request,
            _("Rundens regler lader ikke lederne se deres egen rapport, så der er intet at sende."),
        )
    else:
        sent = send_report_ready(round_, actor=viewer)
        messages.success(
            request,
            ngettext(
                "E-mailen er sendt til %(count)d leder.",
                "E-mailen er sendt til %(count)d ledere.",
                sent,
            )
            % {"count": sent},
        )
    return redirect("rounds:detail", slug=round_.organisation.slug, round_id=round_.pk)
