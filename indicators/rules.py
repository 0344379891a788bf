"""Who may change indicator frameworks and periods (national administrators)
and who may add an area's local statements."""

from __future__ import annotations

import rules

from partnerships.rules import is_go_officer, is_llsc_officer, is_national_admin
from partnerships.selectors import profile_of
from partnerships.users import AnyUser

from .models import Supplement

rules.add_perm("indicators.manage_frameworks", is_national_admin)
# Opening a period (with its framework) and changing a period's dates and
# submission deadline.
rules.add_perm("indicators.open_period", is_national_admin)
rules.add_perm("indicators.change_period", is_national_admin)


@rules.predicate
def is_officer_of_supplement_area(user: AnyUser, supplement: Supplement | None) -> bool:
    """A GO officer of the supplement's region, or an LLSC officer of its
    local LSC: the officers who write an area's local statements."""
    if supplement is None:
        return False
    profile = profile_of(user)
    if profile is None:
        return False
    if is_go_officer(user):
        return bool(profile.region_id) and profile.region_id == supplement.region_id
    if is_llsc_officer(user):
        return bool(profile.llsc_id) and profile.llsc_id == supplement.local_lsc_id
    return False


# Adding local statements: GO officers for their region, LLSC officers for
# their local LSC's area, administrators for any; changing and publishing one
# only by its area's officers (or an administrator), and only a draft.
rules.add_perm(
    "indicators.add_supplement", is_national_admin | is_go_officer | is_llsc_officer
)
rules.add_perm(
    "indicators.change_supplement", is_national_admin | is_officer_of_supplement_area
)
