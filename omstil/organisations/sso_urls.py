"""URLs of signing in with an organisation's own login, beside the login page under /konto/."""

from django.urls import path

from omstil.organisations import sso_views

app_name = "sso"
urlpatterns = [
    path(
        "log-ind/organisation/<slug:slug>/",
        sso_views.OrganisationSignInView.as_view(),
        name="start",
    ),
    path("log-ind/tilbage/", sso_views.OrganisationCallbackView.as_view(), name="callback"),
]
