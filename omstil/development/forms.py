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


class FollowUpForm(forms.Form):
    """The days the talk with the superior and the dialogue meeting were held (optional)."""

    superior_talk_on = forms.DateField(
        label=_("Samtalen med din overordnede blev holdt den"),
        required=False,
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
    )
    dialogue_meeting_on = forms.DateField(
        label=_("Dialogmødet med medarbejderne blev holdt den"),
        required=False,
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, owner: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not owner:
            # A superior records the talk they took part in, not the leader's meeting.
            del self.fields["dialogue_meeting_on"]
            self.fields["superior_talk_on"].label = _("Samtalen med lederen blev holdt den")
