"""The organisation's audit log (revisionsspor) as HR reads it: found, put into words, exported.

The rows are `core.AuditEntry`, written by `omstil.core.audit.audit` and never changed here. This
module says what each event means in Danish (English by translation), shows the ids an entry
holds as the names they have today (a round's name, a leader's name, an account's e-mail
address), and turns entries into rows for CSV and XLSX and objects for `omstil audit list`.
"""

import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omstil.accounts.models import User
from omstil.core.audit import SYSTEM
from omstil.core.models import AuditEntry
from omstil.lib.sheets import append_row, csv_rows
from omstil.organisations.models import Person
from omstil.privacy.deletion import DELETED_ACTOR, WHAT
from omstil.privacy.models import RetentionPolicy
from omstil.programmes.models import Programme
from omstil.rounds.models import Round

PER_PAGE = 50
EXPORT_FORMATS = ("csv", "xlsx")
# The choice of event kind that gathers every look at a report, a map, a dialogue or an effect.
REPORT_VIEWS = "rapporter"
VIEW_EVENTS = (
    "report.leader",
    "report.unit",
    "report.archive",
    "report.programme",
    "mapping.unit",
    "dialogue.view",
    "follow_up.view",
)
# Events whose `subject` is a leader's employee number, and those whose `leader` is.
LEADER_SUBJECT = ("report.leader", "dialogue.view")
# A name search looks at no more people than this, so the query stays a query.
MAX_NAMED = 1000

L = gettext_lazy

# What each event means: its label, and for a look at a report a sentence per format
# (`format` in the entry's fields: html for the page, pdf, xlsx, …).
EVENTS: dict[str, Promise] = {
    "account.create": L("Oprettede konti"),
    "account.deactivate": L("Lukkede en konto"),
    "account.reactivate": L("Genåbnede konti"),
    "account.email": L("Rettede e-mailadressen på konti"),
    "account.sign_in_link": L("Sendte et link til at logge ind"),
    "account.sso_login": L("Loggede ind med organisationens eget login"),
    "organisation.create": L("Oprettede organisationen"),
    "organisation.delete": L("Slettede organisationen"),
    "organisation.import": L("Indlæste en HR-fil"),
    "organisation.import.preview": L("Forhåndsviste en HR-fil"),
    "organisation.import.cancel": L("Afbrød indlæsningen af en HR-fil"),
    "organisation.admin.add": L("Gjorde en bruger til organisationsadministrator"),
    "organisation.admin.remove": L("Fjernede en organisationsadministrator"),
    "organisation.reader.add": L("Gjorde en bruger til HR-læser"),
    "organisation.reader.remove": L("Fjernede en HR-læser"),
    "organisation.accounts": L("Ændrede, hvem der kan logge ind"),
    "organisation.sso_set": L("Satte organisationens eget login op"),
    "organisation.sso_off": L("Slog organisationens eget login fra"),
    "round.create": L("Oprettede en runde"),
    "round.update": L("Ændrede en runde"),
    "round.delete": L("Slettede en runde"),
    "round.open": L("Åbnede runden"),
    "round.close": L("Lukkede runden"),
    "round.remind": L("Sendte påmindelser"),
    "round.list_check": L("Bad lederne tjekke deres lister over medarbejdere"),
    "round.list_correction": L("Meldte en fejl i en liste over medarbejdere"),
    "round.list_correction.resolve": L("Markerede en fejl i en liste som rettet"),
    "report.leader": L("Så eller hentede lederrapporten"),
    "report.unit": L("Så eller hentede enhedsrapporten"),
    "report.archive.request": L("Bad om alle lederrapporter i en zip-fil"),
    "report.archive": L("Hentede alle lederrapporter som zip-fil"),
    "report.ready_sent": L("Sendte “Din rapport er klar” til lederne"),
    "report.programme": L("Så eller hentede forløbets effekt"),
    "mapping.unit": L("Så eller hentede enhedens kortlægning"),
    "dialogue.view": L("Så eller hentede dialogsiden"),
    "follow_up.view": L("Så opfølgningslisten"),
    "follow_up.record": L("Registrerede opfølgningen"),
    "follow_up.remind": L("Påmindede lederne om opfølgningen"),
    "plan.focus": L("Valgte fokus i udviklingsplanen"),
    "plan.action.add": L("Tilføjede en handling til udviklingsplanen"),
    "plan.action.progress": L("Opdaterede en handlings status"),
    "plan.action.delete": L("Slettede en handling fra udviklingsplanen"),
    "plan.action.reminder": L("Påmindede om en handlings frist"),
    "plan.comment": L("Kommenterede udviklingsplanen"),
    "programme.create": L("Oprettede et kompetenceforløb"),
    "programme.update": L("Ændrede et kompetenceforløb"),
    "programme.module.add": L("Tilføjede et modul til et forløb"),
    "programme.module.update": L("Ændrede et modul"),
    "programme.module.delete": L("Slettede et modul"),
    "programme.attendance": L("Registrerede fremmøde"),
    "person.delete": L("Slettede en person"),
    "person.insight": L("Så indsigten i en persons data"),
    "record.download": L("Hentede fortegnelsen eller bilaget til databehandleraftalen"),
    "retention.set": L("Ændrede opbevaringsreglerne"),
    "retention.run": L("Slettede efter opbevaringsreglerne"),
    "audit.export": L("Hentede revisionssporet"),
}

