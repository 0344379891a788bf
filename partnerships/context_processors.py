from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Role
from .selectors import role_of

# What the home page says each role's work is.
ROLE_INTROS = {
    Role.MANAGER: (
        "Fill in your partnership's annual self-assessment, keep its development "
        "plan and keep its profile up to date."
    ),
    Role.LLSC_OFFICER: (
        "Review and moderate the self-assessments of the partnerships in your "
        "local LSC's area, and approve their development plans."
    ),
    Role.GO_OFFICER: (
        "Compare the partnerships in your region, download their summaries and "
        "development plans, and rate their engagement."
    ),
    Role.NATIONAL_ADMIN: (
        "Every partnership in England, and the reference data behind them."
    ),
}

# What an officer's scope is called.
ROLE_SCOPES = {Role.LLSC_OFFICER: "area", Role.GO_OFFICER: "region"}


def role(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's role, named for the header and the home page (what
    they may do is asked of their perms)."""
    user_role = role_of(request.user)
    return {
        "user_role_label": user_role.label if user_role else "",
        "user_role_intro": ROLE_INTROS.get(user_role, "") if user_role else "",
        "user_scope_name": ROLE_SCOPES.get(user_role, "") if user_role else "",
    }
