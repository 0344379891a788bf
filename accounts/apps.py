from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in: single sign-on by OpenID Connect and a second factor."""

    name = "accounts"
    verbose_name = "Accounts"
