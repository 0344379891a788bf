"""Who may change a development plan: the partnership's managers (and
national administrators, who hold every permission)."""

from __future__ import annotations

from typing import Any

import rules

from partnerships.rules import is_manager_of, is_national_admin


@rules.predicate
def manages_plan_partnership(user: Any, plan: Any) -> bool:
    return plan is not None and is_manager_of(user, plan.partnership)


rules.add_perm("plans.change_plan", manages_plan_partnership | is_national_admin)
