"""The audit log in Django's admin, for system administrators: read and search, never change."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from omstil.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ("at", "event", "actor_label", "organisation")
    list_filter = ("event", "organisation")
    search_fields = ("event", "actor_label", "organisation")
    date_hierarchy = "at"
    ordering = ("-at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return bool(getattr(user, "is_system_admin", False))
