"""The forms HR fills in: a programme, a module, and who came to a module."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from omstil.organisations.models import Organisation
from omstil.programmes.models import Element, Module, Programme
from omstil.programmes.services import (
    MaterialLinkSetup,
    ModuleSetup,
    ParticipantRule,
    ProgrammeSetup,
    active_leaders,
)
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
    participant_rule = forms.ChoiceField(
        label=_("Hvem deltager"),
        choices=[
            (Programme.Rule.ALL, _("Alle ledere")),
            (Programme.Rule.UNITS, _("Ledere i enheder: vælg enhederne nedenfor")),
            (Programme.Rule.LEVEL, _("Ledere på niveau: vælg niveauet nedenfor")),
            (Programme.Rule.HAND, _("Udvalgte ledere: sæt kryds ved dem nedenfor")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Reglen vælger organisationens aktive ledere, når forløbet gemmes, og siden "
            "fortæller, hvor mange den valgte. Ledere, der kommer til senere, kommer kun med, "
            "hvis I gemmer forløbet med reglen igen."
        ),
        error_messages={"required": _("Vælg, hvordan deltagerne skal vælges.")},
    )
    rule_units = forms.MultipleChoiceField(
        label=_("Enheder: lederne af enhederne og af alle enheder under dem"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("“%(value)s” er ikke en enhed i organisationen.")},
    )
    rule_level = forms.ChoiceField(
        label=_("Ledelsesniveau"),
        required=False,
        choices=Programme.Level.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Niveauerne læses af enhedstræet og referencerne i HR-filen: topledere leder den "
            "øverste enhed eller en enhed lige under den; ledere med ledere under sig er "
            "nærmeste leder for mindst én anden leder; de andre ledere har kun medarbejdere "
            "under sig."
        ),
    )
    participants = forms.MultipleChoiceField(
        label=_("Udvalgte ledere"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Organisationens aktive ledere. Bruges, når I vælger “Udvalgte ledere”."),
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
        units = self.fields["rule_units"]
        assert isinstance(units, forms.MultipleChoiceField)
        units.choices = [
            (path, path)
            for path in organisation.units.filter(active=True)
            .order_by("path")
            .values_list("path", flat=True)
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
        kind = data["participant_rule"]
        return ProgrammeSetup(
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            description=data["description"],
            participants=list(data["participants"]) if kind == Programme.Rule.HAND else [],
            baseline_round=data["baseline_round"],
            follow_up_round=data["follow_up_round"],
            rule=None
            if kind == Programme.Rule.HAND
            else ParticipantRule(kind, list(data["rule_units"]), data["rule_level"] or ""),
        )


class ModuleForm(forms.Form):
    """A module: a title, its date, its content, its elements and its material."""

    title = forms.CharField(label=_("Titel"), max_length=200)
    held_on = _date_field(_("Dato"))
    content = forms.CharField(
        label=_("Indhold (valgfrit)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Fx emner, oplægsholdere og opgaver mellem modulerne."),
    )
    elements = forms.MultipleChoiceField(
        label=_("Elementer i digital ledelse"),
        choices=Element.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Digital ledelse handler om samspillet mellem ledelse, IT, mennesker, processer og "
            "opgaver. Vælg de elementer, modulet arbejder med – mindst ét."
        ),
        error_messages={
            "required": _("Vælg mindst ét af de fem elementer, modulet handler om."),
            "invalid_choice": _("“%(value)s” er ikke et af de fem elementer."),
        },
    )
    material = forms.CharField(
        label=_("Materiale (valgfrit)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Fx hvad deltagerne skal læse eller forberede. Deltagerne ser det."),
    )
    links = forms.CharField(
        label=_("Links til materiale (valgfrit)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Ét link pr. linje: først adressen, så titlen, fx "
            "“https://www.kl.dk/ KL om digitalisering”. Kun adresser med http:// eller https://."
        ),
    )

    @staticmethod
    def initial_for(module: Module) -> dict[str, Any]:
        return {
            "title": module.title,
            "held_on": module.held_on,
            "content": module.content,
            "elements": list(module.elements),
            "material": module.material,
            "links": "\n".join(f"{link.url} {link.title}" for link in module.links.all()),
        }

    def setup(self) -> ModuleSetup:
        data = self.cleaned_data
        links = []
        for line in (data["links"] or "").splitlines():
            if not line.strip():
                continue
            url, *title = line.split(maxsplit=1)
            links.append(MaterialLinkSetup(url=url, title=" ".join(title).strip()))
        return ModuleSetup(
            title=data["title"],
            held_on=data["held_on"],
            content=data["content"],
            elements=list(data["elements"]),
            material=data["material"],
            links=links,
        )


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