BY_FORMAT: dict[str, dict[str, Promise]] = {
    "report.leader": {
        "html": L("Så lederrapporten"),
        "pdf": L("Hentede lederrapporten som PDF"),
        "xlsx": L("Hentede lederrapporten som Excel-fil"),
        "html-employees": L("Så medarbejderversionen af lederrapporten"),
        "pdf-employees": L("Hentede medarbejderversionen af lederrapporten som PDF"),
    },
    "report.unit": {
        "html": L("Så enhedsrapporten"),
        "pdf": L("Hentede enhedsrapporten som PDF"),
        "xlsx": L("Hentede enhedsrapporten som Excel-fil"),
    },
    "report.programme": {
        "html": L("Så forløbets effekt"),
        "pdf": L("Hentede forløbets effekt som PDF"),
    },
    "mapping.unit": {
        "html": L("Så enhedens kortlægning"),
        "pdf": L("Hentede enhedens kortlægning som PDF"),
    },
    "dialogue.view": {
        "html": L("Så dialogsiden"),
        "pdf": L("Hentede dialogsiden som PDF"),
    },
    "person.insight": {
        "html": L("Så indsigten i alt, hvad Omstil har om en person"),
        "json": L("Hentede indsigten i en persons data som JSON-fil"),
        "pdf": L("Hentede indsigten i en persons data som PDF"),
    },
    "audit.export": {
        "csv": L("Hentede revisionssporet som CSV-fil"),
        "xlsx": L("Hentede revisionssporet som Excel-fil"),
    },
}

FIELDS: dict[str, Promise] = {
    "round": L("Runde"),
    "leader": L("Leder"),
    "user": L("Konto"),
    "users": L("Konti"),
    "employee_id": L("Medarbejdernummer"),
    "programme": L("Forløb"),
    "module": L("Modul"),
    "format": L("Format"),
    "reason": L("Årsag"),
    "status": L("Status"),
    "role": L("Som"),
    "sent": L("Sendt"),
    "superiors": L("Sendt til overordnede"),
    "recipients": L("Modtagere"),
    "planned": L("Planlagt påmindelse"),
    "invitations": L("Invitationer"),
    "instruments": L("Instrumenter"),
    "local_statements": L("Lokale udsagn"),
    "until": L("Frist"),
    "correction": L("Fejlmelding"),
    "participants": L("Deltagere"),
    "rule": L("Udvalgt efter"),
    "present": L("Mødte"),
    "action": L("Handling"),
    "progress": L("Status"),
    "comment": L("Kommentar"),
    "statements": L("Udsagn"),
    "competences": L("Kompetencer"),
    "added": L("Skrevet ind fra en anden side"),
    "superior_talk": L("Samtale med overordnet holdt"),
    "dialogue_meeting": L("Dialogmøde holdt"),
    "file_name": L("Fil"),
    "everyone": L("Alle ansatte kan logge ind"),
    "new": L("Første gang"),
    "issuer": L("Udsteder"),
    "client_id": L("Klient-id"),
    "claim": L("Felt, der udpeger personen"),
    "secret_changed": L("Hemmeligheden skiftet"),
    "person": L("Person"),
    "min_group_size": L("Mindste gruppe"),
    "archive": L("Zip-fil"),
    "entries": L("Poster"),
    "filtered": L("Kun de fundne poster"),
    "kind": L("Hændelse"),
    "since": L("Fra og med"),
    "through": L("Til og med"),
    "created": L("Nye personer"),
    "updated": L("Ændrede personer"),
    "moved": L("Flyttede personer"),
    "deactivated": L("Personer ude af HR-filen"),
    "reactivated": L("Personer tilbage i HR-filen"),
    "unchanged": L("Uændrede personer"),
    "reporting_lines_changed": L("Ændrede referencer"),
    "new_units": L("Nye enheder"),
    "accounts_created": L("Nye konti"),
    "accounts_linked": L("Konti knyttet til en person"),
    "accounts_email_changed": L("Konti med ny e-mailadresse"),
    "accounts_deactivated": L("Lukkede konti"),
    "accounts_reactivated": L("Genåbnede konti"),
}
SUBJECTS: dict[str, Promise] = {
    "report.leader": L("Leder"),
    "dialogue.view": L("Leder"),
    "report.unit": L("Enhed"),
    "mapping.unit": L("Enhed"),
    "report.archive": L("Zip-fil"),
}
# Details in this order: what the entry is about first, the rest by its label's place above.
_ORDER = {
    key: f"{place:03}" for place, key in enumerate(dict.fromkeys(["round", "subject", *FIELDS]))
}
# An import's counts, shown only when something was counted.
IMPORT_COUNTS = frozenset(
    {
        "created",
        "updated",
        "moved",
        "deactivated",
        "reactivated",
        "unchanged",
        "reporting_lines_changed",
        "new_units",
        "accounts_created",
        "accounts_linked",
        "accounts_email_changed",
        "accounts_deactivated",
        "accounts_reactivated",
    }
)
# Events whose counts are what they removed.
DELETIONS = ("person.delete", "round.delete", "organisation.delete", "retention.run")
# Shown in the sentence already, so not again among the details.
SAID = frozenset({"format"})


