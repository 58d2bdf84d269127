"""URLs of the privacy app's audit pages, under /organisationer/."""

from django.urls import path

from omstil.privacy import audit_views

app_name = "audit"
urlpatterns = [
    path("<slug:slug>/revisionsspor/", audit_views.log, name="log"),
    path("<slug:slug>/revisionsspor/hent/", audit_views.export, name="export"),
]
