"""Who may import: national administrators only (reference data, partnerships
and user accounts are theirs to maintain)."""

from __future__ import annotations

import rules

from partnerships.rules import is_national_admin

IMPORT_RECORDS = "imports.import_records"

rules.add_perm(IMPORT_RECORDS, is_national_admin)
