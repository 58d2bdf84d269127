"""The owner's pages: the overview, one page per theme, the result, deleting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omstil.accounts.access import acting_user
from omstil.core.i18n import localized
from omstil.responses.fieldsets import render_fieldsets
from omstil.responses.questionnaire import Statement as FieldsetStatement
from omstil.selfassessment import services
from omstil.selfassessment.models import SelfAssessment

FIELD_PREFIX = "udsagn-"
ACTIONS = ("next", "back", "later", "complete")
OTHER_FIELDS = frozenset({"csrfmiddlewaretoken", "note", "action"})


def _refuse(request: HttpRequest, error: services.SelfAssessmentError) -> HttpResponse:
    """The error page with the service's message, under the error's status; nothing was stored."""
    return render(
        request, "selfassessment/error.html", {"message": error.message}, status=error.status
    )


@require_GET
@login_required
@never_cache
def overview(request: HttpRequest) -> HttpResponse:
    """The user's self-assessments per instrument, newest first, and a start button for each."""
    return render(
        request, "selfassessment/overview.html", {"rows": services.overview(acting_user(request))}
    )


@require_POST
@login_required
def start(request: HttpRequest, key: str) -> HttpResponse:
    """Start the instrument's newest version, or continue the draft the user already has."""
    try:
        assessment = services.start_self_assessment(acting_user(request), key)
    except services.SelfAssessmentError as error:
        return _refuse(request, error)
    number = services.resume_page(assessment, len(services.pages(assessment.version)))
    return redirect("selfassessment:page", assessment_id=assessment.pk, number=number)


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def page(request: HttpRequest, assessment_id: str, number: int) -> HttpResponse:
    """One theme: a fieldset per statement and a reflection note; saving moves on or back."""
    try:
        assessment = services.access_self_assessment(request.user, assessment_id)
    except services.NotFound as error:
        return _refuse(request, error)
    all_pages = services.pages(assessment.version)
    if not 1 <= number <= len(all_pages):
        return _refuse(request, services.NotFound(_("Siden findes ikke.")))
    current = all_pages[number - 1]
    last = number == len(all_pages)
    if request.method == "POST":
        return _save(request, assessment, current, last)
    if assessment.is_completed:
        return redirect("selfassessment:result", assessment_id=assessment.pk)
    saved = services.saved(assessment)
    document = assessment.version.document
    return render(
        request,
        "selfassessment/page.html",
        {
            "assessment": assessment,
            "page": current,
            "number": number,
            "count": len(all_pages),
            "last": last,
            "intro": localized(document.get("intro", {}).get(services.ROLE)) if number == 1 else "",
            "question": localized(document.get("question")),
            "note": saved.notes.get(current.theme_key, ""),
            "note_max": services.NOTE_MAX,
            "fieldsets": render_fieldsets(
                [
                    FieldsetStatement(
                        FIELD_PREFIX + statement.key, statement.text, statement.heading
                    )
                    for statement in current.statements
                ],
                list(services.answer_labels().items()),
                {FIELD_PREFIX + key: value for key, value in saved.answers.items()},
            ),
        },
    )


def _save(
    request: HttpRequest, assessment: SelfAssessment, current: services.Page, last: bool
) -> HttpResponse:
    action = request.POST.get("action", "next")
    unknown = [
        name
        for name in request.POST
        if name not in OTHER_FIELDS and not name.startswith(FIELD_PREFIX)
    ]
    if action not in ACTIONS or (action == "complete" and not last) or unknown:
        return _refuse(request, services.BadInput(_("Formularen kunne ikke læses. Intet er gemt.")))
    answers = {
        name.removeprefix(FIELD_PREFIX): str(value)
        for name, value in request.POST.items()
        if name.startswith(FIELD_PREFIX)
    }
    try:
        services.save_page(
            assessment,
            current,
            answers,
            request.POST.get("note", ""),
            complete=action == "complete",
        )
    except services.SelfAssessmentError as error:
        return _refuse(request, error)
    if action == "complete":
        messages.success(request, _("Din selvvurdering er afsluttet."))
        return redirect("selfassessment:result", assessment_id=assessment.pk)
    if action == "later" or (action == "next" and last):
        messages.success(
            request, _("Din selvvurdering er gemt. Du kan fortsætte, hvor du slap, når du vil.")
        )
        return redirect("selfassessment:overview")
    number = current.number - 1 if action == "back" else current.number + 1
    return redirect("selfassessment:page", assessment_id=assessment.pk, number=max(1, number))


@require_GET
@login_required
@never_cache
def result(request: HttpRequest, assessment_id: str) -> HttpResponse:
    """Per theme and statement: your answer, the change since last time, your notes."""
    try:
        assessment = services.access_self_assessment(request.user, assessment_id)
    except services.NotFound as error:
        return _refuse(request, error)
    if not assessment.is_completed:
        number = services.resume_page(assessment, len(services.pages(assessment.version)))
        return redirect("selfassessment:page", assessment_id=assessment.pk, number=number)
    return render(
        request,
        "selfassessment/result.html",
        {"result": services.result(assessment), "labels": services.answer_labels()},
    )


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def delete(request: HttpRequest, assessment_id: str) -> HttpResponse:
    """Ask first; on confirmation delete the self-assessment with its answers and notes."""
    try:
        assessment = services.access_self_assessment(request.user, assessment_id)
    except services.NotFound as error:
        return _refuse(request, error)
    if request.method == "POST":
        services.delete_self_assessment(assessment)
        messages.success(request, _("Selvvurderingen er slettet."))
        return redirect("selfassessment:overview")
    return render(request, "selfassessment/delete.html", {"assessment": assessment})
