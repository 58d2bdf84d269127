"""URLs of the front page, the accessibility statement and the health check."""

from django.urls import path

from omstil.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("tilgaengelighed/", views.accessibility_statement, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
]
