"""Two-factor authentication (totrinsbekræftelse): who must use it, and its devices.

Organisation administrators (HR) and system administrators who sign in locally – with a password
or a sign-in link – must confirm each session with a code from an authenticator app (TOTP,
django-otp's TOTP device) or with one of ten recovery codes (django-otp's static device), which
is then spent. A session signed in through the organisation's OpenID Connect provider
(`request.session["omstil_sso"]`) relies on the provider's own two-factor and is not asked.

Codes are checked by django-otp, whose devices throttle wrong codes (1, 2, 4, 8 … seconds
between tries, kept on the device row, so every server process shares it); on top of that an
account may try `ATTEMPTS` codes per `WINDOW`. Every change to a user's devices is audited,
never with a key or a code.
"""

import base64
import re
from dataclasses import dataclass
from enum import Enum

import segno
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import verify_token
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from omstil.accounts.models import Membership, User
from omstil.core.audit import audit
from omstil.core.clients import count_request

SSO_SESSION_KEY = "omstil_sso"
RECOVERY_CODES = 10
ATTEMPTS = 10  # codes an account may try in a window, right or wrong
WINDOW = 15 * 60
APP_DEVICE_NAME = "Godkendelsesapp"
RECOVERY_DEVICE_NAME = "Gendannelseskoder"


class Step(Enum):
    """What a signed-in session still owes before it may see Omstil's pages."""

    NONE = "none"
    SET_UP = "set_up"
    VERIFY = "verify"


def is_required(user: User, session: SessionBase) -> bool:
    """Whether this locally signed-in administrator must use two-factor in this session."""
    if not settings.OMSTIL_TWO_FACTOR_REQUIRED or not user.is_active:
        return False
    if session.get(SSO_SESSION_KEY):
        return False
    return user.is_system_admin or user.memberships.filter(role=Membership.Role.ADMIN).exists()


def app_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def step_owed(user: User, session: SessionBase, verified: bool) -> Step:
    """Set-up when a user who needs two-factor has no app yet, verify when this session has
    not given a code; nothing otherwise (`verified` is django-otp's `user.is_verified()`)."""
    if verified or not is_required(user, session):
        return Step.NONE
    return Step.VERIFY if app_device(user) is not None else Step.SET_UP


def pending_device(user: User) -> TOTPDevice:
    """The app being set up: one unconfirmed device, kept until confirmed so that reloading
    the set-up page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no script, no image file)."""
    svg: str = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff"
    )
    return svg


def secret_text(device: TOTPDevice) -> str:
    """The key in Base32, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@dataclass
class CodeRefused(Exception):
    """A code was not accepted; `message` says why in the user's language."""

    message: str


def _normalised(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def _refuse_unless_allowed(user: User, device: Device) -> None:
    """Count the attempt for the account; refuse it while the account or device waits."""
    if count_request(f"omstil:two-factor:user:{user.pk}", WINDOW) > ATTEMPTS:
        raise CodeRefused(
            _("Der er forsøgt for mange koder. Vent %(minutes)s minutter, og prøv igen.")
            % {"minutes": WINDOW // 60}
        )
    allowed, details = device.verify_is_allowed()
    if not allowed and details and details.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        seconds = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
        raise CodeRefused(
            ngettext(
                "Efter hver forkert kode bliver ventetiden længere. Prøv igen om %(seconds)s "
                "sekund.",
                "Efter hver forkert kode bliver ventetiden længere. Prøv igen om %(seconds)s "
                "sekunder.",
                seconds,
            )
            % {"seconds": seconds}
        )


def _check(user: User, device: Device, code: str, *, setting_up: bool = False) -> None:
    _refuse_unless_allowed(user, device)
    if verify_token(user, device.persistent_id, code) is not None:
        return
    if setting_up:
        raise CodeRefused(
            _(
                "Koden passer ikke. Skriv den kode, appen viser lige nu; der kommer en ny hvert "
                "30. sekund."
            )
        )
    raise CodeRefused(
        _(
            "Koden passer ikke, eller den er allerede brugt. Skriv den kode, din app viser lige "
            "nu, eller en af dine gendannelseskoder."
        )
    )


def confirm_app(user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app being set up with a code from it; the ten new recovery codes, which are
    shown this once. CodeRefused when the code does not fit."""
    _check(user, device, _normalised(code), setting_up=True)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        audit("account.two_factor.set_up", actor=user, user=user.pk)
        return _new_recovery_codes(user)


def verify(user: User, code: str) -> Device:
    """The device that accepts `code`: six digits go to the app, anything else is taken as a
    recovery code, which is spent. CodeRefused when neither takes it."""
    code = _normalised(code)
    app = app_device(user)
    if app is None:
        raise CodeRefused(_("Totrinsbekræftelse er ikke sat op."))
    if re.fullmatch(r"\d{6}", code):
        _check(user, app, code)
        return app
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is None:
        raise CodeRefused(_("Du har ingen gendannelseskoder. Brug koden fra din app."))
    _check(user, recovery, code)
    audit(
        "account.two_factor.recovery_code_used",
        actor=user,
        user=user.pk,
        remaining=recovery.token_set.count(),
    )
    return recovery


def recovery_codes_left(user: User) -> int:
    """How many unspent recovery codes the user has."""
    left: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return left


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes in place of the old ones (all of which stop working)."""
    codes = _new_recovery_codes(user)
    audit("account.two_factor.recovery_codes", actor=user, user=user.pk, codes=len(codes))
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    # The device stays, so a session verified with one of the old codes stays verified.
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def shown(code: str) -> str:
    """A recovery code as it is shown: two groups of four, easier to copy by hand."""
    return f"{code[:4]}-{code[4:]}"


@transaction.atomic
def reset(user: User, *, actor: User | None) -> bool:
    """Remove the user's app and recovery codes, so they set two-factor up again at their next
    page (a session verified by the app is no longer); whether they had any. `actor` is the user
    themself, or None for the command line."""
    removed = sum(
        model.objects.filter(user=user).delete()[0] for model in (TOTPDevice, StaticDevice)
    )
    if removed:
        audit("account.two_factor.reset", actor=actor, user=user.pk)
    return bool(removed)