@dataclass(frozen=True)
class Criteria:
    """What to look for: free text, one event kind (or every look at a report), a date range."""

    search: str = ""
    event: str = ""
    since: date | None = None
    until: date | None = None

    @property
    def narrowed(self) -> bool:
        return bool(self.search or self.event or self.since or self.until)


def event_label(event: str) -> str:
    """The event in words; an event with no words of its own is shown as its code."""
    label = EVENTS.get(event)
    return str(label) if label is not None else event


def describe(entry: AuditEntry) -> str:
    """What the actor did, as a sentence: "Hentede lederrapporten som PDF"."""
    variants = BY_FORMAT.get(entry.event)
    if variants is not None:
        shown = variants.get(str(entry.fields.get("format") or "html"))
        if shown is not None:
            return str(shown)
    return event_label(entry.event)


def actor_label(entry: AuditEntry) -> str:
    """Who did it: the e-mail address then, the system, or a user since deleted."""
    if entry.actor_label == SYSTEM:
        return _("systemet")
    if entry.actor_label == DELETED_ACTOR:
        return _("en slettet bruger")
    return entry.actor_label


def event_choices(organisation: str) -> list[tuple[str, str]]:
    """The event kinds in the organisation's log, by their words."""
    present = AuditEntry.objects.filter(organisation=organisation).values_list("event", flat=True)
    return sorted(
        ((event, event_label(event)) for event in set(present)), key=lambda pair: pair[1].lower()
    )


def known_events() -> set[str]:
    """Every event Omstil has words for."""
    return set(EVENTS)


# Finding -------------------------------------------------------------------------------------


