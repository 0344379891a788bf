from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Development plans"

    def ready(self) -> None:
        from . import profile

        profile.register()
