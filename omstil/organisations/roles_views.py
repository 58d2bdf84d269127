"""HR's page of who may sign in to the organisation and with which role; changes are audited."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from omstil.accounts.access import acting_user
from omstil.core.audit import audit
from omstil.organisations.access import get_administered_organisation
from omstil.organisations.accounts import sync_accounts
from omstil.organisations.services import RoleRefused, set_role, who_may_sign_in

PER_PAGE = 100


class RoleForm(forms.Form):
    """Grant or take a role in the organisation, by the holder's e-mail address."""

    email = forms.EmailField(
        label=gettext_lazy("E-mailadresse"),
        error_messages={
            "required": gettext_lazy("Skriv e-mailadressen."),
            "invalid": gettext_lazy("Skriv en gyldig e-mailadresse, fx navn@kommune.dk."),
        },
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Rolle"),
        choices=[
            ("admin", gettext_lazy("Organisationsadministrator (HR)")),
            ("reader", gettext_lazy("HR-læser: ser kun samlede enhedsrapporter")),
            ("none", gettext_lazy("Ingen rolle")),
        ],
    )


class AccountsForm(forms.Form):
    everyone = forms.BooleanField(
        label=gettext_lazy("Konti til alle medarbejdere"),
        required=False,
        help_text=gettext_lazy(
            "Ledere og overordnede kan altid logge ind. Slå til, hvis også medarbejdere uden "
            "lederansvar skal kunne logge ind, fx til kompetencekortlægningen."
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_roles(request: HttpRequest, slug: str) -> HttpResponse:
    """Who may sign in, with their role; HR grants and takes roles and who gets an account."""
    organisation = get_administered_organisation(request.user, slug)
    user = acting_user(request)
    form = RoleForm(request.POST if "role_form" in request.POST else None)
    accounts_form = AccountsForm(
        request.POST if "accounts" in request.POST else None,
        initial={"everyone": organisation.accounts_for_everyone},
    )
    if request.method == "POST" and "role_form" in request.POST and form.is_valid():
        try:
            holder = set_role(
                organisation, form.cleaned_data["email"], form.cleaned_data["role"], actor=user
            )
        except RoleRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Rollen for %(email)s er gemt.") % {"email": holder.email})
            return redirect("organisations:roles", slug=organisation.slug)
    if request.method == "POST" and "accounts" in request.POST and accounts_form.is_valid():
        with transaction.atomic():
            organisation.accounts_for_everyone = accounts_form.cleaned_data["everyone"]
            organisation.save(update_fields=["accounts_for_everyone"])
            audit(
                "organisation.accounts",
                actor=user,
                organisation=organisation.slug,
                everyone=organisation.accounts_for_everyone,
            )
            sync_accounts(organisation, actor=user)
        messages.success(request, _("Hvem der kan logge ind, er gemt."))
        return redirect("organisations:roles", slug=organisation.slug)
    page = Paginator(who_may_sign_in(organisation), PER_PAGE).get_page(request.GET.get("side"))
    return render(
        request,
        "organisations/roles.html",
        {
            "organisation": organisation,
            "form": form,
            "accounts_form": accounts_form,
            "page": page,
        },
    )
