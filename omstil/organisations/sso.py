"""Signing in with the organisation's own login (OpenID Connect), organisation by organisation.

An organisation's `SingleSignOn` names its provider (the issuer), Omstil's client id and secret
there, and the claim that names the person: their e-mail address or employee id. Setting it
discovers the provider's endpoints from `{issuer}/.well-known/openid-configuration`; nothing
is stored unless that succeeds. The secret is stored encrypted with a key derived from
`SECRET_KEY` (and read with `SECRET_KEY_FALLBACKS` too), never shown and never audited.

Coming back from the provider, `person_for_claims` decides who that is: an active person of
that organisation, matched by the claim, whose account may sign in (`accounts.account_for`).
Anyone else is refused with a `Refused` that says why; nobody gets an account on a refusal.
The flow itself (mozilla-django-oidc, set up per organisation) is in `sso_views.py`.
"""

import base64
import ipaddress
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omstil.accounts.models import Membership, User
from omstil.core.audit import audit
from omstil.organisations.accounts import account_for
from omstil.organisations.models import Organisation, Person, SingleSignOn

log = logging.getLogger(__name__)

CLAIMS = tuple(SingleSignOn.Claim.values)
TIMEOUT = 10  # seconds for each request to a provider
# Signing algorithms mozilla-django-oidc verifies, the asymmetric ones first.
ALGORITHMS = ("RS256", "ES256", "RS384", "ES384", "RS512", "ES512", "HS256")
SCOPES = {"email": "openid email", "employee_id": "openid profile"}
_SECRET_SALT = "omstil.organisations.sso.client_secret"  # noqa: S105 - a salt, not a secret


