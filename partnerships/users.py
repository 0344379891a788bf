"""The types a function is given its user as: ``User`` where the user must be
signed in (a service that records who did something, a workflow step, a
notification), ``AnyUser`` where they may be anonymous (the scoping selectors,
the ``rules`` predicates, context processors). Here, in the lowest app that
knows users, so that every app above may import them."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

__all__ = ["AnyUser", "AuthenticatedHttpRequest", "User"]

# User is the user model: AUTH_USER_MODEL is left at Django's auth.User.
AnyUser: TypeAlias = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view that LoginRequiredMiddleware lets through (every
    view not marked ``login_not_required``), whose user is signed in: for the
    views that hand ``request.user`` to a service. An annotation only."""

    user: User
