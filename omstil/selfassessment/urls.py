"""URLs of the owner's self-assessment pages, under /selvvurdering/."""

from django.urls import path

from omstil.selfassessment import views

app_name = "selfassessment"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/<slug:key>/", views.start, name="start"),
    path("<str:assessment_id>/side/<id:number>/", views.page, name="page"),
    path("<str:assessment_id>/", views.result, name="result"),
    path("<str:assessment_id>/slet/", views.delete, name="delete"),
]
