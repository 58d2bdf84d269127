"""Sign-in links: a person the HR file names signs in with a one-time, short-lived link by e-mail.

Whether the address is known is never told: the page after asking reads the same, and an
unknown address gets no e-mail. A link holds the account and a token made from the account's
state (Django's password-reset tokens under a key of their own), so signing in once – which
sets the time of the last login – spends it; it also expires after `OMSTIL_SIGN_IN_LINK_MINUTES`.
Requests are limited per address asked for and per client address.
"""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from omstil.accounts.models import User
from omstil.core.audit import audit
from omstil.core.clients import count_request
from omstil.core.tasks import send_email
from omstil.organisations.accounts import account_for, may_sign_in
from omstil.organisations.models import Person

PER_ADDRESS_ASKED = 5  # links per e-mail address in an hour
PER_CLIENT = 20  # requests per client address in an hour
WINDOW = 3600


class SignInLinkTokens(PasswordResetTokenGenerator):
    """Tokens for sign-in links: spent by signing in, and short-lived."""

    key_salt = "omstil.organisations.signin.SignInLinkTokens"

    def lifetime(self) -> int:
        return int(settings.OMSTIL_SIGN_IN_LINK_MINUTES) * 60

    def check_token(self, user: User | None, token: str | None) -> bool:
        if user is None or not token or not super().check_token(user, token):
            return False
        made = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - made <= self.lifetime()


class ReportReadyTokens(SignInLinkTokens):
    """Tokens for the link in HR's "your report is ready" e-mail: spent by signing in, like
    every sign-in link, but kept for `OMSTIL_REPORT_READY_LINK_HOURS`, as such a mail is
    often read the next day. A key of its own, so neither kind passes for the other."""

    key_salt = "omstil.organisations.signin.ReportReadyTokens"

    def lifetime(self) -> int:
        return int(settings.OMSTIL_REPORT_READY_LINK_HOURS) * 3600


tokens = SignInLinkTokens()
report_ready_tokens = ReportReadyTokens()


def named_person(email: str) -> Person | None:
    """An active person with this e-mail address in some organisation's HR file, who may sign
    in (`omstil/organisations/accounts.py`); the first of them when several organisations
    name the same address."""
    people = (
        Person.objects.filter(email__iexact=email.strip(), active=True)
        .select_related("organisation")
        .order_by("pk")
    )
    return next((person for person in people if may_sign_in(person)), None)


def link_for(user: User, *, report_ready: bool = False, next_path: str = "") -> str:
    """The one-time sign-in link for `user`, under `OMSTIL_BASE_URL`; `report_ready` makes
    the longer-lived kind HR sends when reports are ready, `next_path` where it leads."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    generator = report_ready_tokens if report_ready else tokens
    url = settings.BASE_URL + reverse(
        "signin:link", kwargs={"uid": uid, "token": generator.make_token(user)}
    )
    return url + ("?" + urlencode({"next": next_path}) if next_path else "")


@transaction.atomic
def request_link(email: str, client: str | None) -> bool:
    """Send a sign-in link to `email` if the HR file names it; whether one was sent (for tests
    and the audit trail only: the asker is told the same either way)."""
    address = email.strip().lower()
    allowed = count_request(
        f"omstil:signin:client:{client or 'unknown'}", WINDOW
    ) <= PER_CLIENT and count_request(f"omstil:signin:email:{address}", WINDOW) <= (
        PER_ADDRESS_ASKED
    )
    person = named_person(address) if allowed else None
    user = account_for(person) if person is not None else None
    if person is None or user is None:
        return False
    language = person.language if person.language in ("da", "en") else "da"
    with translation.override(language):
        subject = _("Dit link til at logge ind på Omstil")
        text = render_to_string(
            "organisations/email/sign_in.txt",
            {
                "name": person.name,
                "url": link_for(user),
                "minutes": settings.OMSTIL_SIGN_IN_LINK_MINUTES,
            },
        )
    transaction.on_commit(functools.partial(send_email.enqueue, [user.email], subject, text))
    audit("account.sign_in_link", actor=None, organisation=person.organisation.slug, user=user.pk)
    return True


def user_of_link(uid: str, token: str) -> User | None:
    """The account a link signs in, while the link is unspent and its person still named."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not (
        tokens.check_token(user, token) or report_ready_tokens.check_token(user, token)
    ):
        return None
    if not any(may_sign_in(person) for person in user.people.filter(active=True)):
        return None
    return user


def mail_link(user: User, has_sso: bool, path: str) -> str:
    """A link to `path` in an e-mail Omstil sends on its own (report ready, follow-up, list
    check): through the organisation's own login where it has one, else a sign-in link of the
    longer-lived kind."""
    if has_sso:
        return settings.BASE_URL + reverse("accounts:login") + "?" + urlencode({"next": path})
    return link_for(user, report_ready=True, next_path=path)


def mail_language(person: Person) -> str:
    """The language of e-mails to `person`: theirs from the HR file, Danish otherwise."""
    return person.language if person.language in ("da", "en") else "da"


def mail_account(person: Person, superiors: set[str]) -> User | None:
    """The open account a person signs in with, if the HR file lets them sign in."""
    if not may_sign_in(person, superiors):
        return None
    user = person.user or account_for(person)
    return user if user is not None and user.is_active else None
