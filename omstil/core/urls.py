"""URLs of the core pages."""

from django.urls import path

from omstil.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("tilgaengelighed/", views.accessibility_statement, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
]
