"""The invitation and reminder e-mails: plain text and HTML, in the respondent's language."""

import functools

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from omstil.rounds import tokens
from omstil.rounds.models import Invitation, Round


def respondent_url(round_: Round, invitation: Invitation) -> str:
    """The one personal link of an invitation (the same in every e-mail of the round)."""
    token = tokens.token_for(
        round_.token_salt,
        invitation.person_id,
        invitation.leader.employee_id,
        invitation.rater_group,
    )
    return settings.BASE_URL + reverse("responses:start", args=[token])


@functools.lru_cache(maxsize=64)
def _minutes(round_id: int, opened: object) -> int:
    """The time to answer, once per round (and opening) in a process, not once per e-mail."""
    return Round.objects.get(pk=round_id).minutes_to_answer()


def build_message(round_: Round, invitation: Invitation, reminder: bool) -> EmailMultiAlternatives:
    language = invitation.language if invitation.language in ("da", "en") else "da"
    with translation.override(language):
        context = {
            "round": round_,
            "invitation": invitation,
            "leader": invitation.leader,
            "url": respondent_url(round_, invitation),
            "reminder": reminder,
            "organisation": round_.organisation,
            "language": language,
            "minutes": _minutes(round_.pk, round_.opened_at),
        }
        if round_.is_mapping:
            subject = _("Kortlægning af dine digitale kompetencer: %(round)s") % {
                "round": round_.name
            }
        elif invitation.rater_group == "self":
            subject = _("Evaluering af din ledelse: %(round)s") % {"round": round_.name}
        else:
            subject = _("Evaluering af %(leader)s: %(round)s") % {
                "leader": invitation.leader.name,
                "round": round_.name,
            }
        if reminder:
            subject = _("Påmindelse: %(subject)s") % {"subject": subject}
        text = render_to_string("rounds/email/invitation.txt", context)
        html = render_to_string("rounds/email/invitation.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    return message
