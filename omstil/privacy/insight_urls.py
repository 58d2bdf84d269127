"""URLs of insight (indsigt) for HR, under /organisationer/."""

from django.urls import path

from omstil.privacy import insight_views

app_name = "insight"
urlpatterns = [
    path("<slug:slug>/persondata/indsigt/", insight_views.find, name="find"),
    path("<slug:slug>/personer/<str:employee_id>/indsigt/", insight_views.person, name="person"),
]
