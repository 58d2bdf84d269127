"""The search of the audit log: free text, an event kind and a date range, checked in one place for
the page, the export and `omstil audit list`."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from omstil.privacy.audit_log import REPORT_VIEWS, Criteria, event_choices, known_events


class EventField(forms.ChoiceField):
    """A choice among the event kinds in the log, that also takes any kind Omstil knows."""

    def __init__(self, *args: Any, accepted: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accepted = accepted

    def valid_value(self, value: Any) -> bool:
        return value in self.accepted or super().valid_value(value)


DATE_ERROR = _("Skriv datoen som år-måned-dag, fx 2026-03-01.")


class AuditSearchForm(forms.Form):
    """What HR looks for in the organisation's audit log; every field may be left empty."""

    soeg = forms.CharField(
        label=_("Søg"),
        required=False,
        max_length=200,
        help_text=_("Fx en e-mailadresse, en leders eller en rundes navn, en enhed eller “PDF”."),
        error_messages={"max_length": _("Søg efter højst %(limit_value)d tegn.")},
    )
    haendelse = forms.ChoiceField(label=_("Hændelse"), required=False)
    fra = forms.DateField(
        label=_("Fra og med"),
        required=False,
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR},
    )
    til = forms.DateField(
        label=_("Til og med"),
        required=False,
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR},
    )

    def __init__(self, *args: Any, organisation: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        present = event_choices(organisation)
        self.fields["haendelse"] = EventField(
            label=_("Hændelse"),
            required=False,
            choices=[
                ("", _("Alle hændelser")),
                (REPORT_VIEWS, _("Alle visninger og downloads af rapporter")),
                *present,
            ],
            accepted=known_events(),
            error_messages={
                "invalid_choice": _("Hændelsen “%(value)s” findes ikke i revisionssporet.")
            },
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("fra"), cleaned.get("til")
        if since and until and until < since:
            self.add_error("til", _("Slutdatoen ligger før startdatoen."))
        return cleaned

    def criteria(self) -> Criteria:
        """The search as the log module takes it; call after `is_valid()`."""
        data = self.cleaned_data
        return Criteria(
            search=(data.get("soeg") or "").strip(),
            event=data.get("haendelse") or "",
            since=data.get("fra"),
            until=data.get("til"),
        )
