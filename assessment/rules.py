"""Who may do what with self-assessments: managers fill in their
partnerships' returns; the partnership's LLSC officers review and decide;
GO officers rate (their scope decides which partnerships). National
administrators may do everything (and hold every perm besides)."""

from __future__ import annotations

import rules

from partnerships.rules import (
    is_go_officer,
    is_llsc_officer,
    is_llsc_officer_of,
    is_manager_of,
    is_national_admin,
)
from partnerships.users import AnyUser

from .models import Return


@rules.predicate
def manages_return_partnership(user: AnyUser, return_record: Return | None) -> bool:
    return return_record is not None and is_manager_of(user, return_record.partnership)


@rules.predicate
def reviews_return(user: AnyUser, return_record: Return | None) -> bool:
    """The partnership's LLSC officers (or an administrator) review its return."""
    return return_record is not None and is_llsc_officer_of(
        user, return_record.partnership
    )


reviewer = is_llsc_officer | is_national_admin

rules.add_perm("assessment.add_return", is_manager_of | is_national_admin)
rules.add_perm(
    "assessment.change_return", manages_return_partnership | is_national_admin
)
# Review, agree scores and decide on one return; the queue of them all.
rules.add_perm("assessment.review_return", reviews_return)
rules.add_perm("assessment.review_returns", reviewer)
# Rate partnerships' engagement (the partnership is in scope or a 404).
rules.add_perm("assessment.rate_partnership", is_go_officer | is_national_admin)
# Follow returns across an area or region: overdue ones on the home page.
rules.add_perm(
    "assessment.follow_returns", is_llsc_officer | is_go_officer | is_national_admin
)
# The emails that failed or wait to be sent, and trying them again.
rules.add_perm("assessment.follow_emails", is_national_admin)
