"""National administrators hold every permission, in the app and in Django admin."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.db.models import Model
from django.http import HttpRequest

from .rules import is_national_admin
from .users import AnyUser, User


def signed_in_user(user_id: Any) -> User | None:
    """The user of a session with their profile (role and area), read in one
    query: every page asks for the role, so reading the profile apart would
    cost a second query on every request."""
    try:
        return User._default_manager.select_related("profile").get(pk=user_id)
    except User.DoesNotExist:
        return None


class PasswordBackend(ModelBackend):
    """Signs people in with their password, and grants nothing: who may do
    what is decided by the rules perms alone, never by Django's permission
    tables (which would also cost two queries a request). ModelBackend's
    has_perm and has_module_perms ask get_all_permissions, so they say no."""

    def get_user(self, user_id: Any) -> User | None:
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_user_permissions(
        self, user_obj: AnyUser, obj: Model | None = None
    ) -> set[str]:
        return set()

    def get_group_permissions(
        self, user_obj: AnyUser, obj: Model | None = None
    ) -> set[str]:
        return set()

    def get_all_permissions(
        self, user_obj: AnyUser, obj: Model | None = None
    ) -> set[str]:
        return set()


class NationalAdminBackend(BaseBackend):
    """Grants every permission to active national administrators."""

    def has_perm(self, user_obj: AnyUser, perm: str, obj: Model | None = None) -> bool:
        return bool(is_national_admin(user_obj))

    def has_module_perms(self, user_obj: AnyUser, app_label: str) -> bool:
        return bool(is_national_admin(user_obj))


def admin_site_permission(request: HttpRequest) -> bool:
    """Django admin is for national administrators only, whatever is_staff says."""
    return bool(is_national_admin(request.user))
