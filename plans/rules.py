"""Who may do what with development plans: the partnership's managers start
and change them; its LLSC officers comment on and approve them."""

from __future__ import annotations

import rules

from assessment.rules import manages_return_partnership
from partnerships.rules import (
    is_llsc_officer,
    is_llsc_officer_of,
    is_manager_of,
    is_national_admin,
)
from partnerships.users import AnyUser

from .models import DevelopmentPlan


@rules.predicate
def manages_plan_partnership(user: AnyUser, plan: DevelopmentPlan | None) -> bool:
    return plan is not None and is_manager_of(user, plan.partnership)


@rules.predicate
def approves_plan(user: AnyUser, plan: DevelopmentPlan | None) -> bool:
    return plan is not None and is_llsc_officer_of(user, plan.partnership)


# Start a plan from a return (the object).
rules.add_perm("plans.start_plan", manages_return_partnership | is_national_admin)
rules.add_perm("plans.change_plan", manages_plan_partnership | is_national_admin)
rules.add_perm("plans.approve_plan", approves_plan)
# The queue of plans waiting for approval (scoped to the officer's LSC).
rules.add_perm("plans.approve_plans", is_llsc_officer | is_national_admin)
