"""Who may use the regional view, its summary PDF and packs (their scope
decides what they contain)."""

from __future__ import annotations

import rules

from partnerships.rules import is_go_officer, is_llsc_officer, is_national_admin

rules.add_perm(
    "reports.view_dashboard", is_go_officer | is_llsc_officer | is_national_admin
)
rules.add_perm("reports.build_pack", is_go_officer | is_national_admin)
# England's figures and packs of any region, not only one's own.
rules.add_perm("reports.see_england", is_national_admin)
# The summary PDF of the regional view: for everyone who sees the view.
rules.add_perm(
    "reports.request_summary", is_go_officer | is_llsc_officer | is_national_admin
)
# The audit trail of every return, answer and plan: national administrators.
rules.add_perm("reports.export_audit", is_national_admin)
