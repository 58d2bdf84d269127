"""HR tells the leaders of a closed round that their reports are ready, with a way to sign in.

Each evaluated leader who may read their own report under the round's policy gets one e-mail,
in their language, with a sign-in link that leads to the report (`organisations.signin`,
the longer-lived kind), or, where the organisation signs in with its own login, a link to the
report that starts there. A leader whose account is closed, or whom the HR file no longer
names, gets nothing. Sending again is allowed (a leader may have lost the mail); each sending
is audited with how many were sent.
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
from omstil.organisations.accounts import account_for, may_sign_in, superiors_of
from omstil.organisations.signin import link_for
from omstil.rounds.models import EvaluatedLeader, Round

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


@transaction.atomic
def send_report_ready(round_: Round, *, actor: User) -> int:
    """Send every leader of `round_` who may read their report the e-mail; how many were sent."""
    if not may_send(round_):
        return 0
    has_sso = hasattr(round_.organisation, "single_sign_on")
    sent = 0
    leaders = EvaluatedLeader.objects.filter(round=round_, person__active=True).select_related(
        "person__organisation", "person__user"
    )
    superiors = superiors_of(round_.organisation)
    for leader in leaders:
        # The policy lets every leader read their own report (`may_send`), so each leader the
        # HR file still lets sign in, with an open account, may read theirs.
        if not may_sign_in(leader.person, superiors):
            continue
        user = leader.person.user or account_for(leader.person)
        if user is None or not user.is_active:
            continue
        report = reverse("reports:leader", args=[round_.pk, leader.employee_id])
        if has_sso:
            url = settings.BASE_URL + reverse("accounts:login") + "?next=" + report
        else:
            url = link_for(user, report_ready=True, next_path=report)
        language = leader.person.language if leader.person.language in ("da", "en") else "da"
        with translation.override(language):
            subject = _("Din rapport er klar")
            text = render_to_string(
                "reports/email/report_ready.txt",
                {
                    "name": leader.name,
                    "round": round_.name,
                    "organisation": round_.organisation.name,
                    "url": url,
                    "sign_in_link": not has_sso,
                    "hours": settings.OMSTIL_REPORT_READY_LINK_HOURS,
                },
            )
        transaction.on_commit(functools.partial(send_email.enqueue, [user.email], subject, text))
        sent += 1
    audit(EVENT, actor=actor, organisation=round_.organisation.slug, round=round_.pk, sent=sent)
    return sent