def entries(organisation: str, criteria: Criteria) -> QuerySet[AuditEntry]:
    """The organisation's entries that meet `criteria`, newest first."""
    found = AuditEntry.objects.filter(organisation=organisation)
    if criteria.event == REPORT_VIEWS:
        found = found.filter(event__in=VIEW_EVENTS)
    elif criteria.event:
        found = found.filter(event=criteria.event)
    if criteria.since is not None:
        found = found.filter(at__gte=_start_of(criteria.since))
    if criteria.until is not None:
        found = found.filter(at__lt=_start_of(criteria.until + timedelta(days=1)))
    if criteria.search:
        found = found.annotate(_text=Cast("fields", TextField())).filter(
            _matching(organisation, criteria.search)
        )
    return found.order_by("-at", "-pk")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _matching(organisation: str, text: str) -> Q:
    """Entries whose event (code or words), actor or details hold `text`, and those about a
    leader or a round whose name does."""
    condition = Q(event__icontains=text) | Q(actor_label__icontains=text)
    # SQLite keeps JSON with non-ASCII letters escaped ("\u00e6"); look for both forms.
    escaped = json.dumps(text)[1:-1]
    for form in {text, escaped}:
        condition |= Q(_text__icontains=form)
    needle = text.casefold()
    for event, label in EVENTS.items():
        if needle in str(label).casefold():
            condition |= Q(event=event)
    for event, variants in BY_FORMAT.items():
        for form, label in variants.items():
            if needle in str(label).casefold():
                condition |= Q(event=event, fields__format=form)
                if form == "html":  # logged before the format was
                    condition |= Q(event=event) & ~Q(fields__has_key="format")
    people = list(
        Person.objects.filter(organisation__slug=organisation, name__icontains=text)
        .order_by("pk")
        .values_list("employee_id", flat=True)[:MAX_NAMED]
    )
    if people:
        condition |= Q(event__in=LEADER_SUBJECT, fields__subject__in=people)
        condition |= Q(fields__leader__in=people)
    rounds = list(
        Round.objects.filter(organisation__slug=organisation, name__icontains=text).values_list(
            "pk", flat=True
        )[:MAX_NAMED]
    )
    if rounds:
        condition |= Q(fields__round__in=rounds)
    return condition


# Details in words ----------------------------------------------------------------------------


@dataclass
class Names:
    """The names today of what a set of entries names by id."""

    rounds: dict[int, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)
    programmes: dict[int, str] = field(default_factory=dict)


def names_for(organisation: str, shown: Sequence[AuditEntry]) -> Names:
    """Look up, in four queries, the rounds, leaders, accounts and programmes `shown` name."""
    round_ids: set[int] = set()
    employee_ids: set[str] = set()
    user_ids: set[int] = set()
    programme_ids: set[int] = set()
    for entry in shown:
        values = entry.fields
        round_ids |= _ints([values.get("round")])
        programme_ids |= _ints([values.get("programme")])
        user_ids |= _ints([values.get("user"), *_listed(values.get("users"))])
        if entry.event in LEADER_SUBJECT and values.get("subject") is not None:
            employee_ids.add(str(values["subject"]))
        if isinstance(values.get("leader"), str):
            employee_ids.add(values["leader"])
    names = Names()
    if round_ids:
        names.rounds = dict(
            Round.objects.filter(organisation__slug=organisation, pk__in=round_ids).values_list(
                "pk", "name"
            )
        )
    if employee_ids:
        names.people = dict(
            Person.objects.filter(
                organisation__slug=organisation, employee_id__in=employee_ids
            ).values_list("employee_id", "name")
        )
    if user_ids:
        names.users = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "email"))
    if programme_ids:
        names.programmes = dict(
            Programme.objects.filter(
                organisation__slug=organisation, pk__in=programme_ids
            ).values_list("pk", "name")
        )
    return names


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _ints(values: Iterable[object]) -> set[int]:
    return {value for value in values if isinstance(value, int) and not isinstance(value, bool)}


def details(entry: AuditEntry, names: Names) -> list[tuple[str, str]]:
    """The entry's fields as (label, value) in words, leaving out what the sentence says."""
    shown = []
    # In one order on both databases (PostgreSQL's jsonb keeps no order of its own).
    for key, value in sorted(entry.fields.items(), key=lambda item: _ORDER.get(item[0], item[0])):
        if (key in SAID and entry.event in BY_FORMAT) or (key in IMPORT_COUNTS and value == 0):
            continue
        counted = WHAT.get(key)
        if counted is not None and isinstance(value, int) and entry.event in DELETIONS:
            shown.append((_("Slettet"), str(counted % {"count": value})))
            continue
        shown.append((_field_label(entry.event, key), _field_value(entry.event, key, value, names)))
    return shown


def _field_label(event: str, key: str) -> str:
    if key == "subject":
        return str(SUBJECTS.get(event, L("Om")))
    label = FIELDS.get(key)
    if label is not None:
        return str(label)
    try:
        policy_field = RetentionPolicy._meta.get_field(key)
    except FieldDoesNotExist:
        return key
    return str(getattr(policy_field, "verbose_name", key))


