"""The two-factor pages: set up an app, give a code, and the small page to manage both.

A view authorises, parses, calls `omstil.accounts.twofactor` and renders; who must use two-factor,
and when, is decided there and applied to every page by `omstil.accounts.middleware`.
"""

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.models import Device

from omstil.accounts import twofactor
from omstil.accounts.access import acting_user
from omstil.accounts.forms import CodeForm
from omstil.accounts.middleware import is_verified
from omstil.accounts.models import User
from omstil.accounts.twofactor import CodeRefused, Step


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: `next` when it stays on this host, else the front page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _to(page: str, request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(page)}?{urlencode({'next': _next(request)})}")


def _step(request: HttpRequest, user: User) -> Step:
    return twofactor.step_owed(user, request.session, is_verified(user))


def _mark_verified(request: HttpRequest, device: Device) -> None:
    """The session is verified by `device` from now on (django-otp), under a new session key."""
    request.session.cycle_key()
    django_otp.login(request, device)


def _codes_page(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    """The new recovery codes, shown this once (the page is not cached)."""
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": [twofactor.shown(code) for code in codes], "next": next_url},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """A QR code and the key for the app; a code from it confirms it, then the recovery codes."""
    user = acting_user(request)
    step = _step(request, user)
    if step is Step.VERIFY:
        return _to("accounts:two_factor_verify", request)
    if step is Step.NONE:
        if twofactor.app_device(user) is not None:
            return redirect("accounts:two_factor")
        return HttpResponseRedirect(_next(request))
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_app(user, device, form.cleaned_data["code"])
        except CodeRefused as refused:
            form.add_error("code", refused.message)
        else:
            _mark_verified(request, device)
            return _codes_page(request, codes, _next(request))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            # Drawn by segno from the device's otpauth:// address: nothing a person wrote.
            "qr_code": mark_safe(twofactor.qr_code_svg(device)),  # noqa: S308
            "secret": twofactor.secret_text(device),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """A code from the app, or one recovery code (then spent), verifies this session."""
    user = acting_user(request)
    step = _step(request, user)
    if step is Step.SET_UP:
        return _to("accounts:two_factor_setup", request)
    if step is Step.NONE:
        return HttpResponseRedirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.verify(user, form.cleaned_data["code"])
        except CodeRefused as refused:
            form.add_error("code", refused.message)
        else:
            _mark_verified(request, device)
            return HttpResponseRedirect(_next(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """Totrinsbekræftelse: the app and recovery codes in use; new codes, or start again.

    Both actions ask for a current code, so that a session left open cannot move the second
    factor to someone else's phone."""
    user = acting_user(request)
    app = twofactor.app_device(user)
    if app is None:
        return redirect("accounts:two_factor_setup")
    action = request.POST.get("action", "")
    codes_form = CodeForm(request.POST if action == "codes" else None, prefix="codes")
    reset_form = CodeForm(request.POST if action == "reset" else None, prefix="reset")
    form = {"codes": codes_form, "reset": reset_form}.get(action)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            twofactor.verify(user, form.cleaned_data["code"])
        except CodeRefused as refused:
            form.add_error("code", refused.message)
        else:
            if action == "codes":
                return _codes_page(
                    request, twofactor.new_recovery_codes(user), reverse("accounts:two_factor")
                )
            twofactor.reset(user, actor=user)
            messages.success(
                request,
                _("Totrinsbekræftelsen er nulstillet. Sæt den op igen med din app."),
            )
            return redirect("accounts:two_factor_setup")
    return render(
        request,
        "accounts/two_factor.html",
        {
            "app": app,
            "recovery_codes_left": twofactor.recovery_codes_left(user),
            "codes_form": codes_form,
            "reset_form": reset_form,
        },
        status=400 if request.method == "POST" else 200,
    )
