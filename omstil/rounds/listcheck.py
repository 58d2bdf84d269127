"""Leaders check their respondent lists before a round opens (PRODUCT.md, step 1).

While a round is a draft, HR can give the leaders it will evaluate a period, until a day HR
chooses, in which each leader sees whom the round will invite to answer about them – the names of
their own employees only, as the organisation stands now (`services.round_plan`) – and can report
an error in their own words. HR sees the reports on the round page, fixes the HR data (a new
import or sync) and marks them resolved; the round opens on the corrected organisation, since
opening plans afresh. Each leader is e-mailed once when the check starts. Every change is atomic
and audited; which employees a list held is never stored.
"""

import functools
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from omstil.accounts.models import User
from omstil.core.audit import audit
from omstil.core.tasks import send_email
from omstil.organisations.accounts import superiors_of
from omstil.organisations.models import Person
from omstil.organisations.signin import mail_account, mail_language, mail_link
from omstil.rounds.chain import people_of
from omstil.rounds.models import ListCorrection, Round
from omstil.rounds.services import PlannedLeader, RoundInvalid, round_plan

MAX_TEXT = 2000


def is_open(round_: Round, today: date | None = None) -> bool:
    """Whether the leaders may check their lists now: a draft evaluation with a check running."""
    today = today or timezone.localdate()
    return (
        round_.status == Round.Status.DRAFT
        and not round_.is_mapping
        and round_.list_check_until is not None
        and today <= round_.list_check_until
    )


@transaction.atomic
def start_list_check(round_: Round, until: date | None, *, actor: User | None) -> int:
    """Let the round's leaders check their lists until `until`, and e-mail each of them once;
    how many were e-mailed. Moving the day of a running check e-mails nobody again."""
    round_ = (
        Round.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=round_.pk)
    )
    errors = []
    if round_.status != Round.Status.DRAFT:
        errors.append(_("Lederne kan kun tjekke deres lister, før runden åbner."))
    if round_.is_mapping:
        errors.append(_("En kortlægning har ingen lister for lederne at tjekke."))
    if until is None:
        errors.append(_("Angiv, til og med hvilken dag lederne kan tjekke deres lister."))
    elif until < timezone.localdate():
        errors.append(_("Dagen kan ikke ligge før i dag."))
    if errors:
        raise RoundInvalid(errors)
    assert until is not None
    running = round_.list_check_until is not None
    round_.list_check_until = until
    round_.save(update_fields=["list_check_until"])
    sent = 0 if running else _announce(round_)
    audit(
        "round.list_check",
        actor=actor,
        organisation=round_.organisation.slug,
        round=round_.pk,
        until=until.isoformat(),
        sent=sent,
    )
    return sent


def _announce(round_: Round) -> int:
    organisation = round_.organisation
    has_sso = hasattr(organisation, "single_sign_on")
    superiors = superiors_of(organisation)
    path = reverse("list_check", args=[round_.pk])
    sent = 0
    for planned in round_plan(round_).leaders:
        user = mail_account(planned.person, superiors)
        if user is None:
            continue
        with translation.override(mail_language(planned.person)):
            text = render_to_string(
                "rounds/email/list_check.txt",
                {
                    "name": planned.person.name,
                    "round": round_.name,
                    "organisation": organisation.name,
                    "until": round_.list_check_until,
                    "url": mail_link(user, has_sso, path),
                    "sign_in_link": not has_sso,
                    "hours": settings.OMSTIL_REPORT_READY_LINK_HOURS,
                },
            )
            subject = _("Tjek, hvem der bliver spurgt om din ledelse")
        transaction.on_commit(functools.partial(send_email.enqueue, [user.email], subject, text))
        sent += 1
    return sent


@dataclass(frozen=True)
class OwnList:
    """What one leader sees: whom the round would invite about them, and what they reported."""

    round: Round
    leader: PlannedLeader
    corrections: list[ListCorrection]

    @property
    def employees(self) -> list[str]:
        """The names of the employees the round would ask, alphabetically."""
        return sorted(
            (person.name for person, _family in self.leader.raters.get("employee", [])),
            key=str.casefold,
        )


def own_lists(user: AbstractBaseUser | AnonymousUser) -> list[OwnList]:
    """Every draft with a check running in which `user` is a leader the round would evaluate."""
    if not isinstance(user, User) or not user.is_active:
        return []
    mine = people_of(user)
    # Only leaders are evaluated: for anyone else, no organisation is planned.
    organisations = set(
        Person.objects.filter(pk__in=mine, is_leader=True).values_list("organisation_id", flat=True)
    )
    if not organisations:
        return []
    drafts = Round.objects.filter(
        organisation_id__in=organisations,
        status=Round.Status.DRAFT,
        kind=Round.Kind.EVALUATION,
        list_check_until__gte=timezone.localdate(),
    ).select_related("organisation")
    found = []
    for round_ in drafts:
        for planned in round_plan(round_).leaders:
            if planned.person.pk in mine:
                corrections = list(
                    ListCorrection.objects.filter(
                        round=round_, leader_employee_id=planned.person.employee_id
                    )
                )
                found.append(OwnList(round_, planned, corrections))
    return found


def get_own_list(user: AbstractBaseUser | AnonymousUser, round_id: int) -> OwnList:
    """The user's own list in the round, while its check runs; else 404."""
    for own in own_lists(user):
        if own.round.pk == round_id:
            return own
    raise Http404(round_id)


@transaction.atomic
def report_correction(own: OwnList, text: str, *, actor: User) -> ListCorrection:
    """The leader says what is wrong with their list, in their own words."""
    text = text.strip()
    errors = []
    if not text:
        errors.append(
            _("Skriv, hvad der er forkert: hvem der mangler, eller hvem der ikke hører til.")
        )
    elif len(text) > MAX_TEXT:
        errors.append(_("Beskeden må højst fylde %(max)s tegn.") % {"max": MAX_TEXT})
    round_ = Round.objects.select_for_update(of=("self",)).get(pk=own.round.pk)
    if not is_open(round_):
        errors.append(_("Tjekket af listerne er slut."))
    if errors:
        raise RoundInvalid(errors)
    correction = ListCorrection.objects.create(
        round=round_,
        leader_employee_id=own.leader.person.employee_id,
        leader_name=own.leader.person.name,
        text=text,
    )
    audit(
        "round.list_correction",
        actor=actor,
        organisation=own.round.organisation.slug,
        round=round_.pk,
        leader=own.leader.person.employee_id,
        correction=correction.pk,
    )
    return correction


@transaction.atomic
def resolve_correction(round_: Round, correction_id: int, *, actor: User | None) -> None:
    """HR marks a leader's report as dealt with (the HR data is fixed)."""
    correction = (
        ListCorrection.objects.select_for_update()
        .filter(round=round_, pk=correction_id, resolved_at__isnull=True)
        .first()
    )
    if correction is None:
        raise Http404(correction_id)
    correction.resolved_at = timezone.now()
    correction.resolved_by = actor
    correction.save(update_fields=["resolved_at", "resolved_by"])
    audit(
        "round.list_correction.resolve",
        actor=actor,
        organisation=round_.organisation.slug,
        round=round_.pk,
        correction=correction.pk,
    )
