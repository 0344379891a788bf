"""Reads of API tokens: each user sees their own and no one else's."""

from __future__ import annotations

from django.db.models import QuerySet

from partnerships.users import AnyUser

from .models import ApiToken


def tokens_for_user(user: AnyUser) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first: a token of anyone else is out of
    scope (404), administrators included."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=user.pk)
