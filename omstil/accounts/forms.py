"""The account forms – login, codes for two-factor, password reset – in the user's language."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from omstil.accounts import passwords
from omstil.accounts.models import User
from omstil.core.clients import client_address


def own_email_field() -> forms.EmailField:
    """The one field of the forms that send a link to one's own address (sign-in, reset)."""
    return forms.EmailField(
        label=_("E-mailadresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": _("Skriv din e-mailadresse."),
            "invalid": _("Skriv en gyldig e-mailadresse."),
        },
    )


class LoginForm(AuthenticationForm):
    """Log in with e-mail address and password."""

    username = forms.EmailField(
        label=_("E-mailadresse"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Adgangskode"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "E-mailadressen eller adgangskoden er forkert. Bemærk, at der skelnes mellem store "
            "og små bogstaver i adgangskoden."
        ),
        "inactive": _("Denne konto er deaktiveret."),
    }


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or (where allowed) a recovery code."""

    code = forms.CharField(
        label=_("Kode"),
        max_length=20,
        strip=True,
        error_messages={"required": _("Skriv koden.")},
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Ask for a link to set a new password. Django's form finds the active accounts with a
    usable password and this address; Omstil limits how often and sends in the background."""

    email = own_email_field()

    def save(self, *args: Any, **kwargs: Any) -> None:
        request: HttpRequest | None = kwargs.get("request")
        client = client_address(request) if request is not None else None
        if passwords.may_ask(self.cleaned_data["email"], client):
            with transaction.atomic():
                super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        passwords.send_reset_link(context["user"], context["uid"], context["token"])


class NewPasswordForm(SetPasswordForm[User]):
    """Choose a new password after following the link; audited."""

    new_password1 = forms.CharField(
        label=_("Ny adgangskode"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text=_(
            "Mindst 12 tegn. Den må ikke ligne din e-mailadresse eller navn, ikke være en "
            "almindelig adgangskode og ikke kun bestå af tal."
        ),
    )
    new_password2 = forms.CharField(
        label=_("Gentag den nye adgangskode"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    error_messages = {"password_mismatch": _("De to adgangskoder er ikke ens.")}

    @transaction.atomic
    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        passwords.record_reset(user)
        return user
