from __future__ import annotations

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Bulk import of local LSCs, LSPs, partnerships, members and users."""

    name = "imports"
    verbose_name = "Bulk import"
