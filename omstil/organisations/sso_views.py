"""Signing in with the organisation's own login, and HR's page that sets it up.

mozilla-django-oidc is built for one provider named in the settings. Here its request view
and backend read them instead from the organisation being signed in to (`get_settings`,
from `sso.oidc_settings`): the request view learns the organisation from the address and
keeps it in the session beside the flow's state; the callback finds it there by the state.
The callback calls that organisation's backend itself rather than through Django's
`authenticate` (the backend is in no AUTHENTICATION_BACKENDS, so a password login never
reaches it), so that every refusal keeps its reason for the page that explains it.
"""

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from django import forms
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from omstil.accounts.access import acting_user
from omstil.accounts.models import User
from omstil.organisations.access import get_administered_organisation, require_system_admin
from omstil.organisations.models import Person, SingleSignOn
from omstil.organisations.sso import (
    REASONS,
    ConfigurationRefused,
    Refused,
    get_single_sign_on,
    oidc_settings,
    person_for_claims,
    redirect_uri,
    set_single_sign_on,
    signed_in,
    turn_off_single_sign_on,
    user_for_person,
)

log = logging.getLogger(__name__)

FLOWS = "omstil_sso_flows"  # state → organisation slug, for the flows begun in this session
SIGNED_IN = "omstil_sso"  # the organisation whose login signed this session in (two-factor)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _setting(values: dict[str, Any], attr: str, default: tuple[Any, ...]) -> Any:
    """One of the organisation's settings; never Django's, which name no provider."""
    if attr in values:
        return values[attr]
    if default:
        return default[0]
    raise ImproperlyConfigured(f"{attr} is not an organisation's OpenID Connect setting")


class OrganisationBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """mozilla-django-oidc's backend for one organisation's provider.

    Beyond the library's checks (signature against the provider's keys, nonce), the ID token
    must come from the organisation's issuer, be meant for Omstil's client id and carry an
    expiry; claims from the userinfo endpoint count only for the ID token's subject.
    """

    def __init__(self, sso: SingleSignOn) -> None:
        self.sso = sso
        self.values = oidc_settings(sso)
        self.person: Person | None = None
        super().__init__()

    def get_settings(self, attr: str, *args: Any) -> Any:
        return _setting(self.values, attr, args)

    def get_token(self, payload: dict[str, Any]) -> Any:
        # The registered redirect URI under BASE_URL, whatever host the request came by.
        payload["redirect_uri"] = redirect_uri()
        return super().get_token(payload)

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
                raise Refused("provider")
            claims.update(info)
        return claims

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if (
            payload.get("iss") != self.sso.issuer
            or self.sso.client_id not in audiences
            or (len(audiences) > 1 and payload.get("azp") != self.sso.client_id)
            or "exp" not in payload
            or not payload.get("sub")
        ):
            raise Refused("provider")
        claims = self.get_userinfo(access_token, id_token, payload)
        self.person = person_for_claims(self.sso, claims)
        return user_for_person(self.person)

    def create_user(self, claims: dict[str, Any]) -> User:
        raise AssertionError("accounts are made only for people the HR file names")


class OrganisationSignInView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Send the visitor to the organisation's provider, remembering the flow in the session."""

    def __init__(self, **kwargs: Any) -> None:
        # The library reads its provider here; ours is known only once the request names it.
        View.__init__(self, **kwargs)

    def get_settings(self, attr: str, *args: Any) -> Any:
        return _setting(self.values, attr, args)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        return {"redirect_uri": redirect_uri()}

    def get(self, request: HttpRequest, slug: str) -> HttpResponseBase:
        sso = get_single_sign_on(slug)
        if sso is None:
            raise Http404(slug)
        self.values = oidc_settings(sso)
        self.OIDC_OP_AUTH_ENDPOINT = sso.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = sso.client_id
        response: HttpResponseBase = super().get(request)
        (state,) = parse_qs(urlsplit(response["Location"]).query)["state"]
        known = request.session.get("oidc_states") or {}
        flows = request.session.get(FLOWS)
        flows = {key: value for key, value in (flows or {}).items() if key in known}
        flows[state] = sso.organisation.slug
        request.session[FLOWS] = flows
        return response


class OrganisationCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """Coming back from the provider: sign in the person the claim names, or say why not."""

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        flows = request.session.get(FLOWS) or {}
        states = request.session.get("oidc_states") or {}
        slug = flows.pop(state, None) if isinstance(flows, dict) else None
        flow = states.pop(state, None) if isinstance(states, dict) else None
        # The state is spent whatever happens next, so that no answer can be replayed.
        request.session[FLOWS] = flows
        request.session["oidc_states"] = states
        sso = get_single_sign_on(slug) if slug else None
        if sso is None or not isinstance(flow, dict):
            return refuse(request, "state", None)
        error = request.GET.get("error")
        if error:
            return refuse(request, "cancelled" if error == "access_denied" else "provider", sso)
        if not request.GET.get("code"):
            return refuse(request, "provider", sso)
        request.session.save()
        backend = OrganisationBackend(sso)
        try:
            user = backend.authenticate(
                request, nonce=flow.get("nonce"), code_verifier=flow.get("code_verifier")
            )
        except Refused as exc:
            return refuse(request, exc.reason, sso)
        except (
            requests.RequestException,
            SuspiciousOperation,
            jwt.PyJWTError,
            ValueError,
            KeyError,
            TypeError,
        ) as exc:
            log.warning(
                "sso provider answer refused org=%s error=%s",
                sso.organisation.slug,
                exc.__class__.__name__,
            )
            return refuse(request, "provider", sso)
        if not isinstance(user, User) or not user.is_active or backend.person is None:
            return refuse(request, "provider", sso)
        target = request.session.get("oidc_login_next") or resolve_url(settings.LOGIN_REDIRECT_URL)
        with transaction.atomic():
            auth.login(request, user, backend=MODEL_BACKEND)
            request.session[SIGNED_IN] = sso.organisation.slug
            request.session.pop("oidc_login_next", None)
            signed_in(sso, user, backend.person)
        return redirect(target)


def refuse(request: HttpRequest, reason: str, sso: SingleSignOn | None) -> HttpResponse:
    """The page that says why the visitor was not signed in (403); nothing else changes."""
    log.info("sso refused reason=%s org=%s", reason, sso.organisation.slug if sso else "-")
    return render(
        request,
        "organisations/signin/refused.html",
        {"reason": REASONS[reason], "organisation": sso.organisation if sso else None},
        status=403,
    )


# --- HR's page ------------------------------------------------------------------------------


class SingleSignOnForm(forms.Form):
    """The organisation's provider; the secret is write-only."""

    issuer = forms.CharField(
        label=gettext_lazy("Udstederens adresse (issuer)"),
        max_length=500,
        help_text=gettext_lazy(
            "Fx https://login.fjordby.dk. Omstil henter resten af udbyderens oplysninger herfra."
        ),
        error_messages={"required": gettext_lazy("Skriv udstederens adresse.")},
    )
    client_id = forms.CharField(
        label=gettext_lazy("Klient-id"),
        max_length=255,
        error_messages={"required": gettext_lazy("Skriv klient-id’et fra udbyderen.")},
    )
    client_secret = forms.CharField(
        label=gettext_lazy("Klienthemmelighed"),
        max_length=2000,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    claim = forms.ChoiceField(
        label=gettext_lazy("Personer genkendes på"),
        choices=SingleSignOn.Claim.choices,
        widget=forms.Select,
        help_text=gettext_lazy(
            "Det, login-tjenesten oplyser, og som HR-filen har for hver person: e-mailadressen "
            "(claim “email”) eller medarbejdernummeret (claim “employee_id”)."
        ),
    )

    def __init__(self, *args: Any, configured: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client_secret"].help_text = (
            _("Vises aldrig igen. Lad feltet stå tomt for at beholde den gemte hemmelighed.")
            if configured
            else _("Vises aldrig igen, når den er gemt.")
        )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_sso(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's own login: HR sees it and may turn it off; only a system
    administrator turns it on or changes it, as whoever chooses the provider can sign in as
    any person the HR file names (docs/access.md)."""
    organisation = get_administered_organisation(request.user, slug)
    sso = SingleSignOn.objects.filter(organisation=organisation).first()
    user = acting_user(request)
    if request.method == "POST" and request.POST.get("action") != "off":
        require_system_admin(user)
    if request.method == "POST" and request.POST.get("action") == "off":
        if turn_off_single_sign_on(organisation, actor=user):
            messages.success(request, _("Organisationens login er slået fra."))
        return redirect("organisations:sso", slug=organisation.slug)
    initial = (
        {"issuer": sso.issuer, "client_id": sso.client_id, "claim": sso.claim}
        if sso
        else {"claim": SingleSignOn.Claim.EMAIL}
    )
    form = SingleSignOnForm(request.POST or None, initial=initial, configured=sso is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            set_single_sign_on(
                organisation,
                issuer=data["issuer"],
                client_id=data["client_id"],
                client_secret=data["client_secret"] or None,
                claim=data["claim"],
                actor=user,
            )
        except ConfigurationRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Organisationens login er gemt og slået til."))
            return redirect("organisations:sso", slug=organisation.slug)
    return render(
        request,
        "organisations/sso.html",
        {
            "organisation": organisation,
            "sso": sso,
            "form": form,
            "redirect_uri": redirect_uri(),
            "may_change": user.is_system_admin,
        },
    )