def _field_value(event: str, key: str, value: Any, names: Names) -> str:
    if key == "round" and isinstance(value, int):
        return _named(names.rounds.get(value), _("nr. %(id)s") % {"id": value})
    if key == "programme" and isinstance(value, int):
        return _named(names.programmes.get(value), _("nr. %(id)s") % {"id": value})
    if key == "user" and isinstance(value, int):
        return _named(names.users.get(value), _("konto %(id)s") % {"id": value})
    if key == "users" and isinstance(value, list):
        return ", ".join(_field_value(event, "user", item, names) for item in value) or "–"
    if (key == "leader" or (key == "subject" and event in LEADER_SUBJECT)) and value is not None:
        return _named(names.people.get(str(value)), str(value))
    if key == "kind" and isinstance(value, str):
        return _("alle visninger af rapporter") if value == REPORT_VIEWS else event_label(value)
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if value is None or value == "":
        return "–"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "–"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _named(name: str | None, code: str) -> str:
    """A name with the id it was logged under, or the id alone when the name is gone."""
    return f"{name} ({code})" if name else code


def details_text(entry: AuditEntry, names: Names) -> str:
    """The details on one line, for a spreadsheet cell or the command line."""
    return "; ".join(f"{label}: {value}" for label, value in details(entry, names))


# Rows, files and JSON -------------------------------------------------------------------------


def header() -> list[str]:
    """The export's column titles."""
    return [
        _("Tidspunkt"),
        _("Udført af"),
        _("Hændelse"),
        _("Detaljer"),
        _("Hændelseskode"),
        _("Felter (JSON)"),
    ]


def with_names(
    organisation: str, found: Iterable[AuditEntry], chunk: int = 1000
) -> Iterator[tuple[AuditEntry, Names]]:
    """Each entry with the names it refers to, looked up a thousand entries at a time."""
    batch: list[AuditEntry] = []
    for entry in found:
        batch.append(entry)
        if len(batch) == chunk:
            yield from _named_batch(organisation, batch)
            batch = []
    yield from _named_batch(organisation, batch)


def _named_batch(organisation: str, batch: list[AuditEntry]) -> Iterator[tuple[AuditEntry, Names]]:
    if batch:
        names = names_for(organisation, batch)
        for entry in batch:
            yield entry, names


def export_rows(organisation: str, found: QuerySet[AuditEntry]) -> Iterator[list[object]]:
    """The entries as rows: the time in the installation's time zone, then the words, then the
    code and the fields as they were logged."""
    for entry, names in with_names(organisation, found.iterator(chunk_size=1000)):
        yield [
            timezone.localtime(entry.at).replace(tzinfo=None, microsecond=0),
            actor_label(entry),
            describe(entry),
            details_text(entry, names),
            entry.event,
            json.dumps(entry.fields, ensure_ascii=False, sort_keys=True),
        ]


def export_file(organisation: str, found: QuerySet[AuditEntry], kind: str) -> tuple[bytes, int]:
    """The entries as a CSV or XLSX file (`kind`), and how many it holds."""
    rows = list(export_rows(organisation, found))
    return (to_csv(rows) if kind == "csv" else to_xlsx(rows)), len(rows)


def to_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """Rows as CSV for Excel: UTF-8 with a byte order mark, `;` between the cells, and no cell
    a spreadsheet would take for a formula."""
    lines: list[Sequence[object]] = [header()]
    for row in rows:
        at = row[0]
        lines.append([at.isoformat(sep=" ") if isinstance(at, datetime) else at, *row[1:]])
    return "\ufeff".encode() + csv_rows(lines).encode("utf-8")


def to_xlsx(rows: Iterable[Sequence[object]]) -> bytes:
    """Rows as an Excel workbook, one sheet, every text a string cell."""
    from openpyxl import Workbook  # only where a workbook is written (omstil/lib/sheets.py)

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Revisionsspor")[:31]
    append_row(sheet, header())
    for row in rows:
        append_row(sheet, row)
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd hh:mm:ss"
    for column, width in zip("ABCDEF", (20, 32, 44, 70, 28, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_json(entry: AuditEntry, names: Names) -> dict[str, Any]:
    """One entry for `omstil audit list --json`: `at`, `actor`, `action` (the event's code) and
    the rest as logged, with the words beside them."""
    return {
        "at": timezone.localtime(entry.at).isoformat(),
        "actor": entry.actor_label,
        "actor_id": entry.actor_id,
        "action": entry.event,
        "description": describe(entry),
        "organisation": entry.organisation,
        "details": entry.fields,
        "details_text": details_text(entry, names),
    }


def at_text(entry: AuditEntry) -> str:
    """When, as the installation writes a date and time."""
    return formats.date_format(timezone.localtime(entry.at), "DATETIME_FORMAT")
