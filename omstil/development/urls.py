"""URLs of the dialogue and development plan pages."""

from django.urls import path

from omstil.development import views

app_name = "development"
base = "<id:round_id>/<str:employee_id>/"
urlpatterns = [
    path("overordnet/", views.superior_page, name="superior"),
    path("plan/skriv-ind/", views.write_into_plan, name="write_into_plan"),
    path(base + "dialog/", views.dialogue_page, name="dialogue"),
    path(base + "dialog/opfoelgning/", views.follow_up_record, name="follow_up"),
    path(
        "<slug:slug>/runder/<id:round_id>/opfoelgning/",
        views.follow_up_list,
        name="follow_up_list",
    ),
    path(
        "<slug:slug>/runder/<id:round_id>/opfoelgning/paamind/",
        views.follow_up_remind,
        name="follow_up_remind",
    ),
    path(base + "plan/", views.plan_page, name="plan"),
    path(base + "plan/fokus/", views.plan_focus, name="plan_focus"),
    path(base + "plan/handlinger/", views.plan_action, name="plan_action"),
    path(
        base + "plan/handlinger/<id:action_id>/status/",
        views.plan_progress,
        name="plan_progress",
    ),
    path(
        base + "plan/handlinger/<id:action_id>/slet/",
        views.plan_delete_action,
        name="plan_delete_action",
    ),
    path(base + "plan/kommentarer/", views.plan_comment, name="plan_comment"),
]
