"""The respondent's pages, under one personal token."""

from django.urls import path

from omstil.responses import views

app_name = "responses"
urlpatterns = [
    path("<str:token>/", views.start, name="start"),
    path("<str:token>/side/<id:number>/", views.page, name="page"),
    path("<str:token>/kvittering/", views.receipt, name="receipt"),
]
