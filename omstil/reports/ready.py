"""The leaders of a closed round, and their superiors, are told that the reports are ready.

When a round closes with `announce_reports` on (the default), and again whenever HR presses the
button on the round page (a leader may have lost the mail), each evaluated leader who may read
their own report under the round's policy gets one e-mail in their language; a leader with fewer
employee answers than the minimum group size is told why the report has no employee figures.
Where the policy lets superiors read the reports of the leaders below them, each nearest superior
the frozen reporting lines name gets one e-mail listing those leaders, leading to "Ledere, du er
overordnet for". The links sign in (`organisations.signin`, the longer-lived kind) or, where the
organisation signs in with its own login, start there. Nobody whose account is closed, or whom
the HR file no longer names, gets anything. Each sending is audited with how many were sent.
"""

import functools

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from omstil.accounts.models import User
from omstil.core.audit import audit
from omstil.core.tasks import send_email
from omstil.organisations.accounts import superiors_of
from omstil.organisations.models import Person
from omstil.organisations.signin import mail_account, mail_language, mail_link
from omstil.rounds.models import EvaluatedLeader, Participation, Round

# The round page reads when it was last sent from the audit log (core.audit.last_entry).
EVENT = "report.ready_sent"


def may_send(round_: Round) -> bool:
    """Reports are ready to announce: the round is a closed evaluation whose policy lets each
    leader read their own report."""
    return (
        round_.status == Round.Status.CLOSED
        and not round_.is_mapping
        and bool(round_.visibility.get("leader", True))
    )


def _few_answered(round_: Round) -> set[int]:
    """The leaders (by pk) whose employees answered fewer than the minimum group size: their
    reports show no employee figures, whatever else is shown."""
    if "employee" not in round_.rater_groups:
        return set()
    answered = dict(
        Participation.objects.filter(round=round_, rater_group="employee").values_list(
            "leader_id", "completed"
        )
    )
    return {
        leader_id
        for leader_id in round_.leaders.values_list("pk", flat=True)
        if answered.get(leader_id, 0) < round_.min_group_size
    }


def _queue(user: User, subject: str, text: str) -> None:
    transaction.on_commit(functools.partial(send_email.enqueue, [user.email], subject, text))


@transaction.atomic
def send_report_ready(round_: Round, *, actor: User | None) -> int:
    """E-mail every leader of `round_` who may read their report, and every nearest superior
    who may read theirs; how many e-mails were sent."""
    if not may_send(round_):
        return 0
    organisation = round_.organisation
    has_sso = hasattr(organisation, "single_sign_on")
    superiors = superiors_of(organisation)
    few = _few_answered(round_)
    leaders = list(
        EvaluatedLeader.objects.filter(round=round_).select_related(
            "person__organisation", "person__user"
        )
    )
    sent = 0
    for leader in leaders:
        if leader.person is None:  # deleted (docs/privacy.md): nobody to tell
            continue
        # The policy lets every leader read their own report (`may_send`), so each leader the
        # HR file still lets sign in, with an open account, may read theirs.
        user = mail_account(leader.person, superiors)
        if user is None:
            continue
        report = reverse("reports:leader", args=[round_.pk, leader.employee_id])
        with translation.override(mail_language(leader.person)):
            text = render_to_string(
                "reports/email/report_ready.txt",
                {
                    "name": leader.name,
                    "round": round_.name,
                    "organisation": organisation.name,
                    "url": mail_link(user, has_sso, report),
                    "sign_in_link": not has_sso,
                    "hours": settings.OMSTIL_REPORT_READY_LINK_HOURS,
                    "few": leader.pk in few and "employee" in round_.rater_groups,
                    "minimum": round_.min_group_size,
                },
            )
            _queue(user, _("Din rapport er klar"), text)
        sent += 1
    superiors_sent = (
        _send_superiors(round_, leaders, has_sso, superiors)
        if (round_.visibility.get("superior"))
        else 0
    )
    audit(
        EVENT,
        actor=actor,
        organisation=organisation.slug,
        round=round_.pk,
        sent=sent,
        superiors=superiors_sent,
    )
    return sent + superiors_sent


def _send_superiors(
    round_: Round, leaders: list[EvaluatedLeader], has_sso: bool, superiors: set[str]
) -> int:
    """One e-mail to each nearest superior, naming the leaders whose reports are ready."""
    below: dict[str, list[EvaluatedLeader]] = {}
    for leader in leaders:
        if leader.superior_employee_id and leader.superior_employee_id != leader.employee_id:
            below.setdefault(leader.superior_employee_id, []).append(leader)
    people = Person.objects.filter(
        organisation=round_.organisation, employee_id__in=below, active=True
    ).select_related("organisation", "user")
    path = reverse("development:superior")
    sent = 0
    for person in people:
        user = mail_account(person, superiors)
        if user is None:
            continue
        with translation.override(mail_language(person)):
            text = render_to_string(
                "reports/email/superior_ready.txt",
                {
                    "name": person.name,
                    "round": round_.name,
                    "organisation": round_.organisation.name,
                    "leaders": sorted(leader.name for leader in below[person.employee_id]),
                    "url": mail_link(user, has_sso, path),
                    "sign_in_link": not has_sso,
                    "hours": settings.OMSTIL_REPORT_READY_LINK_HOURS,
                },
            )
            _queue(user, _("Dine lederes rapporter er klar"), text)
        sent += 1
    return sent


def announce_on_close(sender: object, round: Round, actor: User | None, **kwargs: object) -> None:
    """When a round closes with `announce_reports` on, send the e-mails (`send_report_ready`)."""
    if round.announce_reports and may_send(round):
        send_report_ready(round, actor=actor)
