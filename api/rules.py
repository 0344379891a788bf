"""Who may hold API tokens: everyone with a role. A token carries its owner's
scope, so it opens nothing the owner could not open in the pages."""

from __future__ import annotations

import rules

from partnerships.rules import (
    is_go_officer,
    is_llsc_officer,
    is_manager,
    is_national_admin,
)
from partnerships.users import AnyUser

from .models import ApiToken


@rules.predicate
def owns_token(user: AnyUser, token: ApiToken | None) -> bool:
    return token is not None and user.is_authenticated and token.user_id == user.pk


has_role = is_manager | is_llsc_officer | is_go_officer | is_national_admin

rules.add_perm("api.use_tokens", has_role)
# Revoking a token (in scope only for its owner; administrators revoke
# others' tokens in Django admin, not here).
rules.add_perm("api.revoke_token", owns_token)
