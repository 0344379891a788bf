"""The API's tests run in the permission matrix's world (tests/security):
the cast, partnership A with a draft 2003-04 return and a submitted 2002-03
one, its plan; partnership B of manager_b elsewhere. Each member of the cast
with a role holds a personal token (``tokens``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from api.models import ApiToken
from api.services import MARKER, digest_of, token_create
from tests.security.conftest import *  # noqa: F403  # its fixtures, by import
from tests.security.conftest import World

ROLES = [
    "manager_a",
    "manager_b",
    "officer_a",
    "officer_elsewhere",
    "go_a",
    "go_elsewhere",
    "admin",
]


@pytest.fixture(autouse=True)
def _fresh_rate_counts() -> None:
    """Each test starts with no requests counted against the rate limit."""
    cache.clear()


@pytest.fixture
def tokens(world: World) -> dict[str, str]:
    """A token of each member of the cast with a role, and of no_role (made
    directly: the page refuses them one, but a role can be taken away)."""
    made = {
        name: token_create(user=world.people[name], name=f"{name}'s token").secret
        for name in ROLES
    }
    secret = MARKER + "no-role-secret-made-for-the-tests"
    ApiToken.objects.create(
        user=world.people["no_role"],
        name="old",
        prefix=secret[:13],
        digest=digest_of(secret),
    )
    made["no_role"] = secret
    return made


@pytest.fixture
def api_as(tokens: dict[str, str]) -> Callable[[str], Client]:
    """A test client sending the named person's token (none for anonymous)."""

    def client_for(name: str) -> Client:
        if name == "anonymous":
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {tokens[name]}")

    return client_for


def get_json(client: Client, url: str, **params: Any) -> tuple[int, Any]:
    response = client.get(url, params)
    assert response["Content-Type"].startswith("application/json"), response
    return response.status_code, response.json()
