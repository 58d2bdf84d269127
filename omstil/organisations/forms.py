"""Forms for uploading an HR file and for creating and deleting organisations."""

from django import forms
from django.utils.translation import gettext_lazy as _

from omstil.organisations.hrfile import MAX_FILE_BYTES
from omstil.organisations.models import Organisation


class UploadForm(forms.Form):
    """An HR export: CSV (UTF-8 or Windows-1252; `;`, `,` or tab) or XLSX."""

    file = forms.FileField(
        label=_("Fil fra HR-systemet"),
        help_text=_("CSV eller Excel (XLSX) med én række pr. medarbejder."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
        error_messages={
            "required": _("Vælg en fil."),
            "empty": _("Filen er tom."),
        },
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Filen er større end 50 MB."))
        return upload


class OrganisationForm(forms.ModelForm[Organisation]):
    """A new organisation, created by a system administrator."""

    class Meta:
        model = Organisation
        fields = ["name", "slug", "min_group_size"]
        labels = {
            "name": _("Navn"),
            "slug": _("Kortnavn"),
            "min_group_size": _("Mindste gruppestørrelse"),
        }
        help_texts = {
            "slug": _("Små bogstaver, tal og bindestreger, fx “fjordby-kommune”."),
            "min_group_size": _("Standard for nye evalueringer; mindst 3, normalt 5."),
        }
