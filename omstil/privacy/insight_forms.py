"""The form that finds the person HR wants to give insight to: an employee number or an e-mail."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from omstil.organisations.models import Organisation, Person
from omstil.privacy.insight import find_by_number_or_email


class FindPersonForm(forms.Form):
    """One field; an employee number or address nobody in the organisation has is an error."""

    person = forms.CharField(
        label=_("Medarbejdernummer eller e-mailadresse"),
        max_length=254,
        help_text=_("Som i HR-filen, fx 1234 eller navn@kommune.dk."),
        error_messages={
            "required": _("Skriv et medarbejdernummer eller en e-mailadresse."),
            "max_length": _("Skriv højst %(limit_value)d tegn."),
        },
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.found: Person | None = None

    def clean_person(self) -> str:
        value: str = self.cleaned_data["person"].strip()
        self.found = find_by_number_or_email(self.organisation, value)
        if self.found is None:
            raise forms.ValidationError(
                _(
                    "Der er ingen person med medarbejdernummeret eller e-mailadressen "
                    "“%(value)s” i %(name)s."
                ),
                params={"value": value, "name": self.organisation.name},
            )
        return value
