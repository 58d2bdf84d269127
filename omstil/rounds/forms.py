"""The form HR fills in to set up a round."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from omstil.core.i18n import localized
from omstil.instruments.models import InstrumentVersion
from omstil.instruments.services import latest_versions
from omstil.rounds.models import Round
from omstil.rounds.services import DEFAULT_VISIBILITY, RoundSetup, is_mapping_instrument

RATER_CHOICES = [
    ("employee", _("Medarbejdere")),
    ("self", _("Lederen selv")),
    ("superior", _("Overordnet leder")),
    ("peer", _("Lederkolleger")),
]
VISIBILITY_CHOICES = [
    ("leader", _("Lederen selv")),
    ("superior", _("Lederens overordnede ledere")),
    ("org_admins", _("Organisationens administratorer (HR)")),
    ("employee_version", _("En version kun med medarbejdernes svar, som lederen kan dele")),
    (
        "follow_up",
        _(
            "HR's opfølgning: om hver leders samtale, dialogmøde og plan er gjort "
            "(kun status, aldrig indholdet)"
        ),
    ),
]


def _title(version: InstrumentVersion) -> str:
    title = localized(version.title)
    if is_mapping_instrument(version):
        return str(_("%(title)s (kortlægning)") % {"title": title})
    return title


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200)
    instruments = forms.MultipleChoiceField(
        label=_("Instrumenter"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Højst fire temaer anbefales, så det tager 10–15 minutter at svare. Et instrument "
            "mærket “kortlægning” bruges alene: så vurderer alle medarbejdere deres egne "
            "kompetencer, og svargrupper og synlighed nedenfor gælder ikke."
        ),
    )
    themes = forms.MultipleChoiceField(
        label=_("Kun disse temaer (valgfrit)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Vælg ingen for at bruge alle temaer i de valgte instrumenter."),
    )
    opens_on = forms.DateField(label=_("Åbner"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Lukker"), widget=forms.DateInput(attrs={"type": "date"}))
    reminder_1 = forms.DateField(
        label=_("Første påmindelse (valgfri)"),
        required=False,
        help_text=_(
            "Foreslået 7 og 12 dage efter, at runden åbner. Ret datoerne, eller slet dem, hvis "
            "der ikke skal sendes påmindelser. Ændrer du åbningsdatoen, så ret også dem."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reminder_2 = forms.DateField(
        label=_("Anden påmindelse (valgfri)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    min_group_size = forms.IntegerField(
        label=_("Mindste gruppestørrelse"),
        min_value=3,
        max_value=50,
        help_text=_("Medarbejdernes svar vises kun, hvis mindst så mange har svaret. Mindst 3."),
    )
    # Not required here: a mapping has no rater groups; an evaluation without any is refused
    # by the service with its own message.
    rater_groups = forms.MultipleChoiceField(
        label=_("Svargrupper"),
        choices=RATER_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment_field = forms.BooleanField(label=_("Kommentarfelt til sidst"), required=False)
    announce_reports = forms.BooleanField(
        label=_("Fortæl lederne og deres overordnede, når rapporterne er klar"),
        required=False,
        help_text=_(
            "Når runden lukker, får hver leder en e-mail om, at rapporten er klar, og hver "
            "overordnet leder en e-mail om sine lederes rapporter, hvis rundens regler lader dem "
            "se rapporterne."
        ),
    )
    leader_level = forms.ChoiceField(
        label=_("Hvem evalueres"),
        choices=Round.LeaderLevel.choices,
        initial=Round.LeaderLevel.ALL,
        # Not required: a set-up posted without it (as before the field existed) means all.
        required=False,
        help_text=_(
            "Gælder kun ledelsesevalueringer. Topledere er lederne af organisationens øverste "
            "enhed og af enhederne lige under den. Et instrument om topledere (“Min topleder …”) "
            "kan ikke bruges med alle ledere."
        ),
    )
    leader_units = forms.MultipleChoiceField(
        label=_("Evaluér kun lederne i disse enheder (og enhederne under dem)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Vælg ingen for at evaluere alle ledere."),
    )
    exclude_leaders_since = forms.DateField(
        label=_("Udelad ledere, der er blevet ledere efter"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    visibility = forms.MultipleChoiceField(
        label=_("Hvem må se rapporterne"),
        choices=VISIBILITY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Fastlægges før runden åbner og kan ikke ændres bagefter."),
    )
    local_da = forms.CharField(
        label=_("Lokale udsagn på dansk (valgfri, ét pr. linje)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    local_en = forms.CharField(
        label=_("De samme lokale udsagn på engelsk (ét pr. linje, i samme rækkefølge)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, units: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instruments"]
        assert isinstance(field, forms.MultipleChoiceField)
        versions = [
            version
            for version in latest_versions()
            if version.kind == "evaluation" or is_mapping_instrument(version)
        ]
        field.choices = [(version.instrument.key, _title(version)) for version in versions]
        themes_field = self.fields["themes"]
        assert isinstance(themes_field, forms.MultipleChoiceField)
        themes_field.choices = [
            (
                f"{version.instrument.key}:{theme.key}",
                f"{_title(version)}: {localized(theme.title)}",
            )
            for version in versions
            for theme in version.themes.all()
        ]
        units_field = self.fields["leader_units"]
        assert isinstance(units_field, forms.MultipleChoiceField)
        units_field.choices = [(path, path) for path in units]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        da = [line.strip() for line in (data.get("local_da") or "").splitlines() if line.strip()]
        en = [line.strip() for line in (data.get("local_en") or "").splitlines() if line.strip()]
        if len(da) != len(en):
            raise forms.ValidationError(
                _("Skriv lige mange lokale udsagn på dansk og engelsk, i samme rækkefølge.")
            )
        data["local_statements"] = [{"da": d, "en": e} for d, e in zip(da, en, strict=True)]
        chosen: dict[str, list[str]] = {}
        for value in data.get("themes") or []:
            instrument, theme = value.split(":", 1)
            if instrument not in (data.get("instruments") or []):
                raise forms.ValidationError(
                    _("Et valgt tema hører til et instrument, der ikke er valgt.")
                )
            chosen.setdefault(instrument, []).append(theme)
        data["theme_choice"] = chosen
        return data

    def setup(self) -> RoundSetup:
        data = self.cleaned_data
        return RoundSetup(
            name=data["name"],
            instruments=data["instruments"],
            themes=data["theme_choice"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            min_group_size=data["min_group_size"],
            rater_groups=data["rater_groups"],
            comment_field=data["comment_field"],
            announce_reports=data["announce_reports"],
            leader_units=data["leader_units"],
            exclude_leaders_since=data["exclude_leaders_since"],
            reminder_dates=[day for day in (data["reminder_1"], data["reminder_2"]) if day],
            visibility={key: key in data["visibility"] for key, _label in VISIBILITY_CHOICES},
            local_statements=data["local_statements"],
            leader_level=data["leader_level"] or Round.LeaderLevel.ALL,
        )


def initial_from(round_: Round) -> dict[str, Any]:
    """The form's values for a draft as it is set up now (the edit page starts from them)."""
    reminders = [date.fromisoformat(day) for day in round_.reminder_dates]
    chosen = list(round_.instruments.select_related("version__instrument"))
    statements = list(round_.local_statements.all())
    return {
        "name": round_.name,
        "instruments": [ri.version.instrument.key for ri in chosen],
        "themes": [f"{ri.version.instrument.key}:{theme}" for ri in chosen for theme in ri.themes],
        "opens_on": round_.opens_on,
        "closes_on": round_.closes_on,
        "reminder_1": reminders[0] if reminders else None,
        "reminder_2": reminders[1] if len(reminders) > 1 else None,
        "min_group_size": round_.min_group_size,
        "rater_groups": [] if round_.is_mapping else list(round_.rater_groups),
        "comment_field": round_.comment_field,
        "announce_reports": round_.announce_reports,
        "leader_level": round_.leader_level,
        "leader_units": list(round_.leader_units),
        "exclude_leaders_since": round_.exclude_leaders_since,
        # A mapping has no reports to see; the form shows the evaluation default for it.
        "visibility": [
            key
            for key, _label in VISIBILITY_CHOICES
            if (DEFAULT_VISIBILITY if round_.is_mapping else round_.visibility).get(key, False)
        ],
        "local_da": "\n".join(statement.text.get("da", "") for statement in statements),
        "local_en": "\n".join(statement.text.get("en", "") for statement in statements),
    }


class ListCheckForm(forms.Form):
    until = forms.DateField(
        label=_("Lederne kan tjekke deres lister til og med"),
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
    )


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Hvad er forkert?"),
        help_text=_(
            "Fx hvem der mangler, eller hvem der er flyttet til en anden enhed eller er stoppet."
        ),
        max_length=2000,
        widget=forms.Textarea({"rows": 3}),
    )
