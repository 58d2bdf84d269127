"""URLs of the organisation pages."""

from django.urls import path

from omstil.organisations import roles_views, sso_views, views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/enheder/<id:unit_id>/", views.unit_detail, name="unit"),
    path("<slug:slug>/import/", views.import_upload, name="import"),
    path("<slug:slug>/import/<id:pending_id>/", views.import_confirm, name="import_confirm"),
    path("<slug:slug>/roller/", roles_views.organisation_roles, name="roles"),
    path("<slug:slug>/organisationens-login/", sso_views.organisation_sso, name="sso"),
]
