"""Pages for HR: the organisation's personal data, its retention rules, and deleting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from omstil.accounts.access import acting_user
from omstil.organisations.access import get_administered_organisation, require_system_admin
from omstil.organisations.models import Person
from omstil.privacy import expiry
from omstil.privacy.deletion import (
    STAYS,
    delete_organisation,
    delete_person,
    delete_round,
    describe,
    plan_organisation_deletion,
    plan_person_deletion,
    plan_round_deletion,
)
from omstil.privacy.forms import ConfirmForm, RetentionForm
from omstil.privacy.retention import rules_for, rules_text, set_rules
from omstil.rounds.models import Round


@require_http_methods(["GET", "POST"])
@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's retention rules, what the next daily run removes, and the way to
    insight, the record of processing, the audit log and deletion."""
    organisation = get_administered_organisation(request.user, slug)
    policy = rules_for(organisation)
    form = RetentionForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        set_rules(organisation, form.cleaned_data, actor=acting_user(request))
        messages.success(request, _("Opbevaringsreglerne er gemt."))
        return redirect("privacy:overview", organisation.slug)
    due = expiry.due(organisation)
    return render(
        request,
        "privacy/overview.html",
        {
            "organisation": organisation,
            "form": form,
            "rules": rules_text(rules_for(organisation)),
            "due": due,
        },
    )


def _confirmed_deletion(
    request: HttpRequest,
    *,
    expected: str,
    label: str,
    counts: dict[str, int],
    context: dict[str, object],
    template: str = "privacy/delete.html",
) -> HttpResponse | None:
    """The confirmation page, or None once the deletion has been confirmed."""
    form = ConfirmForm(request.POST or None, expected=expected, label=label)
    if request.method == "POST" and form.is_valid():
        return None
    return render(
        request, template, {"form": form, "lines": describe(counts), "stays": STAYS, **context}
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_delete(request: HttpRequest, slug: str, employee_id: str) -> HttpResponse:
    """Delete one person and what is tied to them, after a confirmation that says what goes."""
    organisation = get_administered_organisation(request.user, slug)
    person = Person.objects.filter(organisation=organisation, employee_id=employee_id).first()
    if person is None:
        raise Http404(employee_id)
    page = _confirmed_deletion(
        request,
        expected=person.employee_id,
        label=_("Skriv medarbejdernummeret “%(id)s” for at bekræfte") % {"id": person.employee_id},
        counts=plan_person_deletion(person),
        context={
            "organisation": organisation,
            "title": _("Slet %(name)s") % {"name": person.name},
            "intro": _(
                "Personen slettes permanent med alt, hvad der kan knyttes til vedkommende. Står "
                "personen stadig i HR-filen, kommer vedkommende tilbage ved næste import."
            )
            if person.active
            else _("Personen slettes permanent med alt, hvad der kan knyttes til vedkommende."),
            "button": _("Slet personen permanent"),
            "cancel": organisation_url(organisation.slug),
        },
    )
    if page is not None:
        return page
    delete_person(person, actor=acting_user(request))
    messages.success(
        request, _("Personen med medarbejdernummer %(id)s er slettet.") % {"id": employee_id}
    )
    return redirect("privacy:overview", organisation.slug)


@require_http_methods(["GET", "POST"])
@login_required
def round_delete(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """Delete a round in any state with everything under it, after a confirmation."""
    organisation = get_administered_organisation(request.user, slug)
    round_ = Round.objects.filter(organisation=organisation, pk=round_id).first()
    if round_ is None:
        raise Http404(round_id)
    open_note = (
        _(" Runden er åben: ingen kan svare mere, og de svar, der er givet, slettes.")
        if round_.is_open
        else ""
    )
    page = _confirmed_deletion(
        request,
        expected=str(round_.pk),
        label=_("Skriv rundens nummer “%(id)s” for at bekræfte") % {"id": round_.pk},
        counts=plan_round_deletion(round_),
        context={
            "organisation": organisation,
            "title": _("Slet runden “%(name)s”") % {"name": round_.name},
            "intro": _(
                "Runden slettes permanent med alt under den: invitationer, svar, rapporter, "
                "udviklingsplaner og opfølgning. Det kan ikke fortrydes."
            )
            + open_note,
            "button": _("Slet runden permanent"),
            "cancel": reverse("rounds:detail", args=[organisation.slug, round_.pk]),
        },
    )
    if page is not None:
        return page
    delete_round(round_, actor=acting_user(request))
    messages.success(request, _("Runden “%(name)s” er slettet.") % {"name": round_.name})
    return redirect("rounds:list", organisation.slug)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete an organisation and all its data: a system admin, confirming by its short name."""
    require_system_admin(request.user)
    organisation = get_administered_organisation(request.user, slug)
    page = _confirmed_deletion(
        request,
        expected=organisation.slug,
        label=_("Skriv organisationens kortnavn for at bekræfte"),
        counts=plan_organisation_deletion(organisation),
        context={
            "organisation": organisation,
            "title": _("Slet %(name)s") % {"name": organisation.name},
            "intro": _(
                "Organisationen slettes permanent med alle sine data, sit revisionsspor og de "
                "konti, der kun findes for den. Det kan ikke fortrydes."
            ),
            "button": _("Slet organisationen permanent"),
            "cancel": organisation_url(organisation.slug),
        },
    )
    if page is not None:
        return page
    delete_organisation(organisation, actor=acting_user(request))
    messages.success(
        request, _("Organisationen “%(name)s” er slettet.") % {"name": organisation.name}
    )
    return redirect("organisations:list")


def organisation_url(slug: str) -> str:
    return reverse("organisations:detail", args=[slug])
