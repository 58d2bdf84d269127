"""What HR's round page says about a round's rules: who may see which reports, which units.

The texts follow the round's visibility policy (`Round.visibility`, set before the round opens,
`services.DEFAULT_VISIBILITY`) as the report, plan and mapping access read it
(`omstil/reports/access.py`, `omstil/development/access.py`, `omstil/mapping/access.py`, which
stand above this app and are described here, not asked), so HR reads the same answer for the
round's whole life: as a draft, while it is open and once it is closed.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from omstil.organisations.models import PATH_SEPARATOR, Unit
from omstil.rounds.models import Round


def follow_up_for_hr(round_: Round) -> bool:
    """Whether the round's policy gives HR each leader's follow-up status (talk, meeting, plan
    done – never contents): the key `follow_up`, on by default for new rounds; a round made
    before the key existed only if its policy let HR see the leaders' reports."""
    visibility = round_.visibility
    return bool(visibility.get("follow_up", visibility.get("org_admins", False)))


@dataclass(frozen=True)
class Seeing:
    """One role and, in plain Danish, what it may see of the round's reports."""

    role: str
    text: str


def who_sees_what(round_: Round) -> list[Seeing]:
    """Per role (the leader, the superiors, HR, HR readers, the employees), what they may see."""
    if round_.is_mapping:
        return _mapping_seeing(round_)
    policy = round_.visibility
    leader = bool(policy.get("leader", True))
    superior = bool(policy.get("superior"))
    org_admins = bool(policy.get("org_admins"))
    employee_version = bool(policy.get("employee_version"))
    follow_up = follow_up_for_hr(round_)
    rows = [
        Seeing(
            _("Lederen selv"),
            _("Lederen ser sin egen rapport og laver sin dialog og udviklingsplan ud fra den.")
            if leader
            else _("Lederen ser ikke sin egen rapport."),
        ),
        Seeing(
            _("Lederens overordnede ledere"),
            _(
                "Lederens nærmeste overordnede leder og alle ledere længere oppe i linjen – "
                "sådan som organisationen ser ud, når runden åbner – ser lederens rapport, "
                "dialog og udviklingsplan og kan kommentere planen."
            )
            if superior
            else _(
                "De overordnede ledere ser hverken lederens rapport, dialog eller udviklingsplan."
            ),
        ),
        Seeing(_("Organisationens administratorer (HR)"), _hr_text(org_admins, follow_up)),
        Seeing(
            _("HR-læsere"),
            _(
                "HR-læsere ser kun enhedsrapporterne, hvor svarene om flere ledere er lagt "
                "sammen, og aldrig en enkelt leders rapport, uanset rundens regler."
            ),
        ),
    ]
    if not employee_version:
        employees = _(
            "Medarbejderne ser ikke rapporterne, og der er ingen version kun med medarbejdernes "
            "svar at dele med dem."
        )
    elif leader:
        employees = _(
            "Medarbejderne ser ikke rapporterne i Omstil, men lederen kan hente en version kun "
            "med medarbejdernes svar og dele den med dem."
        )
    else:
        employees = _(
            "Medarbejderne ser ikke rapporterne i Omstil, men de, der må se lederens rapport, "
            "kan hente en version kun med medarbejdernes svar og dele den med dem."
        )
    rows.append(Seeing(_("Medarbejderne"), employees))
    return rows


def _hr_text(org_admins: bool, follow_up: bool) -> str:
    """What the organisation's administrators see: the reports, the plans, the follow-up."""
    reports = (
        _(
            "HR ser alle lederrapporterne, kan hente dem samlet som zip-fil og ser "
            "enhedsrapporterne fuldt ud."
        )
        if org_admins
        else _(
            "HR ser ingen enkelt leders rapport, kun enhedsrapporterne, hvor svarene om flere "
            "ledere er lagt sammen, med de tal, som diskretionskontrollen tillader."
        )
    )
    progress = (
        _(
            "I HR's opfølgning ser HR for hver leder, om samtalen med den overordnede, "
            "dialogmødet og udviklingsplanen er gjort – kun status, aldrig indholdet."
        )
        if follow_up
        else _("HR's opfølgning viser ikke, hvor langt den enkelte leder er nået.")
    )
    return " ".join([reports, _("Udviklingsplanerne ser HR kun som antal."), progress])


def _mapping_seeing(round_: Round) -> list[Seeing]:
    """A mapping has no leader reports; who sees its pooled figures is fixed (docs/mapping.md)."""
    return [
        Seeing(
            _("Lederne"),
            _(
                "Hver leder ser kortlægningen for sin egen enhed og enhederne under sig, kun "
                "samlet for grupper, hvor mindst %(minimum)s har svaret."
            )
            % {"minimum": round_.min_group_size},
        ),
        Seeing(
            _("Organisationens administratorer (HR)"),
            _(
                "HR ser kortlægningen for alle enheder og for hele organisationen, kun samlet "
                "for grupper."
            ),
        ),
        Seeing(_("HR-læsere"), _("HR-læsere ser ikke kortlægningen.")),
        Seeing(
            _("Medarbejderne"),
            _(
                "Medarbejderne ser ikke kortlægningen i Omstil. Ingen – heller ikke lederen "
                "eller HR – ser den enkeltes svar."
            ),
        ),
    ]


@dataclass(frozen=True)
class UnitsInScope:
    """The units whose leaders a round evaluates (a mapping: whose teams it maps), by name;
    `whole` when the round takes the whole organisation."""

    whole: bool
    names: list[str]
    text: str


def units_in_scope(round_: Round) -> UnitsInScope:
    """The round's units (`Round.leader_units`) by their names, or the whole organisation."""
    organisation = round_.organisation
    if not round_.leader_units:
        text = (
            _("Hele %(organisation)s: alle teams kortlægges.")
            if round_.is_mapping
            else _("Hele %(organisation)s: lederne i alle enheder evalueres.")
        ) % {"organisation": organisation.name}
        return UnitsInScope(whole=True, names=[], text=text)
    units = {
        unit.path: unit
        for unit in Unit.objects.filter(organisation=organisation, path__in=round_.leader_units)
        .select_related("parent")
        .only("path", "name", "parent__name")
    }
    names = [_name(path, units.get(path)) for path in round_.leader_units]
    # Two units of the same name (each department's "Administration") are told apart by the
    # unit they belong to.
    named = [
        f"{name} ({_parent_name(path, units.get(path))})"
        if names.count(name) > 1 and _parent_name(path, units.get(path))
        else name
        for path, name in zip(round_.leader_units, names, strict=True)
    ]
    text = (
        _("Teams i disse enheder og enhederne under dem kortlægges:")
        if round_.is_mapping
        else _("Lederne i disse enheder og enhederne under dem evalueres:")
    )
    return UnitsInScope(whole=False, names=sorted(named, key=str.casefold), text=text)


def _name(path: str, unit: Unit | None) -> str:
    """A unit's name; a unit no longer in the HR file keeps the last part of its path."""
    return unit.name if unit is not None else path.split(PATH_SEPARATOR)[-1]


def _parent_name(path: str, unit: Unit | None) -> str:
    if unit is not None and unit.parent is not None:
        return unit.parent.name
    parts = path.split(PATH_SEPARATOR)
    return parts[-2] if len(parts) > 1 else ""
