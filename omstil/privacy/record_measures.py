"""The security measures and the end of the agreement, as the record of processing and the data
processing annex state them: what this installation and the organisation are set up to do now
(docs/security.md, docs/anonymity.md, docs/backup.md)."""

from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omstil.organisations.models import Organisation, SingleSignOn
from omstil.reports.rendering import comment_threshold
from omstil.rounds.models import Round


def security_measures(
    organisation: Organisation, rounds: Sequence[Round], sso: SingleSignOn | None
) -> list[str]:
    """The technical measures in force, as this installation and organisation are set up."""
    minimum = min((round_.min_group_size for round_ in rounds), default=0)
    minimum = minimum or organisation.min_group_size
    hasher = str(get_hasher().algorithm)
    measures = [
        _(
            "Anonymitet ved adskillelse: hvem der er inviteret, og hvad der er svaret, gemmes "
            "hver for sig uden nogen forbindelse. Når en runde lukker, slettes rundens nøgler, "
            "og svarene skrives om med nye tilfældige id'er, så heller ikke den, der har hele "
            "databasen, kan koble et svar til en person."
        ),
        _(
            "Mens en runde er åben, kan den, der har både databasen og serverens hemmelige "
            "nøgle, i princippet koble svar og invitationer; det ophører, når runden lukker."
        ),
        _(
            "Diskretionskontrol: medarbejdernes svar om en leder vises kun samlet og kun, når "
            "mindst %(minimum)s har svaret (den mindste gruppestørrelse i organisationens "
            "runder; aldrig under 3). Tal, der kunne afsløre en mindre gruppe, når man trækker "
            "to tal fra hinanden, skjules også."
        )
        % {"minimum": minimum},
    ]
    commented = [round_ for round_ in rounds if round_.comment_field]
    if commented:
        measures.append(
            _(
                "Kommentarer vises først, når mindst %(threshold)s har skrevet en, og aldrig "
                "sammen med samme persons øvrige svar."
            )
            % {"threshold": min(comment_threshold(round_) for round_ in commented)}
        )
    measures += [
        _(
            "Organisationerne holdes adskilt: en bruger ser kun de organisationer, brugeren "
            "har en rolle i, og andres sider svarer, som om de ikke fandtes."
        ),
        _(
            "Adgang efter rolle og efter rundens regler for, hvem der ser hvad; reglerne "
            "ligger fast, før runden åbner."
        ),
        _("Adgangskoder gemmes kun som hash med Argon2.")
        if hasher.startswith("argon2")
        else _("Adgangskoder gemmes kun som hash (%(algorithm)s).") % {"algorithm": hasher},
        _(
            "Organisationens administratorer og systemadministratorer skal bruge "
            "totrinsbekræftelse, når de logger ind med adgangskode eller link."
        )
        if getattr(settings, "OMSTIL_TWO_FACTOR_REQUIRED", True)
        else _(
            "Totrinsbekræftelse er slået fra i denne installation "
            "(OMSTIL_TWO_FACTOR_REQUIRED=0); administratorer logger ind med adgangskode alene."
        ),
    ]
    if sso is not None:
        measures.append(
            _(
                "Log ind med organisationens eget login (OpenID Connect): tokenets signatur, "
                "udsteder og modtager kontrolleres, og udstederens egen totrinsbekræftelse "
                "gælder. Klienthemmeligheden gemmes krypteret."
            )
        )
    measures += [
        _(
            "Log ind spærres i %(minutes)s minutter efter %(failures)s forkerte forsøg, både "
            "for kontoen og for adressen, der prøver."
        )
        % {
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "failures": settings.AXES_FAILURE_LIMIT,
        },
        _("En session varer højst %(hours)s timer og slutter, når browseren lukkes.")
        % {"hours": settings.SESSION_COOKIE_AGE // 3600},
        _(
            "Links til at svare er lange tilfældige værdier, som kun gemmes som hash, og "
            "Omstils log skjuler dem. Alle sider sendes med en Content Security Policy, og "
            "formularer er beskyttet mod CSRF."
        ),
        _(
            "Omstil kræver HTTPS (sikre cookies, HSTS og omstilling fra HTTP). Selve "
            "krypteringen af forbindelsen sker i den reverse proxy, som driftsleverandøren "
            "sætter foran Omstil, og er kun så god, som den er sat op."
        )
        if getattr(settings, "HTTPS", False)
        else _(
            "Omstil er ikke sat op til HTTPS i denne installation (OMSTIL_HTTPS er slået fra): "
            "forbindelsen er kun krypteret, hvis en reverse proxy foran Omstil krypterer den."
        ),
        _(
            "Omstil krypterer ikke selv databasen og sikkerhedskopierne; det er "
            "driftsleverandørens opgave (fx krypterede diske)."
        ),
        _(
            "Revisionsspor: hver ændring og hvert opslag i en rapport skrives med tid og "
            "bruger, aldrig med svar. HR kan læse og hente det; ingen kan ændre det i Omstil."
        ),
        ngettext(
            "Sikkerhedskopier tages med “omstil backup”, kan kun læses af den bruger, der tager "
            "dem, og driftsleverandøren sletter dem efter %(days)s dag.",
            "Sikkerhedskopier tages med “omstil backup”, kan kun læses af den bruger, der tager "
            "dem, og driftsleverandøren sletter dem efter %(days)s dage.",
            settings.OMSTIL_BACKUP_DAYS,
        )
        % {"days": settings.OMSTIL_BACKUP_DAYS},
    ]
    return measures


def end_of_agreement(organisation: Organisation) -> list[str]:
    """What happens to the data when the agreement ends: returned, then deleted."""
    return [
        _(
            "Tilbagelevering: før aftalen ophører, henter den dataansvarlige selv det, den vil "
            "beholde – rapporterne som PDF og Excel, alle lederrapporter samlet som zip-fil og "
            "revisionssporet som CSV eller Excel."
        ),
        _(
            "Sletning: derefter sletter databehandleren organisationen med alt, hvad Omstil har "
            "om den, med kommandoen “omstil org delete --org %(slug)s”. Sletningen sker helt "
            "eller slet ikke."
        )
        % {"slug": organisation.slug},
        ngettext(
            "Sikkerhedskopier taget med “omstil backup” rummer organisationens data, til de "
            "slettes efter %(days)s dag; senest da er alt væk.",
            "Sikkerhedskopier taget med “omstil backup” rummer organisationens data, til de "
            "slettes efter %(days)s dage; senest da er alt væk.",
            settings.OMSTIL_BACKUP_DAYS,
        )
        % {"days": settings.OMSTIL_BACKUP_DAYS},
    ]


def organisational_measures() -> list[str]:
    """The organisational measures: what the operator fills in, and what the parties agree."""
    return [
        _(
            "Hvem hos databehandleren der har adgang til server, database og "
            "sikkerhedskopier, og hvordan de er instrueret og har tavshedspligt: "
            "udfyldes af driftsleverandøren."
        ),
        _(
            "Brud på persondatasikkerheden meldes til den dataansvarlige uden unødig "
            "forsinkelse; hvordan og hvor hurtigt aftales mellem parterne."
        ),
    ]
