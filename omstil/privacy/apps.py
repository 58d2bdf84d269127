"""App configuration for personal data: retention, deletion, insight and records."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "omstil.privacy"
    label = "privacy"
    verbose_name = _("Persondata")
