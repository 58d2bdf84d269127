"""URLs of the instrument library."""

from django.urls import path

from omstil.instruments import views

app_name = "instruments"
urlpatterns = [
    path("", views.instrument_list, name="list"),
    path("<slug:key>/", views.instrument_detail, name="detail"),
    path("<slug:key>/version/<id:number>/", views.instrument_detail, name="version"),
    path("<slug:key>/vejledning/<slug:audience>/", views.instrument_guide, name="guide"),
    path(
        "<slug:key>/version/<id:number>/vejledning/<slug:audience>/",
        views.instrument_guide,
        name="version_guide",
    ),
]
