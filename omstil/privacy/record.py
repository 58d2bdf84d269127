"""The record of processing (fortegnelse, GDPR art. 30) and the draft data processing annex
(bilag til databehandleraftalen) of one organisation, made from what is set for it now: its
people and roles, its rounds' rules, its own login, its retention rules and the operator's
settings.

The facts are gathered once (`record_facts`) and arranged twice: as the record, and as the annex
to the data processing agreement (`record_html`, `record_pdf`).
"""

from collections.abc import Sequence
from typing import Any

import dj_email_url
from django.conf import settings
from django.db.models import Field
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omstil.accounts.models import Membership, User
from omstil.core.models import AuditEntry
from omstil.core.pdf import html_to_pdf
from omstil.development.models import DevelopmentPlan, FollowUp, PlanComment
from omstil.organisations.models import Organisation, Person, SingleSignOn
from omstil.organisations.services import PENDING_LIFETIME_HOURS
from omstil.privacy.expiry import TASK_RESULT_DAYS
from omstil.privacy.record_measures import (
    end_of_agreement,
    organisational_measures,
    security_measures,
)
from omstil.privacy.retention import rules_for, rules_text
from omstil.programmes.models import Attendance, Participant
from omstil.responses.models import Comment, Response
from omstil.rounds.models import EvaluatedLeader, Invitation, ListCorrection, Round
from omstil.rounds.policy import who_sees_what

DOCUMENTS = ("record", "annex")

# The HR file's columns as a person holds them, in the order of the file.
HR_FILE_FIELDS = (
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

# The EU and the other EEA countries: ISO 3166 codes, which count only in capitals ("DE", not
# the Danish word "de"), and Danish and English names.
EEA_CODES = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
}  # fmt: skip
EEA_NAMES = {
    "eu", "eøs", "eea", "danmark", "denmark", "sverige", "sweden", "norge", "norway", "finland",
    "tyskland", "germany", "irland", "ireland", "holland", "nederlandene", "netherlands",
    "frankrig", "france", "belgien", "belgium", "island", "iceland", "østrig", "austria",
    "polen", "poland", "spanien", "spain", "italien", "italy", "estland", "estonia", "letland",
    "latvia", "litauen", "lithuania", "luxembourg", "portugal", "tjekkiet", "czechia",
}  # fmt: skip


def within_eea(location: str) -> bool:
    """Whether a sub-processor's stated location names a place in the EU/EEA."""
    words = {word.strip(" .()") for word in location.replace(",", " ").split()}
    return bool(words & EEA_CODES) or bool({word.lower() for word in words} & EEA_NAMES)


def _mail_host() -> str:
    """The host of the outgoing mail server, or "" when e-mail does not leave through one."""
    parsed = dj_email_url.parse(str(getattr(settings, "EMAIL_URL", "") or "console://"))
    if parsed.get("EMAIL_BACKEND") != "django.core.mail.backends.smtp.EmailBackend":
        return ""
    return str(parsed.get("EMAIL_HOST") or "localhost")


def _to_fill_in_by_operator() -> str:
    return _("udfyldes af driftsleverandøren")


def _to_fill_in_by_controller() -> str:
    return _("udfyldes af den dataansvarlige")


def _person_field(name: str) -> str:
    """The Danish name of one of the HR file's fields on a person."""
    if name == "unit":
        return _("enhed")
    field = Person._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, Field) else name


def _subjects(organisation: Organisation) -> list[dict[str, Any]]:
    """The categories of data subjects, each with how many Omstil holds now."""
    people = Person.objects.filter(organisation=organisation)
    active = people.filter(active=True)
    above_leaders = set(
        active.filter(is_leader=True).values_list("nearest_leader_employee_id", flat=True)
    )
    memberships = Membership.objects.filter(organisation=organisation)
    accounts = (
        people.filter(user__isnull=False).values("user").union(memberships.values("user")).count()
    )
    return [
        {"name": _("Ansatte i HR-filen"), "count": active.count()},
        {"name": _("Ledere"), "count": active.filter(is_leader=True).count()},
        {
            "name": _("Overordnede ledere (ledere med ledere under sig)"),
            "count": active.filter(employee_id__in=above_leaders - {""}).count(),
        },
        {
            "name": _("Fratrådte, som endnu ikke er slettet"),
            "count": people.filter(active=False).count(),
        },
        {"name": _("Brugere med konto i Omstil"), "count": accounts},
        {
            "name": _("Organisationens administratorer (HR)"),
            "count": memberships.filter(role=Membership.Role.ADMIN).count(),
        },
        {
            "name": _("HR-læsere"),
            "count": memberships.filter(role=Membership.Role.READER).count(),
        },
    ]


