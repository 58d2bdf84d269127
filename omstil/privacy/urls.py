"""URLs of the organisation's personal data: retention and deletions, under /organisationer/."""

from django.urls import path

from omstil.privacy import views

app_name = "privacy"
urlpatterns = [
    path("<slug:slug>/persondata/", views.overview, name="overview"),
    path("<slug:slug>/personer/<str:employee_id>/slet/", views.person_delete, name="person_delete"),
    path(
        "<slug:slug>/persondata/runder/<id:round_id>/slet/", views.round_delete, name="round_delete"
    ),
    path("<slug:slug>/slet/", views.organisation_delete, name="organisation_delete"),
]
