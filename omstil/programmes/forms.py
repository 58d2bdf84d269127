"""The forms HR fills in: a programme, a module, and who came to a module."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from omstil.organisations.models import Organisation
from omstil.programmes.models import Programme
from omstil.programmes.services import ModuleSetup, ProgrammeSetup, active_leaders
from omstil.rounds.models import Round

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _date_field(label: "StrOrPromise") -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


class ProgrammeForm(forms.Form):
    """A programme: name, period, description, participants and the two rounds."""

    name = forms.CharField(label=_("Navn"), max_length=200)
    starts_on = _date_field(_("Begynder"))
    ends_on = _date_field(_("Slutter"))
    description = forms.CharField(
        label=_("Beskrivelse (valgfri)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Hvad forløbet skal styrke, og hvordan det er bygget op."),
    )
    participants = forms.MultipleChoiceField(
        label=_("Deltagere"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Organisationens aktive ledere."),
        error_messages={
            "invalid_choice": _("“%(value)s” er ikke en aktiv leder i organisationen.")
        },
    )
    baseline_round = forms.TypedChoiceField(
        label=_("Førmåling: evalueringsrunden før forløbet (valgfri)"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Vælg en evalueringsrunde i denne organisation.")},
    )
    follow_up_round = forms.TypedChoiceField(
        label=_("Eftermåling: evalueringsrunden efter forløbet (valgfri)"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Førmålingen skal åbne før eftermålingen. Runderne kan også vælges senere."),
        error_messages={"invalid_choice": _("Vælg en evalueringsrunde i denne organisation.")},
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        programme: Programme | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        leaders = {
            person.employee_id: f"{person.name} – {person.unit.path}"
            for person in active_leaders(organisation).select_related("unit")
        }
        if programme is not None:
            # Leaders already enrolled can stay, even if they have left or stopped leading.
            for participant in programme.participants.select_related("person__unit"):
                person = participant.person
                leaders.setdefault(person.employee_id, f"{person.name} – {person.unit.path}")
        participants = self.fields["participants"]
        assert isinstance(participants, forms.MultipleChoiceField)
        participants.choices = [
            (employee_id, label)
            for label, employee_id in sorted((label, eid) for eid, label in leaders.items())
        ]
        rounds: list[tuple[Any, StrOrPromise]] = [("", _("Ingen endnu"))]
        # Only evaluations measure leaders; a mapping of competences cannot be a baseline.
        for round_ in organisation.rounds.filter(kind=Round.Kind.EVALUATION).order_by(
            "opens_on", "pk"
        ):
            rounds.append(
                (
                    round_.pk,
                    f"{round_.name} ({date_format(round_.opens_on, 'SHORT_DATE_FORMAT')}, "
                    f"{round_.get_status_display().lower()})",
                )
            )
        for name in ("baseline_round", "follow_up_round"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = rounds

    def setup(self) -> ProgrammeSetup:
        data = self.cleaned_data
        return ProgrammeSetup(
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            description=data["description"],
            participants=list(data["participants"]),
            baseline_round=data["baseline_round"],
            follow_up_round=data["follow_up_round"],
        )


class ModuleForm(forms.Form):
    """A module: a title, its date and its content."""

    title = forms.CharField(label=_("Titel"), max_length=200)
    held_on = _date_field(_("Dato"))
    content = forms.CharField(
        label=_("Indhold (valgfrit)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Fx emner, oplægsholdere og opgaver mellem modulerne."),
    )

    def setup(self) -> ModuleSetup:
        data = self.cleaned_data
        return ModuleSetup(title=data["title"], held_on=data["held_on"], content=data["content"])


class AttendanceForm(forms.Form):
    """Who came to a module: a checkbox per participant."""

    present = forms.MultipleChoiceField(
        label=_("Mødt"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sæt kryds ved de deltagere, der var med."),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” deltager ikke i forløbet og kan ikke registreres som mødt."
            )
        },
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        present = self.fields["present"]
        assert isinstance(present, forms.MultipleChoiceField)
        present.choices = [
            (participant.person.employee_id, participant.person.name)
            for participant in programme.participants.select_related("person").order_by(
                "person__name", "person__employee_id"
            )
        ]
