"""The record of processing (fortegnelse, GDPR art. 30) and the draft data processing annex
(bilag til databehandleraftalen) of one organisation, made from what is set for it now: its
rounds' rules, its own login, its retention rules and the operator's settings."""

from typing import Any

import dj_email_url
from django.conf import settings
from django.db.models import Field
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from omstil.accounts.models import Membership
from omstil.core.pdf import html_to_pdf
from omstil.organisations.models import Organisation, Person, SingleSignOn
from omstil.privacy.retention import rules_for, rules_text
from omstil.rounds.models import Round
from omstil.rounds.policy import who_sees_what

DOCUMENTS = ("record", "annex")

# Member states of the EU and the other EEA countries, as ISO 3166 codes and Danish names.
EEA = {
    "eu", "eøs", "eea", "at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "gr",
    "hu", "ie", "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "sk", "si", "es", "se",
    "is", "li", "no", "danmark", "sverige", "norge", "finland", "tyskland", "irland", "holland",
    "nederlandene", "frankrig", "belgien", "island", "østrig", "polen", "spanien", "italien",
    "estland", "letland", "litauen", "luxembourg", "portugal",
}  # fmt: skip


def _within_eea(location: str) -> bool:
    """Whether a sub-processor's stated location lies in the EU/EEA."""
    words = {word.strip(" .()").lower() for word in location.replace(",", " ").split()}
    return bool(words & EEA)


def _mail_host() -> str:
    """The host of the outgoing mail server, or "" when mail is not sent through one."""
    host = str(getattr(settings, "EMAIL_HOST", "") or "")
    url = str(getattr(settings, "EMAIL_URL", "") or "")
    if url:
        parsed = dj_email_url.parse(url)
        if parsed.get("EMAIL_BACKEND") == "django.core.mail.backends.smtp.EmailBackend":
            host = str(parsed.get("EMAIL_HOST") or "localhost")
        else:
            host = ""
    return host


def _configured_subprocessors() -> list[dict[str, str]]:
    """OMSTIL_SUBPROCESSORS as rows: "name|purpose|location;…"."""
    rows = []
    for entry in str(getattr(settings, "OMSTIL_SUBPROCESSORS", "") or "").split(";"):
        if not entry.strip():
            continue
        name, purpose, location = ([*(part.strip() for part in entry.split("|")), "", ""])[:3]
        rows.append({"name": name, "purpose": purpose, "location": location})
    return rows


def _person_field(name: str) -> str:
    """The Danish name of one of the HR file's fields on a person."""
    if name == "unit":
        return _("enhed")
    field = Person._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, Field) else name


def _single_sign_on(organisation: Organisation) -> SingleSignOn | None:
    return SingleSignOn.objects.filter(organisation=organisation).first()


