"""Who may change a return: the partnership's managers (and national
administrators, who hold every permission)."""

from __future__ import annotations

from typing import Any

import rules

from partnerships.rules import is_manager_of, is_national_admin


@rules.predicate
def manages_return_partnership(user: Any, return_record: Any) -> bool:
    return return_record is not None and is_manager_of(user, return_record.partnership)


rules.add_perm(
    "assessment.change_return", manages_return_partnership | is_national_admin
)
rules.add_perm("assessment.add_return", is_manager_of | is_national_admin)
