"""URLs of the privacy app's insight pages, under /organisationer/."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "insight"
urlpatterns: list[URLPattern] = []
