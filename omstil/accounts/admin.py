"""System administration of users and their roles."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django_otp.plugins.otp_static import admin as static_device_admin
from django_otp.plugins.otp_totp import admin as totp_device_admin

from omstil.accounts.models import Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    ordering = ("email",)
    list_display = ("email", "name", "is_active", "is_superuser")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password", "name", "language")}),
        ("Roles", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = (MembershipInline,)


# django-otp registers its devices in the admin (importing its modules above does it now, so
# that autodiscovery later finds it done). They are changed only through
# omstil.accounts.twofactor, which audits every change: the pages under /konto/totrin/ and
# `omstil user reset-2fa EMAIL`.
admin.site.unregister([static_device_admin.StaticDevice, totp_device_admin.TOTPDevice])
