from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Role
from .selectors import role_of


def role(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's role, for the header and navigation."""
    user_role = role_of(request.user)
    return {
        "user_role": user_role,
        "user_role_label": user_role.label if user_role else "",
        "user_is_admin": user_role == Role.NATIONAL_ADMIN,
    }
