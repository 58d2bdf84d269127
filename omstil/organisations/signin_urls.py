"""URLs of the sign-in link pages, beside the login page under /konto/."""

from django.urls import path

from omstil.organisations import signin_views

app_name = "signin"
urlpatterns = [
    path("log-ind/link/", signin_views.ask_for_link, name="ask"),
    path("log-ind/link/sendt/", signin_views.link_sent, name="sent"),
    path("link/<str:uid>/<str:token>/", signin_views.use_link, name="link"),
]
