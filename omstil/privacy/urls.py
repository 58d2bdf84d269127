"""URLs of retention and deletion, under /organisationer/."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "privacy"
urlpatterns: list[URLPattern] = []
