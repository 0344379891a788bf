"""How a request to the API says who it is: a personal token
(``Authorization: Bearer <token>``), or the session of someone signed in to
the service (CSRF checked on writes). Either way the request then runs as
that user, with their scope and perms, and within the per-minute limit."""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from .services import token_authenticate


class RateLimited(Exception):
    """More requests this minute than API_RATE_LIMIT_PER_MINUTE allows."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many requests: at most {settings.API_RATE_LIMIT_PER_MINUTE} a "
            f"minute. Try again in {retry_after} seconds."
        )
        self.retry_after = retry_after


def check_rate(key: str) -> None:
    """Count a request against ``key`` in the current minute (Django's cache);
    refuse it once the minute's allowance is spent."""
    now = time.time()
    window = int(now // 60)
    cache_key = f"api-rate:{key}:{window}"
    # add() sets the counter only if it is not there yet; incr() is atomic in
    # the shared caches (Redis, Memcached, the database's).
    cache.add(cache_key, 0, timeout=120)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=120)
        count = 1
    if count > settings.API_RATE_LIMIT_PER_MINUTE:
        raise RateLimited(max(1, math.ceil((window + 1) * 60 - now)))


class TokenAuth(HttpBearer):
    """A personal API token. A token that is wrong, revoked or of a
    deactivated user is 401 at once (never falling back to the session)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(secret=token.strip())
        if found is None:
            raise AuthenticationError(401, "The API token is not valid or revoked.")
        check_rate(f"token:{found.pk}")
        request.user = found.user
        return found


class SignedInSession(SessionAuth):
    """The session of someone signed in to the service (the documentation
    page's "Try it out"); CSRF is checked on writes, as on the pages."""

    def __call__(self, request: HttpRequest) -> Any:
        # Nobody signed in: nothing to check a CSRF token against, so the
        # answer is the 401 that says how to authenticate.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        check_rate(f"user:{request.user.pk}")
        return request.user