def _category(name: str, text: str, count: int | None = None) -> dict[str, Any]:
    return {"name": name, "text": text, "count": count}


def _data_held(
    organisation: Organisation, rounds: Sequence[Round], sso: SingleSignOn | None
) -> list[dict[str, Any]]:
    """The categories of personal data Omstil holds for the organisation, with counts now."""
    in_rounds = {"round__organisation": organisation}
    fields = ", ".join(_person_field(name) for name in HR_FILE_FIELDS)
    data = [
        _category(
            _("HR-filen"),
            _(
                "For hver person: %(fields)s. En uploadet HR-fil, som er vist, men ikke "
                "indlæst, slettes efter %(hours)s timer."
            )
            % {"fields": fields, "hours": PENDING_LIFETIME_HOURS},
            Person.objects.filter(organisation=organisation).count(),
        ),
        _category(
            _("Konti"),
            _(
                "Navn, e-mailadresse, sprog, adgangskode (kun som hash), nøglen til "
                "totrinsbekræftelse og rollerne i organisationen."
            ),
        ),
        _category(
            _("Rundernes billede af organisationen"),
            _(
                "For hver runde de evaluerede lederes navn, e-mailadresse og enhed og deres "
                "overordnede, sådan som organisationen så ud, da runden åbnede."
            ),
            EvaluatedLeader.objects.filter(**in_rounds).count(),
        ),
        _category(
            _("Invitationer"),
            _(
                "Hvem der er inviteret til at svare om hvilken leder, med navn, e-mailadresse "
                "og sprog, og mens runden er åben, om de har svaret – aldrig hvad de svarede."
            ),
            Invitation.objects.filter(**in_rounds).count(),
        ),
        _category(
            _("Anonyme svar"),
            _(
                "Svarene på udsagnene og i kortlægninger medarbejdernes vurdering af egne "
                "kompetencer, gemt uden forbindelse til den, der svarede, og kun vist samlet."
            ),
            Response.objects.filter(**in_rounds, submitted=True).count(),
        ),
    ]
    if any(round_.comment_field for round_ in rounds):
        data.append(
            _category(
                _("Fritekstkommentarer"),
                _(
                    "Kommentarer fra runder med kommentarfelt. De gemmes anonymt, men kan rumme "
                    "det, svareren selv skriver, også om andre."
                ),
                Comment.objects.filter(**in_rounds).count(),
            )
        )
    if any(round_.list_check_until for round_ in rounds):
        data.append(
            _category(
                _("Ledernes rettelser til listen over respondenter"),
                _("Lederens egne ord om, hvem der mangler eller ikke skal med på listen."),
                ListCorrection.objects.filter(**in_rounds).count(),
            )
        )
    data += [
        _category(
            _("Udviklingsplaner"),
            _(
                "Lederens fokusområder og handlinger med frister og status, og de overordnedes "
                "kommentarer til planen (%(comments)s kommentarer nu)."
            )
            % {
                "comments": PlanComment.objects.filter(
                    plan__round__organisation=organisation
                ).count()
            },
            DevelopmentPlan.objects.filter(**in_rounds).count(),
        ),
        _category(
            _("Opfølgning"),
            _("Datoerne for lederens samtale med den overordnede og for dialogmødet."),
            FollowUp.objects.filter(**in_rounds).count(),
        ),
        _category(
            _("Kompetenceforløb"),
            _(
                "Hvilke ledere der deltager i hvilket forløb, og deres fremmøde pr. modul "
                "(%(attendance)s registreringer af fremmøde nu)."
            )
            % {
                "attendance": Attendance.objects.filter(
                    participant__programme__organisation=organisation
                ).count()
            },
            Participant.objects.filter(programme__organisation=organisation).count(),
        ),
        _category(
            _("Selvvurderinger"),
            _(
                "Svar og noter i lederens egne selvvurderinger. Kun lederen selv ser dem; de er "
                "ikke knyttet til organisationen, runderne eller rapporterne."
            ),
        ),
        _category(
            _("Revisionsspor"),
            _(
                "Hvem der har ændret hvad og set hvilke rapporter, hvornår: brugerens "
                "e-mailadresse og id'erne på det, der blev ændret eller set – aldrig svar."
            ),
            AuditEntry.objects.filter(organisation=organisation.slug).count(),
        ),
        _category(
            _("E-mails"),
            ngettext(
                "Invitationer, påmindelser og links til at logge ind, med modtagerens "
                "e-mailadresse, mens de venter på at blive sendt; de slettes %(days)s dag "
                "efter afsendelsen.",
                "Invitationer, påmindelser og links til at logge ind, med modtagerens "
                "e-mailadresse, mens de venter på at blive sendt; de slettes %(days)s dage "
                "efter afsendelsen.",
                TASK_RESULT_DAYS,
            )
            % {"days": TASK_RESULT_DAYS},
        ),
    ]
    if sso is not None:
        data.append(
            _category(
                _("Log ind med organisationens eget login"),
                _(
                    "Den e-mailadresse eller det medarbejdernummer, som udstederen %(issuer)s "
                    "oplyser, når brugeren logger ind; Omstil gemmer ikke udstederens øvrige "
                    "oplysninger."
                )
                % {"issuer": sso.issuer},
            )
        )
    return data


