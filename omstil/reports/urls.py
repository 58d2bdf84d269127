"""URLs of the report pages."""

from django.urls import path

from omstil.reports import views

app_name = "reports"
urlpatterns = [
    path("<id:round_id>/leder/<str:employee_id>/", views.leader_report_page, name="leader"),
    path("<id:round_id>/enhed/", views.unit_report_page, name="unit"),
    path("<id:round_id>/alle-ledere/", views.archive_request, name="archive_request"),
    path("<id:round_id>/rapport-klar/", views.report_ready, name="report_ready"),
    path("zip/<id:archive_id>/", views.archive_status, name="archive"),
]
