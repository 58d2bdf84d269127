"""The URL map of the whole application."""

from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from omstil.core.converters import IdConverter
from omstil.rounds import views as rounds_views

register_converter(IdConverter, "id")

urlpatterns = [
    path("", include("omstil.site.urls")),
    path("konto/", include("omstil.accounts.urls")),
    path("konto/", include("omstil.organisations.signin_urls")),
    path("konto/", include("omstil.organisations.sso_urls")),
    path("instrumenter/", include("omstil.instruments.urls")),
    path("organisationer/", include("omstil.organisations.urls")),
    path("organisationer/", include("omstil.rounds.urls")),
    path("organisationer/", include("omstil.programmes.urls")),
    path("organisationer/", include("omstil.privacy.urls")),
    path("organisationer/", include("omstil.privacy.audit_urls")),
    path("organisationer/", include("omstil.privacy.record_urls")),
    path("organisationer/", include("omstil.privacy.insight_urls")),
    path("mine-evalueringer/", rounds_views.my_rounds, name="my_rounds"),
    path("mine-evalueringer/<id:round_id>/tjek/", rounds_views.list_check, name="list_check"),
    path("selvvurdering/", include("omstil.selfassessment.urls")),
    path("svar/", include("omstil.responses.urls")),
    path("rapporter/", include("omstil.reports.urls")),
    path("kortlaegning/", include("omstil.mapping.urls")),
    path("udvikling/", include("omstil.development.urls")),
    path("sprog/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
