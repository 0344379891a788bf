"""Object-level permissions. Scoping (what a user may see at all) lives in
selectors.py; these predicates decide what a user may do with what they see."""

from __future__ import annotations

from typing import Any

import rules

from .models import LearningPartnership, Role
from .selectors import role_of


@rules.predicate
def is_national_admin(user: Any) -> bool:
    return role_of(user) == Role.NATIONAL_ADMIN


@rules.predicate
def is_manager_of(user: Any, partnership: LearningPartnership | None) -> bool:
    if partnership is None or role_of(user) != Role.MANAGER:
        return False
    return partnership.managers.filter(pk=user.pk).exists()


can_edit_partnership = is_manager_of | is_national_admin

rules.add_perm("partnerships.change_learningpartnership", can_edit_partnership)
