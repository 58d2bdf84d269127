"""Forms of the development plan page."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from omstil.development.models import Action


class FocusForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("Udsagn fra rapporten"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    competence = forms.CharField(
        label=_("Eller en kompetence med dine egne ord"),
        required=False,
        max_length=200,
        help_text=_("Fx “Bruge data i beslutninger”. Højst 3 fokuspunkter i alt."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = choices  # type: ignore[attr-defined]


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Handling"), max_length=1000, widget=forms.Textarea({"rows": 3}))
    benefit = forms.CharField(
        label=_("Forventet gevinst"),
        help_text=_("Hvad bliver bedre for borgerne, medarbejderne eller opgaven? (valgfri)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    owner = forms.CharField(label=_("Ansvarlig"), max_length=200)
    deadline = forms.DateField(
        label=_("Frist"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d")
    )


class ProgressForm(forms.Form):
    progress = forms.ChoiceField(label=_("Status"), choices=Action.Progress.choices)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Din kommentar"), max_length=2000, widget=forms.Textarea({"rows": 3})
    )