def _recipients(rounds: Sequence[Round]) -> list[dict[str, Any]]:
    """Who sees what, per round as its policy says; rounds with the same rules go together."""
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for round_ in rounds:
        seeing = tuple((entry.role, entry.text) for entry in who_sees_what(round_))
        groups.setdefault(seeing, []).append(round_.name)
    return [
        {
            "rounds": names,
            "seeing": [{"role": role, "text": text} for role, text in seeing],
        }
        for seeing, names in groups.items()
    ]


def _other_recipients(organisation: Organisation) -> list[dict[str, str]]:
    """Who sees the organisation's data outside the rounds' rules, by role."""
    memberships = Membership.objects.filter(organisation=organisation)
    admins = memberships.filter(role=Membership.Role.ADMIN).count()
    readers = memberships.filter(role=Membership.Role.READER).count()
    system_admins = User.objects.filter(is_superuser=True, is_active=True).count()
    return [
        {
            "role": _("Organisationens administratorer (HR)"),
            "text": ngettext(
                "%(count)s konto. Ud over det, der står om HR under runderne, indlæser HR "
                "HR-filen, opretter runder og kompetenceforløb og ser deltagerne i forløbene "
                "og deres fremmøde, revisionssporet og denne fortegnelse.",
                "%(count)s konti. Ud over det, der står om HR under runderne, indlæser HR "
                "HR-filen, opretter runder og kompetenceforløb og ser deltagerne i forløbene "
                "og deres fremmøde, revisionssporet og denne fortegnelse.",
                admins,
            )
            % {"count": admins},
        },
        {
            "role": _("HR-læsere"),
            "text": ngettext(
                "%(count)s konto. HR-læsere ser intet andet end det, der står om dem under "
                "runderne.",
                "%(count)s konti. HR-læsere ser intet andet end det, der står om dem under "
                "runderne.",
                readers,
            )
            % {"count": readers},
        },
        {
            "role": _("Deltagerne i kompetenceforløb"),
            "text": _("Hver deltager ser kun forløbet og sit eget fremmøde."),
        },
        {
            "role": _("Lederen selv"),
            "text": _("Selvvurderingerne ser kun lederen selv – ingen andre i Omstil."),
        },
        {
            "role": _("Driftsleverandørens systemadministratorer"),
            "text": ngettext(
                "%(count)s konto i denne installation. De kan se alt, hvad HR ser, i alle "
                "organisationer, men ingen svar knyttet til en person.",
                "%(count)s konti i denne installation. De kan se alt, hvad HR ser, i alle "
                "organisationer, men ingen svar knyttet til en person.",
                system_admins,
            )
            % {"count": system_admins},
        },
    ]


