"""URLs of the privacy app's audit pages, under /organisationer/."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "audit"
urlpatterns: list[URLPattern] = []
