from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API under /api/v1/ and the personal tokens that open it."""

    name = "api"
    verbose_name = "API"
