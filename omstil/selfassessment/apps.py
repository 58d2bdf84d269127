"""App configuration for private self-assessments."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfAssessmentConfig(AppConfig):
    name = "omstil.selfassessment"
    verbose_name = _("Selvvurderinger")
