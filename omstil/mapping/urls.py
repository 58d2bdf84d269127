"""URLs of the mapping pages."""

from django.urls import path

from omstil.mapping import views

app_name = "mapping"
urlpatterns = [
    path("<id:round_id>/enhed/", views.unit_page, name="unit"),
]
