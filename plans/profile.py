"""What development plans add to a partnership's profile."""

from __future__ import annotations

from typing import Any

from partnerships.models import LearningPartnership
from partnerships.profile import register_profile_section
from partnerships.users import AnyUser

from . import selectors


def plans_section(user: AnyUser, partnership: LearningPartnership) -> dict[str, Any]:
    return {"plans": selectors.partnership_plans(partnership=partnership)}


def register() -> None:
    register_profile_section(
        order=20, template="plans/includes/profile_plans.html", context=plans_section
    )