def record_facts(organisation: Organisation) -> dict[str, Any]:
    """Everything the record and the annex say, from the organisation's settings as they are."""
    sso = _single_sign_on(organisation)
    rounds = list(Round.objects.filter(organisation=organisation).order_by("created_at", "pk"))
    comments = any(round_.comment_field for round_ in rounds)
    people = Person.objects.filter(organisation=organisation, active=True)
    memberships = Membership.objects.filter(organisation=organisation)

    subjects = [
        {"name": _("Ansatte i HR-filen"), "count": people.count()},
        {"name": _("Ledere"), "count": people.filter(is_leader=True).count()},
        {
            "name": _("Brugere med konto i Omstil"),
            "count": Person.objects.filter(organisation=organisation, user__isnull=False)
            .values("user")
            .union(memberships.values("user"))
            .count(),
        },
        {
            "name": _("Organisationens administratorer (HR)"),
            "count": memberships.filter(role=Membership.Role.ADMIN).count(),
        },
        {
            "name": _("HR-læsere"),
            "count": memberships.filter(role=Membership.Role.READER).count(),
        },
    ]

    person_fields = ", ".join(
        _person_field(name)
        for name in (
            "employee_id",
            "name",
            "email",
            "unit",
            "is_leader",
            "leader_since",
            "reports_to_employee_id",
            "nearest_leader_employee_id",
            "job_family",
            "language",
            "active",
        )
    )
    data = [
        _("HR-filen: %(fields)s.") % {"fields": person_fields},
        _(
            "Konti: navn, e-mailadresse, adgangskode (kun som hash), totrinsbekræftelse og "
            "roller i organisationen."
        ),
        _(
            "Invitationer til runderne: hvem der er inviteret, med navn og e-mailadresse, og "
            "om de har svaret – aldrig hvad de svarede."
        ),
        _(
            "Anonyme svar: svarene på udsagnene, gemt uden forbindelse til den, der svarede, og "
            "kun vist samlet, når der er svar nok."
        ),
    ]
    if comments:
        data.append(
            _(
                "Fritekstkommentarer fra runder med kommentarfelt: de gemmes anonymt, men kan "
                "rumme det, svareren selv skriver."
            )
        )
    data += [
        _("Udviklingsplaner, dialog og opfølgning for lederne."),
        _("Deltagelse i kompetenceforløb."),
        _("Selvvurderinger."),
        _("Revisionsspor: hvem der har set og ændret hvad, og hvornår."),
    ]
    if sso is not None:
        data.append(
            _(
                "Log ind med organisationens eget login (%(issuer)s): den identitet, som "
                "udstederen oplyser for brugeren."
            )
            % {"issuer": sso.issuer}
        )

    recipients = [{"round": round_.name, "seeing": who_sees_what(round_)} for round_ in rounds]

    subprocessors = []
    mail_host = _mail_host()
    if mail_host:
        subprocessors.append(
            {
                "name": mail_host,
                "purpose": _("Afsendelse af e-mails (invitationer, påmindelser, log ind)"),
                "location": "",
            }
        )
    if sso is not None:
        subprocessors.append(
            {
                "name": sso.issuer,
                "purpose": _("Organisationens eget login"),
                "location": "",
            }
        )
    subprocessors += _configured_subprocessors()
    outside = sorted(
        {row["location"] for row in subprocessors if row["location"]}
        - {row["location"] for row in subprocessors if _within_eea(row["location"])}
    )

    operator = str(getattr(settings, "OMSTIL_OPERATOR_NAME", "") or "")
    contact = str(getattr(settings, "OMSTIL_OPERATOR_CONTACT", "") or "")
    return {
        "controller": organisation.name,
        "processor": operator or _("udfyldes af driftsleverandøren"),
        "processor_contact": contact or _("udfyldes af driftsleverandøren"),
        "purposes": [
            _("360°-evaluering af ledernes digitale ledelse."),
            _("Udviklingsplaner og dialog ud fra evalueringen."),
            _("Kompetenceforløb for ledere og medarbejdere."),
            _("Kortlægning af medarbejdernes kompetencer."),
        ],
        "subjects": subjects,
        "data": data,
        "comments": comments,
        "single_sign_on": sso.issuer if sso is not None else "",
        "recipients": recipients,
        "subprocessors": subprocessors,
        "transfers": (
            _("Ingen, medmindre en underdatabehandler behandler data uden for EU/EØS: %(places)s.")
            % {"places": ", ".join(outside)}
            if outside
            else _("Ingen.")
        ),
        "retention": rules_text(rules_for(organisation)),
        "security": [
            _("Svarene er anonyme: intet i databasen kobler et svar til den, der svarede."),
            _(
                "Tal vises kun, når der er svar nok (diskretionskontrol), og enkeltsvar "
                "vises aldrig."
            ),
            _("Organisationerne holdes adskilt: ingen ser noget fra en anden organisation."),
            _("Adgang efter rolle; administratorer logger ind med totrinsbekræftelse."),
            _("Login spærres efter gentagne fejlforsøg."),
            _("Kun krypteret forbindelse (HTTPS) og sikre cookies i drift."),
            _("Hemmeligheder til organisationens eget login gemmes krypteret."),
            _("Revisionsspor over hvem der har set og ændret hvad."),
        ],
        "deletion": [
            _(
                "Når aftalen ophører, slettes organisationen med alt, hvad Omstil har om den, "
                "med kommandoen “omstil org delete”."
            ),
            _(
                "Sikkerhedskopier med organisationens data slettes, efterhånden som de udløber "
                "efter driftsleverandørens plan for sikkerhedskopier."
            ),
        ],
        "today": timezone.localdate(),
    }


def record_html(
    organisation: Organisation, document: str, language: str, *, printable: bool
) -> str:
    """The record or the annex as HTML: a complete self-contained document when `printable`,
    else the page's content block for "privacy/record_page.html"."""
    if document not in DOCUMENTS:
        raise ValueError(document)
    with translation.override(language):
        facts = record_facts(organisation)
        context = {
            "organisation": organisation,
            "facts": facts,
            "document": document,
            "language": language,
        }
        template = "privacy/record_print.html" if printable else "privacy/record_body.html"
        return render_to_string(template, context)


def record_pdf(organisation: Organisation, document: str, language: str) -> bytes:
    """The record or the annex as a PDF."""
    return html_to_pdf(record_html(organisation, document, language, printable=True))
