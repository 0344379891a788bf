"""System checks (`manage.py check`) for the settings the emails need."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from govuk.notify import PASSWORD_RESET, configuration_problems

from .models import EmailKind


def notify_templates(
    *,
    app_configs: Sequence[AppConfig] | None,
    databases: Sequence[str] | None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    """With GOV.UK Notify in use, every kind of email the service sends (its
    own, and Django's password reset) has a template to go out with."""
    return configuration_problems(
        api_key=settings.NOTIFY_API_KEY,
        templates=settings.NOTIFY_TEMPLATES,
        kinds=[*EmailKind.values, PASSWORD_RESET],
    )


def register() -> None:
    checks.register(notify_templates, "email")
