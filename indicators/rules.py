"""Who may change indicator frameworks and periods: national administrators."""

from __future__ import annotations

import rules

from partnerships.rules import is_national_admin

rules.add_perm("indicators.manage_frameworks", is_national_admin)
# Opening a period (with its framework) and changing a period's dates and
# submission deadline.
rules.add_perm("indicators.open_period", is_national_admin)
rules.add_perm("indicators.change_period", is_national_admin)
