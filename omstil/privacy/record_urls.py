"""URLs of the privacy app's record pages, under /organisationer/."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "record"
urlpatterns: list[URLPattern] = []
