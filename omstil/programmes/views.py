"""HR's pages for competence programmes, the effect report as page and PDF, and a
participant's own view of their programme.

Only the organisation's administrators reach HR's pages, and only the participant their own
view; anyone else gets 404, which does not reveal whether the organisation or the programme
exists.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from omstil.accounts.access import acting_user
from omstil.core.audit import audit
from omstil.core.i18n import active_language
from omstil.organisations.access import get_administered_organisation
from omstil.organisations.models import Organisation
from omstil.programmes import services
from omstil.programmes.access import (
    get_module_for_user,
    get_participation_for_user,
    get_programme_for_user,
)
from omstil.programmes.forms import AttendanceForm, ModuleForm, ProgrammeForm
from omstil.programmes.models import Programme
from omstil.programmes.rendering import effect_context, effect_pdf


def _add_errors(form: forms.Form, error: services.ProgrammeInvalid) -> None:
    for name, message in error.errors:
        form.add_error(name if name in form.fields else None, message)


def _chosen(programme: Programme) -> str:
    """What the page says about how many leaders the participants' rule chose."""
    count = programme.participants.count()
    rule = programme.participant_rule
    if rule.get("kind") in (None, Programme.Rule.HAND):
        return ngettext(
            "%(count)s leder er valgt som deltager.",
            "%(count)s ledere er valgt som deltagere.",
            count,
        ) % {"count": count}
    return ngettext(
        "Reglen “%(rule)s” valgte %(count)s leder.",
        "Reglen “%(rule)s” valgte %(count)s ledere.",
        count,
    ) % {"rule": services.rule_description(rule), "count": count}


@login_required
def programme_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's programmes."""
    organisation = get_administered_organisation(request.user, slug)
    return render(
        request,
        "programmes/list.html",
        {"organisation": organisation, "programmes": services.programme_rows(organisation)},
    )


