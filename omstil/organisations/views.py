"""Pages for HR: organisations, the unit tree, importing people with a preview, deleting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from omstil.accounts.access import acting_user
from omstil.organisations.access import (
    administered_organisations,
    get_administered_organisation,
    require_system_admin,
)
from omstil.organisations.forms import OrganisationForm, UploadForm
from omstil.organisations.models import Organisation, PendingImport, Person, Unit
from omstil.organisations.services import (
    ImportPlan,
    ImportRejected,
    PlanChanged,
    cancel_import,
    confirm_import,
    create_organisation,
    get_pending_import,
    inherited_leader,
    organisation_overview,
    preview_import,
)
from omstil.organisations.structure import inherited_leader_text


@require_http_methods(["GET", "POST"])
@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The organisations this user administers; a system admin can create one here."""
    user = acting_user(request)
    form = OrganisationForm(request.POST or None) if user.is_system_admin else None
    if request.method == "POST":
        require_system_admin(user)
        assert form is not None
        if form.is_valid():
            organisation = create_organisation(**form.cleaned_data, actor=user)
            messages.success(request, _("Organisationen er oprettet."))
            return redirect("organisations:detail", slug=organisation.slug)
    return render(
        request,
        "organisations/list.html",
        {"organisations": administered_organisations(user).order_by("name"), "form": form},
    )


@login_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The unit tree with leaders, head counts and warnings."""
    organisation = get_administered_organisation(request.user, slug)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "overview": organisation_overview(organisation),
            "imports": organisation.imports.select_related("imported_by")[:5],
        },
    )


@login_required
def unit_detail(request: HttpRequest, slug: str, unit_id: int) -> HttpResponse:
    """The people placed directly in one unit."""
    organisation = get_administered_organisation(request.user, slug)
    unit = Unit.objects.filter(organisation=organisation, pk=unit_id).first()
    if unit is None:
        raise Http404(unit_id)
    people = list(unit.people.filter(active=True).order_by("-is_leader", "name"))
    leader_ids = {person.nearest_leader_employee_id for person in people}
    leaders = {
        person.employee_id: person
        for person in Person.objects.filter(organisation=organisation, employee_id__in=leader_ids)
    }
    rows = [(person, leaders.get(person.nearest_leader_employee_id)) for person in people]
    warning = ""
    if not unit.leader_employee_id:
        units = {u.pk: u for u in Unit.objects.filter(organisation=organisation, active=True)}
        above_ids = {u.leader_employee_id for u in units.values() if u.leader_employee_id}
        above = inherited_leader(
            unit,
            units,
            {
                p.employee_id: p
                for p in Person.objects.filter(
                    organisation=organisation, employee_id__in=above_ids, active=True
                )
            },
        )
        inheriting = [
            person
            for person, leader in rows
            if above is not None and leader == above and not person.reports_to_employee_id
        ]
        if above is not None and inheriting:
            warning = inherited_leader_text(
                unit.path, len(inheriting), above.name, units[above.unit_id].path
            )
        else:
            warning = _("Enheden har ingen leder.")
    return render(
        request,
        "organisations/unit.html",
        {"organisation": organisation, "unit": unit, "rows": rows, "warning": warning},
    )


def _preview(
    request: HttpRequest,
    organisation: Organisation,
    plan: ImportPlan,
    pending: PendingImport,
    changed: bool = False,
) -> HttpResponse:
    return render(
        request,
        "organisations/preview.html",
        {"organisation": organisation, "plan": plan, "pending": pending, "changed": changed},
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload an HR file: every error with its row and column, or a preview to confirm."""
    organisation = get_administered_organisation(request.user, slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = preview_import(
                organisation, upload.read(), file_name=upload.name, actor=acting_user(request)
            )
        except ImportRejected as exc:
            errors = exc.problems
        else:
            return _preview(request, organisation, preview.plan, preview.pending)
    return render(
        request,
        "organisations/upload.html",
        {"organisation": organisation, "form": form, "errors": errors},
    )


@require_POST
@login_required
def import_confirm(request: HttpRequest, slug: str, pending_id: int) -> HttpResponse:
    """Carry out a previewed import, unless the organisation has changed since the preview."""
    organisation = get_administered_organisation(request.user, slug)
    user = acting_user(request)
    pending = get_pending_import(organisation, pending_id, user)
    if pending is None:
        messages.error(request, _("Forhåndsvisningen er udløbet. Upload filen igen."))
        return redirect("organisations:import", slug=organisation.slug)
    if request.POST.get("action") == "cancel":
        cancel_import(pending, actor=user)
        messages.success(request, _("Importen er annulleret. Intet er ændret."))
        return redirect("organisations:detail", slug=organisation.slug)
    try:
        plan = confirm_import(pending, actor=user)
    except PlanChanged as exc:
        return _preview(request, organisation, exc.plan, pending, changed=True)
    except ImportRejected as exc:
        return render(
            request,
            "organisations/upload.html",
            {"organisation": organisation, "form": UploadForm(), "errors": exc.problems},
        )
    counts = plan.counts()
    messages.success(
        request,
        _(
            "Importen er gennemført: %(created)s nye, %(updated)s ændrede, %(moved)s flyttede, "
            "%(deactivated)s deaktiverede og %(reactivated)s genaktiverede personer."
        )
        % counts,
    )
    return redirect("organisations:detail", slug=organisation.slug)
