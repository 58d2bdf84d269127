"""Logging in and out, resetting a forgotten password, and two-factor authentication."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from omstil.accounts import views
from omstil.accounts.forms import LoginForm, NewPasswordForm, PasswordResetRequestForm

app_name = "accounts"
urlpatterns = [
    path(
        "log-ind/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("log-af/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "adgangskode/glemt/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetRequestForm,
            template_name="accounts/password_reset.html",
            success_url=reverse_lazy("accounts:password_reset_sent"),
        ),
        name="password_reset",
    ),
    path(
        "adgangskode/glemt/sendt/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_sent",
    ),
    path(
        "adgangskode/ny/<str:uidb64>/<str:token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=NewPasswordForm,
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
            reset_url_token="vaelg",  # noqa: S106 (the path part that replaces the token)
        ),
        name="password_reset_confirm",
    ),
    path(
        "adgangskode/ny/skiftet/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("totrin/", views.manage, name="two_factor"),
    path("totrin/opsaet/", views.set_up, name="two_factor_setup"),
    path("totrin/bekraeft/", views.verify, name="two_factor_verify"),
]
