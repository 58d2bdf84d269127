"""URLs of the privacy app's record pages, under /organisationer/."""

from django.urls import URLPattern, path

from omstil.privacy import record_views

app_name = "record"
urlpatterns: list[URLPattern] = [
    path("<slug:slug>/persondata/fortegnelse/", record_views.record, name="record"),
    path("<slug:slug>/persondata/databehandleraftale/", record_views.annex, name="annex"),
]
