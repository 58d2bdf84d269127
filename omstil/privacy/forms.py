"""Forms of the privacy pages: the retention rules and the confirmation of a deletion."""

from django import forms
from django.utils.translation import gettext_lazy as _

from omstil.privacy.models import RetentionPolicy


class RetentionForm(forms.ModelForm[RetentionPolicy]):
    """HR sets how long the organisation's data is kept; 0 means at the next daily run."""

    class Meta:
        model = RetentionPolicy
        fields = ["leavers_months", "invitation_days", "answers_years", "audit_years"]


class ConfirmForm(forms.Form):
    """A deletion is confirmed by typing what names it: the id, employee number or short name."""

    confirm = forms.CharField(label=_("Skriv det for at bekræfte"))

    def __init__(self, *args: object, expected: str, label: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.expected = expected
        self.fields["confirm"].label = label

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"].strip()
        if value != self.expected:
            raise forms.ValidationError(
                _("Skriv “%(expected)s” præcis, som det står.") % {"expected": self.expected}
            )
        return value
