"""National administrators hold every permission, in the app and in Django admin."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from .models import Role
from .selectors import role_of


def is_national_admin(user: Any) -> bool:
    return bool(user.is_active) and role_of(user) == Role.NATIONAL_ADMIN


class NationalAdminBackend(BaseBackend):
    """Grants every permission to active national administrators."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return is_national_admin(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return is_national_admin(user_obj)


def admin_site_permission(request: HttpRequest) -> bool:
    """Django admin is for national administrators only, whatever is_staff says."""
    return is_national_admin(request.user)
