from __future__ import annotations

from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The pages every GOV.UK service has: accessibility, privacy, cookies,
    help and the service's status."""

    name = "pages"
    verbose_name = "Service pages"
