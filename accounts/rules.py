"""Who must use a second factor: national administrators, whenever they sign
in with a password (single sign-on leaves it to the identity provider)."""

from __future__ import annotations

import rules

from partnerships.rules import is_national_admin

rules.add_rule("accounts.second_factor_required", is_national_admin)
