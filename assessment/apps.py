from __future__ import annotations

from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "Self-assessment returns"

    def ready(self) -> None:
        from . import profile

        profile.register()
