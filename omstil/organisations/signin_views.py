"""The sign-in link pages: ask for a link with an e-mail address, and use it (one button)."""

from django import forms
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from omstil.accounts.forms import own_email_field
from omstil.core.clients import client_address
from omstil.organisations.signin import request_link, user_of_link


class SignInLinkForm(forms.Form):
    """One e-mail address, and nothing else."""

    email = own_email_field()


@require_http_methods(["GET", "POST"])
def ask_for_link(request: HttpRequest) -> HttpResponse:
    """The form; after it, the same page whether or not the address is known."""
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request_link(form.cleaned_data["email"], client_address(request))
        return redirect("signin:sent")
    return render(request, "organisations/signin/ask.html", {"form": form})


def link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/signin/sent.html")


@require_http_methods(["GET", "POST"])
def use_link(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    """A button signs in, so that a mail filter opening the link does not spend it."""
    user = user_of_link(uid, token)
    if user is None:
        return render(request, "organisations/signin/spent.html", status=410)
    if request.method == "POST":
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = ""
        return redirect(target or "site:home")
    return render(request, "organisations/signin/use.html", {"next": request.GET.get("next", "")})