def _form_page(
    request: HttpRequest,
    organisation: Organisation,
    form: ProgrammeForm,
    programme: Programme | None,
) -> HttpResponse:
    return render(
        request,
        "programmes/form.html",
        {
            "organisation": organisation,
            "programme": programme,
            "form": form,
            "locked": programme is not None and services.is_locked(programme),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Define a new programme."""
    organisation = get_administered_organisation(request.user, slug)
    form = ProgrammeForm(
        request.POST or None,
        initial={"participant_rule": Programme.Rule.ALL},
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(
                organisation, form.setup(), actor=acting_user(request)
            )
        except services.ProgrammeInvalid as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{_('Forløbet er oprettet.')} {_chosen(programme)}")
            return redirect("programmes:detail", slug=slug, programme_id=programme.pk)
    return _form_page(request, organisation, form, None)


@require_http_methods(["GET", "POST"])
@login_required
def programme_edit(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    """Change a programme's name, period, description, participants or rounds."""
    programme = get_programme_for_user(request.user, slug, programme_id)
    initial = {
        "name": programme.name,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "description": programme.description,
        "participant_rule": Programme.Rule.HAND,
        "participants": list(programme.participants.values_list("person__employee_id", flat=True)),
        "baseline_round": programme.baseline_round_id or "",
        "follow_up_round": programme.follow_up_round_id or "",
    }
    form = ProgrammeForm(
        request.POST or None,
        initial=initial,
        organisation=programme.organisation,
        programme=programme,
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.update_programme(
                programme, form.setup(), actor=acting_user(request)
            )
        except services.ProgrammeInvalid as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{_('Forløbet er gemt.')} {_chosen(programme)}")
            return redirect("programmes:detail", slug=slug, programme_id=programme.pk)
    return _form_page(request, programme.organisation, form, programme)


@login_required
def programme_detail(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    """A programme: its period, rounds, modules with attendance, and participants."""
    programme = get_programme_for_user(request.user, slug, programme_id)
    modules = services.module_rows(programme)
    coverage = services.element_coverage([module for module, _came in modules])
    return render(
        request,
        "programmes/detail.html",
        {
            "organisation": programme.organisation,
            "programme": programme,
            "modules": modules,
            "participants": services.participant_rows(programme),
            "module_count": len(modules),
            "locked": services.is_locked(programme),
            "coverage": coverage,
            "uncovered": [element.label for element in coverage if not element.modules],
            "rule": services.rule_description(programme.participant_rule)
            if programme.participant_rule
            else None,
        },
    )


@login_required
def my_programme(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    """A participant's own programme: modules, dates, elements, material, own attendance."""
    participant = get_participation_for_user(request.user, slug, programme_id)
    view = services.participant_view(participant)
    return render(
        request,
        "programmes/mine.html",
        {"view": view, "programme": view.programme},
    )


@require_http_methods(["GET", "POST"])
@login_required
def module_create(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    """Add a module to a programme."""
    programme = get_programme_for_user(request.user, slug, programme_id)
    form = ModuleForm(request.POST or None, initial={"held_on": programme.starts_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_module(programme, form.setup(), actor=acting_user(request))
        except services.ProgrammeInvalid as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Modulet er tilføjet."))
            return redirect("programmes:detail", slug=slug, programme_id=programme.pk)
    return render(
        request,
        "programmes/module_form.html",
        {"organisation": programme.organisation, "programme": programme, "form": form},
    )


@require_http_methods(["GET", "POST"])
@login_required
def module_edit(request: HttpRequest, slug: str, programme_id: int, module_id: int) -> HttpResponse:
    """Change a module's title, date or content."""
    module = get_module_for_user(request.user, slug, programme_id, module_id)
    form = ModuleForm(request.POST or None, initial=ModuleForm.initial_for(module))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_module(module, form.setup(), actor=acting_user(request))
        except services.ProgrammeInvalid as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Modulet er gemt."))
            return redirect("programmes:detail", slug=slug, programme_id=programme_id)
    return render(
        request,
        "programmes/module_form.html",
        {
            "organisation": module.programme.organisation,
            "programme": module.programme,
            "module": module,
            "form": form,
        },
    )


@require_POST
@login_required
def module_delete(
    request: HttpRequest, slug: str, programme_id: int, module_id: int
) -> HttpResponse:
    """Remove a module and its attendance."""
    module = get_module_for_user(request.user, slug, programme_id, module_id)
    services.delete_module(module, actor=acting_user(request))
    messages.success(request, _("Modulet “%(title)s” er slettet.") % {"title": module.title})
    return redirect("programmes:detail", slug=slug, programme_id=programme_id)


@require_http_methods(["GET", "POST"])
@login_required
def attendance(request: HttpRequest, slug: str, programme_id: int, module_id: int) -> HttpResponse:
    """Register who came to a module."""
    module = get_module_for_user(request.user, slug, programme_id, module_id)
    present = list(module.attendance.values_list("participant__person__employee_id", flat=True))
    form = AttendanceForm(
        request.POST or None, initial={"present": present}, programme=module.programme
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.set_attendance(
                module, form.cleaned_data["present"], actor=acting_user(request)
            )
        except services.ProgrammeInvalid as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Fremmødet er gemt: %(count)s af %(total)s deltagere mødte.")
                % {"count": count, "total": len(form.fields["present"].choices)},  # type: ignore[attr-defined]
            )
            return redirect("programmes:detail", slug=slug, programme_id=programme_id)
    return render(
        request,
        "programmes/attendance.html",
        {
            "organisation": module.programme.organisation,
            "programme": module.programme,
            "module": module,
            "form": form,
        },
    )


@login_required
def effect_report(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    """The effect report: the change for participants against the other leaders."""
    programme = get_programme_for_user(request.user, slug, programme_id)
    language = active_language()
    form = "pdf" if request.GET.get("format") == "pdf" else "html"
    audit(
        "report.programme",
        actor=acting_user(request),
        organisation=programme.organisation.slug,
        programme=programme.pk,
        format=form,
    )
    if form == "pdf":
        response = HttpResponse(effect_pdf(programme, language), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="forloeb-{programme.pk}.pdf"'
        return response
    context = effect_context(programme, language)
    return render(
        request,
        "programmes/effect.html",
        {**context, "organisation": programme.organisation},
    )