class ConfigurationRefused(Exception):
    """The configuration cannot be used; `message` says why. Nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Why someone coming back from their provider is not signed in: the reason's key (as the
# refusal page and the log name it) and what the person is told.
REASONS = {
    "state": gettext_lazy(
        "Svaret fra login-tjenesten passer ikke til et login, der er begyndt her i browseren. "
        "Det sker, hvis login-siden har været åben længe, hvis du har brugt tilbage-knappen, "
        "eller hvis adressen er blevet ændret undervejs. Begynd forfra på login-siden."
    ),
    "cancelled": gettext_lazy("Du afbrød login hos din organisations login-tjeneste."),
    "provider": gettext_lazy(
        "Din organisations login-tjeneste svarede med en fejl, eller dens svar kunne ikke "
        "godkendes. Prøv igen om lidt; sker det igen, så kontakt din HR- eller IT-afdeling."
    ),
    "missing_claim": gettext_lazy(
        "Login-tjenesten oplyste ikke det, Omstil kender dig på (din e-mailadresse eller dit "
        "medarbejdernummer). Kontakt din HR- eller IT-afdeling."
    ),
    "unverified": gettext_lazy(
        "Login-tjenesten har ikke bekræftet din e-mailadresse. Kontakt din IT-afdeling."
    ),
    "unknown": gettext_lazy(
        "Din organisations HR-oplysninger i Omstil nævner ingen med den e-mailadresse eller det "
        "medarbejdernummer, som login-tjenesten oplyste. Kontakt din HR-afdeling."
    ),
    "ambiguous": gettext_lazy(
        "Flere personer i din organisations HR-oplysninger har den e-mailadresse, som "
        "login-tjenesten oplyste, så Omstil kan ikke vide, hvem du er. Kontakt din HR-afdeling."
    ),
    "left": gettext_lazy(
        "Ifølge din organisations HR-oplysninger er du ikke længere ansat, så du kan ikke logge "
        "ind."
    ),
    "not_allowed": gettext_lazy(
        "Din organisation har ikke givet dig adgang til at logge ind på Omstil. Svarer du på en "
        "evaluering, skal du ikke logge ind: brug linket i din e-mail."
    ),
    "elsewhere": gettext_lazy(
        "Din konto i Omstil bruges også uden for denne organisation, så du kan ikke bruge "
        "organisationens login til den. Log ind med adgangskode eller et link på e-mail."
    ),
}


class Refused(Exception):
    """The person coming back from the provider is not signed in; `reason` is a key of REASONS."""

    def __init__(self, reason: str) -> None:
        assert reason in REASONS, reason
        super().__init__(reason)
        self.reason = reason


# --- The client secret, encrypted at rest ---------------------------------------------------


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac(_SECRET_SALT, "", secret=key, algorithm="sha256").digest()
                )
            )
            for key in keys
        ]
    )


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def client_secret(sso: SingleSignOn) -> str:
    """The client secret in clear, for the token request only."""
    try:
        return _fernet().decrypt(sso.client_secret_encrypted.encode()).decode()
    except InvalidToken:
        # SECRET_KEY was changed without keeping the old one in SECRET_KEY_FALLBACKS.
        log.error("client secret of %s cannot be decrypted", sso.organisation.slug)
        return ""


# --- Configuration --------------------------------------------------------------------------


def redirect_uri() -> str:
    """The address providers send people back to; every organisation registers this one."""
    return settings.BASE_URL + reverse("sso:callback")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, what: str) -> str:
    """`url` if it is an https address (http only on this machine's loopback), else refused."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts, host = urlsplit(""), ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host))
    if not host or not secure or parts.query or parts.fragment or parts.username:
        raise ConfigurationRefused(
            _(
                "%(what)s skal være en fuld https-adresse uden ? og #, "
                "fx https://login.fjordby.dk – ikke “%(url)s”."
            )
            % {"what": what, "url": url}
        )
    return url


@dataclass(frozen=True)
class Discovery:
    """What the provider's discovery document says, as Omstil uses it."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    signing_algorithm: str


def discover(issuer: str) -> Discovery:
    """Read `{issuer}/.well-known/openid-configuration`; ConfigurationRefused if it fails."""
    issuer = check_url(issuer, _("Udstederens adresse"))
    address = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(address, timeout=TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ConfigurationRefused(
            _("Udbyderens oplysninger kunne ikke hentes fra %(address)s: %(reason)s")
            % {"address": address, "reason": _failure(exc)}
        ) from exc
    if not isinstance(document, dict):
        document = {}
    found = str(document.get("issuer", ""))
    if found.rstrip("/") != issuer.rstrip("/"):
        raise ConfigurationRefused(
            _("Udbyderen kalder sig “%(found)s”, ikke “%(issuer)s”. Brug udbyderens egen adresse.")
            % {"found": found, "issuer": issuer}
        )
    endpoints = {}
    for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        value = document.get(key) or ""
        if not isinstance(value, str):
            value = ""
        if value:
            value = check_url(value, f"“{key}”")
        elif key in ("authorization_endpoint", "token_endpoint"):
            raise ConfigurationRefused(_("Udbyderens oplysninger mangler %(key)s.") % {"key": key})
        endpoints[key] = value
    types = document.get("response_types_supported") or ["code"]
    if "code" not in types:
        raise ConfigurationRefused(_("Udbyderen understøtter ikke login med kode (“code”)."))
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithm = next((name for name in ALGORITHMS if name in offered), "")
    if not algorithm:
        raise ConfigurationRefused(
            _("Udbyderen signerer ikke med nogen af %(algorithms)s.")
            % {"algorithms": ", ".join(ALGORITHMS)}
        )
    if algorithm != "HS256" and not endpoints["jwks_uri"]:
        raise ConfigurationRefused(_("Udbyderens oplysninger mangler jwks_uri."))
    return Discovery(issuer=found, signing_algorithm=algorithm, **endpoints)


def _failure(exc: Exception) -> str:
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return _("svaret var %(status)s") % {"status": exc.response.status_code}
    if isinstance(exc, requests.Timeout):
        return _("der kom intet svar")
    if isinstance(exc, requests.ConnectionError):
        return _("der var ingen forbindelse")
    if isinstance(exc, ValueError):
        return _("svaret var ikke JSON")
    return exc.__class__.__name__


@transaction.atomic
def set_single_sign_on(
    organisation: Organisation,
    *,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    claim: str,
    actor: User | None,
) -> SingleSignOn:
    """Turn the organisation's own login on, or change it: all of it, or nothing.

    `client_secret` None keeps the stored one, which is allowed only while the issuer and the
    client id stay the same (a secret is never sent to another provider than it was given for).
    """
    client_id = client_id.strip()
    if not client_id:
        raise ConfigurationRefused(_("Skriv klient-id’et fra udbyderen."))
    if claim not in CLAIMS:
        raise ConfigurationRefused(_("Vælg, hvad personer genkendes på: email eller employee_id."))
    found = discover(issuer)
    sso = SingleSignOn.objects.select_for_update().filter(
        organisation=organisation
    ).first() or SingleSignOn(organisation=organisation)
    same_client = sso.pk is not None and sso.issuer == found.issuer and sso.client_id == client_id
    if not client_secret:
        if not same_client:
            raise ConfigurationRefused(_("Skriv klienthemmeligheden fra udbyderen."))
    else:
        sso.client_secret_encrypted = encrypt_secret(client_secret)
    new = sso.pk is None
    sso.issuer = found.issuer
    sso.client_id = client_id
    sso.claim = claim
    sso.authorization_endpoint = found.authorization_endpoint
    sso.token_endpoint = found.token_endpoint
    sso.userinfo_endpoint = found.userinfo_endpoint
    sso.jwks_uri = found.jwks_uri
    sso.signing_algorithm = found.signing_algorithm
    sso.save()
    audit(
        "organisation.sso_set",
        actor=actor,
        organisation=organisation.slug,
        new=new,
        issuer=sso.issuer,
        client_id=client_id,
        claim=claim,
        secret_changed=bool(client_secret),
    )
    return sso


@transaction.atomic
def turn_off_single_sign_on(organisation: Organisation, *, actor: User | None) -> bool:
    """Turn the organisation's own login off; whether it was on."""
    deleted, _rows = SingleSignOn.objects.filter(organisation=organisation).delete()
    if deleted:
        audit("organisation.sso_off", actor=actor, organisation=organisation.slug)
    return bool(deleted)


def organisations_with_single_sign_on() -> QuerySet[Organisation]:
    """The organisations whose login page offers their own login, by name."""
    return Organisation.objects.filter(single_sign_on__isnull=False).order_by("name")


def get_single_sign_on(slug: str) -> SingleSignOn | None:
    return (
        SingleSignOn.objects.select_related("organisation").filter(organisation__slug=slug).first()
    )


def oidc_settings(sso: SingleSignOn) -> dict[str, Any]:
    """The organisation's provider as the settings mozilla-django-oidc reads (`get_settings`)."""
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": sso.authorization_endpoint,
        "OIDC_OP_TOKEN_ENDPOINT": sso.token_endpoint,
        "OIDC_OP_USER_ENDPOINT": sso.userinfo_endpoint or None,
        "OIDC_OP_JWKS_ENDPOINT": sso.jwks_uri or None,
        "OIDC_RP_CLIENT_ID": sso.client_id,
        "OIDC_RP_CLIENT_SECRET": client_secret(sso),
        "OIDC_RP_SIGN_ALGO": sso.signing_algorithm,
        "OIDC_RP_IDP_SIGN_KEY": None,
        "OIDC_RP_SCOPES": SCOPES[sso.claim],
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_TOKEN_USE_BASIC_AUTH": False,
        "OIDC_VERIFY_SSL": True,
        "OIDC_TIMEOUT": TIMEOUT,
        "OIDC_PROXY": None,
        "OIDC_CREATE_USER": False,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
        "OIDC_REDIRECT_FIELD_NAME": "next",
        "OIDC_REDIRECT_ALLOWED_HOSTS": [],
        "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {},
        "OIDC_STATE_SIZE": 32,
        "OIDC_NONCE_SIZE": 32,
        "OIDC_PKCE_CODE_VERIFIER_SIZE": 64,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_MAX_STATES": 50,
    }


