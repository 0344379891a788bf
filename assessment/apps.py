from __future__ import annotations

from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "Self-assessment returns"

    def ready(self) -> None:
        from partnerships.locks import register_oversight_lock

        from . import checks, local_statements, profile, selectors, signals

        checks.register()
        local_statements.register()
        profile.register()
        signals.register()
        # A return submitted or in review is its officers' work: the
        # partnership's region and local LSC links stay as they are until it
        # is decided.
        register_oversight_lock(
            name="assessment.return_under_review", lock=selectors.return_under_review
        )
