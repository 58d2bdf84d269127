"""The login form, with labels and errors in the user's language."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
