"""Password reset by e-mail for accounts with a password (HR, system administrators).

Django's views and tokens do the work (the link holds the account and a token made from its
password and last login, so it is spent once used; it expires after `PASSWORD_RESET_TIMEOUT`).
Omstil adds: the e-mail goes through the background e-mail task, in the account's language and
with a link under `OMSTIL_BASE_URL`; asking is limited per address and per client; both the
link and the new password are audited. Accounts without a password (sign-in link, SSO) get no
e-mail, and the page after asking reads the same whether or not one was sent.
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
from omstil.core.clients import count_request
from omstil.core.tasks import send_email

PER_ADDRESS_ASKED = 5  # links per e-mail address in an hour
PER_CLIENT = 20  # requests per client address in an hour
WINDOW = 3600


def may_ask(email: str, client: str | None) -> bool:
    """Count one request for a reset link; whether it is within the limits."""
    address = email.strip().lower()
    per_client = count_request(f"omstil:password-reset:client:{client or 'unknown'}", WINDOW)
    per_address = count_request(f"omstil:password-reset:email:{address}", WINDOW)
    return per_client <= PER_CLIENT and per_address <= PER_ADDRESS_ASKED


def send_reset_link(user: User, uid: str, token: str) -> None:
    """Queue the e-mail with the reset link once the transaction commits; audited."""
    url = settings.BASE_URL + reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}
    )
    language = user.language if user.language in ("da", "en") else "da"
    with translation.override(language):
        subject = _("Nulstil din adgangskode til Omstil")
        text = render_to_string(
            "accounts/email/password_reset.txt",
            {
                "name": user.get_full_name(),
                "url": url,
                "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            },
        )
    transaction.on_commit(functools.partial(send_email.enqueue, [user.email], subject, text))
    audit("account.password_reset_link", actor=None, user=user.pk)


def record_reset(user: User) -> None:
    """Audit a new password set through a reset link (the user's other sessions end with it)."""
    audit("account.password_reset", actor=user, user=user.pk)
