"""Who may change indicator frameworks: national administrators."""

from __future__ import annotations

import rules

from partnerships.rules import is_national_admin

rules.add_perm("indicators.manage_frameworks", is_national_admin)