def _subprocessors(sso: SingleSignOn | None) -> list[dict[str, str]]:
    """The mail server, the organisation's own login and the operator's list."""
    rows = []
    mail_host = _mail_host()
    if mail_host:
        rows.append(
            {
                "name": mail_host,
                "purpose": _("Afsendelse af e-mails (invitationer, påmindelser, log ind)"),
                "location": "",
            }
        )
    if sso is not None:
        rows.append(
            {"name": sso.issuer, "purpose": _("Organisationens eget login"), "location": ""}
        )
    for name, purpose, location in getattr(settings, "OMSTIL_SUBPROCESSORS", []):
        rows.append({"name": name, "purpose": purpose, "location": location})
    return rows


def _transfers(subprocessors: Sequence[dict[str, str]]) -> list[str]:
    """Transfers to third countries: none unless a sub-processor's location lies outside."""
    outside = [row for row in subprocessors if row["location"] and not within_eea(row["location"])]
    unstated = [row["name"] for row in subprocessors if not row["location"]]
    lines = (
        [
            _("Oplysningerne overføres til %(name)s i %(location)s, uden for EU/EØS.")
            % {"name": row["name"], "location": row["location"]}
            for row in outside
        ]
        if outside
        else [_("Ingen: oplysningerne behandles ikke uden for EU/EØS.")]
    )
    if unstated:
        lines.append(
            _(
                "Hvor %(names)s behandler oplysningerne, er ikke oplyst; det udfyldes af "
                "driftsleverandøren."
            )
            % {"names": ", ".join(unstated)}
        )
    return lines


def record_facts(organisation: Organisation) -> dict[str, Any]:
    """Everything the record and the annex say, from the organisation's settings as they are."""
    sso = SingleSignOn.objects.filter(organisation=organisation).first()
    rounds = list(Round.objects.filter(organisation=organisation).order_by("created_at", "pk"))
    subprocessors = _subprocessors(sso)
    operator = str(getattr(settings, "OMSTIL_OPERATOR_NAME", "") or "")
    contact = str(getattr(settings, "OMSTIL_OPERATOR_CONTACT", "") or "")
    dpo = str(getattr(settings, "OMSTIL_DPO_CONTACT", "") or "")
    return {
        "controller": organisation.name,
        "controller_contact": _to_fill_in_by_controller(),
        "processor": operator or _to_fill_in_by_operator(),
        "processor_contact": contact or _to_fill_in_by_operator(),
        "processor_dpo": dpo or _to_fill_in_by_operator(),
        "purposes": [
            _(
                "Evaluering af ledernes digitale ledelse med svar fra medarbejdere, lederen "
                "selv og den overordnede."
            ),
            _("Dialog og udviklingsplaner ud fra evalueringen, og opfølgning på dem."),
            _("Kompetenceforløb for lederne, og deres effekt."),
            _("Kortlægning af medarbejdernes digitale kompetencer, vist samlet."),
            _("Ledernes egne selvvurderinger."),
        ],
        "subjects": _subjects(organisation),
        "data": _data_held(organisation, rounds, sso),
        "comments": any(round_.comment_field for round_ in rounds),
        "single_sign_on": sso.issuer if sso is not None else "",
        "recipients": _recipients(rounds),
        "other_recipients": _other_recipients(organisation),
        "subprocessors": subprocessors,
        "transfers": _transfers(subprocessors),
        "retention": rules_text(rules_for(organisation)),
        "security": security_measures(organisation, rounds, sso),
        "organisational": organisational_measures(),
        "deletion": end_of_agreement(organisation),
        "today": timezone.localdate(),
    }


def record_html(
    organisation: Organisation, document: str, language: str, *, printable: bool
) -> str:
    """The record or the annex in `language` as HTML: a complete self-contained document when
    `printable`, else the page's content for "privacy/record_page.html"."""
    if document not in DOCUMENTS:
        raise ValueError(document)
    with translation.override(language):
        context = {
            "organisation": organisation,
            "facts": record_facts(organisation),
            "document": document,
            "language": language,
        }
        template = "privacy/record_print.html" if printable else "privacy/record_body.html"
        return render_to_string(template, context)


def record_pdf(organisation: Organisation, document: str, language: str) -> bytes:
    """The record or the annex in `language` as a PDF."""
    return html_to_pdf(record_html(organisation, document, language, printable=True))
