"""The invitation and reminder e-mails: plain text and HTML, in the respondent's language."""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from omstil.rounds import tokens
from omstil.rounds.models import COMPETENCE_GROUP, EvaluatedLeader, Invitation, Round


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


def build_message(
    round_: Round, invitation: Invitation, reminder: bool, *, url: str | None = None
) -> EmailMultiAlternatives:
    """The e-mail of an invitation; `url` stands in for its personal link (HR's preview of a
    draft, whose invitations have no tokens yet)."""
    language = invitation.language if invitation.language in ("da", "en") else "da"
    with translation.override(language):
        context = {
            "round": round_,
            "invitation": invitation,
            "leader": invitation.leader,
            "url": respondent_url(round_, invitation) if url is None else url,
            "reminder": reminder,
            "organisation": round_.organisation,
            "language": language,
            # A draft can still change its statements: counted afresh, not from the cache.
            "minutes": (
                round_.minutes_to_answer()
                if round_.opened_at is None
                else _minutes(round_.pk, round_.opened_at)
            ),
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


@dataclass
class SampleMessage:
    """One e-mail of a round as HR previews it: built by `build_message`, never sent.

    The texts come from templates rendered for an e-mail (marked safe, the plain text not
    escaped): a page shows them with `force_escape`, never as they are.
    """

    language: str
    reminder: bool
    subject: str
    text: str
    html: str


def sample_messages(round_: Round) -> list[SampleMessage]:
    """The invitation and the reminder in Danish and English, to a sample respondent about a
    sample leader, with a link that is visibly an example. Nothing is saved, no token is made."""
    group = COMPETENCE_GROUP if round_.is_mapping else "employee"
    samples = []
    for language in ("da", "en"):
        with translation.override(language):
            leader = EvaluatedLeader(round=round_, name=_("Leder Eksempel"))
            invitation = Invitation(
                round=round_,
                name=_("Medarbejder Eksempel"),
                email="medarbejder@example.invalid",
                language=language,
                leader=leader,
                rater_group=group,
            )
            url = settings.BASE_URL + reverse("responses:start", args=[_("EKSEMPEL")])
        for reminder in (False, True):
            message = build_message(round_, invitation, reminder, url=url)
            html = next(
                (
                    str(content)
                    for content, mimetype in message.alternatives
                    if mimetype == "text/html"
                ),
                "",
            )
            samples.append(
                SampleMessage(language, reminder, str(message.subject), str(message.body), html)
            )
    return samples
