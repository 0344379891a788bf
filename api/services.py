"""Writes of API tokens: creating one (its secret shown once), revoking it,
and finding the token a request presents (noting when it was last used)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.utils import timezone

from partnerships.rules import check_perm
from partnerships.users import User

from .models import ApiToken

# A token reads "lpsa_" and 43 URL-safe characters (32 random bytes); its
# first characters after the marker are shown as its prefix. The marker lets
# secret scanners and people recognise a token of this service.
MARKER = "lpsa_"
PREFIX_LENGTH = 8
# Noting each use would write a row per request: once a minute is enough to
# say when a token was last used.
LAST_USED_STEP = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    """A token just made, and its secret: shown once, never stored."""

    token: ApiToken
    secret: str


def digest_of(secret: str) -> str:
    """The SHA-256 digest a token is stored and found by."""
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user: User, name: str) -> NewToken:
    """Make a named token for the user; the secret is in the result only."""
    check_perm(
        user,
        "api.use_tokens",
        message="API tokens are for people with a role in the service.",
    )
    secret = MARKER + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[: len(MARKER) + PREFIX_LENGTH],
        digest=digest_of(secret),
    )
    token.full_clean()
    token.save()
    return NewToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken, user: User) -> ApiToken:
    """Revoke one of the user's tokens: it opens nothing from now on."""
    check_perm(
        user, "api.revoke_token", token, message="Only its owner revokes a token."
    )
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(*, secret: str) -> ApiToken | None:
    """The active token with this secret, with its user, or None; notes its
    use (at most once a minute). A token of a deactivated user opens nothing."""
    if not secret.startswith(MARKER):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__profile")
        .filter(digest=digest_of(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_STEP:
        token.last_used_at = now
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