# --- Who comes back -------------------------------------------------------------------------


def person_for_claims(sso: SingleSignOn, claims: dict[str, Any]) -> Person:
    """The active person of the organisation the claims name; Refused for anyone else."""
    value = claims.get(sso.claim)
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise Refused("missing_claim")
    value = str(value).strip()
    people = Person.objects.filter(organisation=sso.organisation).select_related("organisation")
    if sso.claim == SingleSignOn.Claim.EMAIL:
        if claims.get("email_verified") is False:
            raise Refused("unverified")
        people = people.filter(email__iexact=value)
    else:
        people = people.filter(employee_id=value)
    matches = list(people.order_by("pk")[:10])
    active = [person for person in matches if person.active]
    if not matches:
        raise Refused("unknown")
    if not active:
        raise Refused("left")
    if len(active) > 1:
        raise Refused("ambiguous")
    return active[0]


def user_for_person(person: Person) -> User:
    """The account `person` signs in with (made or tied now if need be); Refused if none may.

    An account that is a system administrator, or is someone or administers in another
    organisation, is never signed in by this organisation's login: whoever sets an
    organisation's provider must not gain more than that organisation.
    """
    if person.user is not None and _reaches_beyond(person.user, person.organisation):
        raise Refused("elsewhere")
    with transaction.atomic():  # an account tied here and then refused is not kept
        user = account_for(person)
        if user is None:
            raise Refused("not_allowed")
        if _reaches_beyond(user, person.organisation):
            raise Refused("elsewhere")
    return user


def _reaches_beyond(user: User, organisation: Organisation) -> bool:
    return (
        user.is_superuser
        or Person.objects.filter(user=user, active=True).exclude(organisation=organisation).exists()
        or Membership.objects.filter(user=user).exclude(organisation=organisation).exists()
    )


def signed_in(sso: SingleSignOn, user: User, person: Person) -> None:
    """Audit a sign-in with the organisation's login."""
    audit(
        "account.sso_login",
        actor=user,
        organisation=sso.organisation.slug,
        user=user.pk,
        person=person.pk,
        claim=sso.claim,
    )
