"""URLs of HR's programme pages, under an organisation."""

from django.urls import path

from omstil.programmes import views

app_name = "programmes"
base = "<slug:slug>/forloeb/"
one = base + "<id:programme_id>/"
module = one + "moduler/<id:module_id>/"
urlpatterns = [
    path(base, views.programme_list, name="list"),
    path(base + "nyt/", views.programme_create, name="create"),
    path(one, views.programme_detail, name="detail"),
    path(one + "rediger/", views.programme_edit, name="edit"),
    path(one + "effekt/", views.effect_report, name="effect"),
    path(one + "mit-forloeb/", views.my_programme, name="mine"),
    path(one + "moduler/nyt/", views.module_create, name="module_create"),
    path(module, views.module_edit, name="module_edit"),
    path(module + "slet/", views.module_delete, name="module_delete"),
    path(module + "fremmoede/", views.attendance, name="attendance"),
]
