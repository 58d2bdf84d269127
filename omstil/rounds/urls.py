"""URLs of HR's round pages, under an organisation."""

from django.urls import path

from omstil.rounds import views

app_name = "rounds"
urlpatterns = [
    path("<slug:slug>/runder/", views.round_list, name="list"),
    path("<slug:slug>/runder/ny/", views.round_create, name="create"),
    path("<slug:slug>/runder/<id:round_id>/", views.round_detail, name="detail"),
    # Before the actions: these names would otherwise be taken for one.
    path("<slug:slug>/runder/<id:round_id>/rediger/", views.round_edit, name="edit"),
    path("<slug:slug>/runder/<id:round_id>/slet/", views.round_delete, name="delete"),
    path(
        "<slug:slug>/runder/<id:round_id>/invitationer/",
        views.round_invitations,
        name="invitations",
    ),
    path("<slug:slug>/runder/<id:round_id>/e-mails/", views.round_preview, name="preview"),
    path("<slug:slug>/runder/<id:round_id>/paamindelse/", views.round_remind, name="remind"),
    path(
        "<slug:slug>/runder/<id:round_id>/tjek-lister/",
        views.list_check_start,
        name="list_check_start",
    ),
    path(
        "<slug:slug>/runder/<id:round_id>/tjek-lister/<id:correction_id>/loest/",
        views.list_check_resolve,
        name="list_check_resolve",
    ),
    path(
        "<slug:slug>/runder/<id:round_id>/<slug:action>/",
        views.round_action,
        name="action",
    ),
]
