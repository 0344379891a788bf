"""A personal token's life: created on its page and shown once, kept only as
a digest, noted when used, refused once revoked; each person sees and
revokes only their own; the rate limit; errors that say why."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.services import token_create, token_revoke
from tests.security.conftest import World

TOKEN = re.compile(r"lpsa_[A-Za-z0-9_-]{43}")
PARTNERSHIPS = "/api/v1/partnerships/"


def _bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_token_is_shown_once_and_kept_as_a_digest(
    world: World, client_as: Callable[[str], Client]
) -> None:
    client = client_as("go_a")
    response = client.post(
        "/api/tokens/new/", {"name": "Regional spreadsheet"}, follow=True
    )
    assert response.redirect_chain == [("/api/tokens/", 302)]
    assert response["Cache-Control"] == "no-store"
    secrets = set(TOKEN.findall(response.content.decode()))
    assert len(secrets) == 1
    secret = secrets.pop()

    token = ApiToken.objects.get(user=world.people["go_a"])
    assert token.name == "Regional spreadsheet"
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:13]
    # Nowhere in the database in clear (the session that carried it to the
    # page included), nor on the list page again.
    assert secret not in repr(list(ApiToken.objects.values()))
    assert secret not in repr(list(Session.objects.values()))
    listing = client.get("/api/tokens/").content.decode()
    assert secret not in listing
    assert token.prefix in listing
    assert "Regional spreadsheet" in listing

    answer = _bearer(secret).get(PARTNERSHIPS)
    assert answer.status_code == 200
    assert [row["name"] for row in answer.json()["results"]] == ["Alpha Learning"]


def test_last_use_is_noted(world: World) -> None:
    created = token_create(user=world.people["manager_a"], name="Script")
    assert created.token.last_used_at is None
    _bearer(created.secret).get(PARTNERSHIPS)
    created.token.refresh_from_db()
    first = created.token.last_used_at
    assert first is not None
    assert timezone.now() - first < datetime.timedelta(seconds=10)
    # Noted again once a minute has gone by, not on every request.
    _bearer(created.secret).get(PARTNERSHIPS)
    created.token.refresh_from_db()
    assert created.token.last_used_at == first
    ApiToken.objects.filter(pk=created.token.pk).update(
        last_used_at=first - datetime.timedelta(minutes=2)
    )
    _bearer(created.secret).get(PARTNERSHIPS)
    created.token.refresh_from_db()
    assert created.token.last_used_at > first - datetime.timedelta(minutes=1)


def test_a_revoked_token_is_refused(
    world: World, client_as: Callable[[str], Client]
) -> None:
    created = token_create(user=world.people["manager_a"], name="Old laptop")
    assert _bearer(created.secret).get(PARTNERSHIPS).status_code == 200
    client = client_as("manager_a")
    page = client.get(f"/api/tokens/{created.token.pk}/revoke/")
    assert b"Old laptop" in page.content
    response = client.post(f"/api/tokens/{created.token.pk}/revoke/")
    assert response.status_code == 302
    created.token.refresh_from_db()
    assert created.token.revoked_at is not None
    refused = _bearer(created.secret).get(PARTNERSHIPS)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "The API token is not valid or revoked."}
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert "Revoked" in client.get("/api/tokens/").content.decode()


def test_a_token_is_its_owners_alone(
    world: World, client_as: Callable[[str], Client]
) -> None:
    created = token_create(user=world.people["manager_a"], name="Mine")
    for other in ("manager_b", "officer_a", "admin"):
        client = client_as(other)
        url = f"/api/tokens/{created.token.pk}/revoke/"
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        assert "Mine" not in client.get("/api/tokens/").content.decode()
    created.token.refresh_from_db()
    assert created.token.is_active


def test_people_without_a_role_get_no_tokens(
    world: World, client_as: Callable[[str], Client]
) -> None:
    client = client_as("no_role")
    assert client.get("/api/tokens/").status_code == 403
    assert client.post("/api/tokens/new/", {"name": "Try"}).status_code == 403
    assert not ApiToken.objects.filter(user=world.people["no_role"]).exists()


def test_the_header_links_to_the_tokens(client_as: Callable[[str], Client]) -> None:
    assert b'href="/api/tokens/"' in client_as("officer_a").get("/").content
    assert b'href="/api/tokens/"' not in client_as("no_role").get("/").content


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer lpsa_not-a-token",
        "Bearer not-even-the-marker",
        "Basic bWFuYWdlcl9hOnNlY3JldA==",
    ],
)
def test_no_valid_token_is_401(world: World, header: str | None) -> None:
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    response = client.get(PARTNERSHIPS)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_deactivated_users_token_is_refused(world: World) -> None:
    created = token_create(user=world.people["go_a"], name="Leaver")
    world.people["go_a"].is_active = False
    world.people["go_a"].save(update_fields=["is_active"])
    assert _bearer(created.secret).get(PARTNERSHIPS).status_code == 401


def test_past_the_rate_limit_is_429(
    world: World, settings: pytest.FixtureRequest
) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 3  # type: ignore[attr-defined]
    busy = _bearer(token_create(user=world.people["go_a"], name="Busy").secret)
    for _ in range(3):
        assert busy.get(PARTNERSHIPS).status_code == 200
    refused = busy.get(PARTNERSHIPS)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "at most 3 a minute" in refused.json()["detail"]
    # Counted per token: another token, even the same person's, still works.
    other = _bearer(token_create(user=world.people["go_a"], name="Other").secret)
    assert other.get(PARTNERSHIPS).status_code == 200


def test_the_count_is_kept_where_every_server_process_reads_it(
    world: World, settings: pytest.FixtureRequest
) -> None:
    """Production's cache is a table in the database (config/settings/
    production.py), so server processes count one token's requests together:
    a process with an empty cache of its own still sees the count."""
    from django.core.cache import caches
    from django.core.management import call_command

    settings.CACHES = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lp_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    settings.API_RATE_LIMIT_PER_MINUTE = 2  # type: ignore[attr-defined]
    busy = _bearer(token_create(user=world.people["go_a"], name="Busy").secret)
    assert busy.get(PARTNERSHIPS).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM lp_cache")
        assert any("api-rate" in key for (key,) in cursor.fetchall())
    # As another process would: a cache object of its own, nothing in memory.
    caches["default"].close()
    del caches["default"]
    assert busy.get(PARTNERSHIPS).status_code == 200
    assert busy.get(PARTNERSHIPS).status_code == 429


def test_a_session_reads_and_writes_with_its_csrf_token(
    world: World, client_as: Callable[[str], Client]
) -> None:
    client = client_as("manager_a")
    assert client.get(PARTNERSHIPS).status_code == 200
    url = f"/api/v1/returns/{world.draft_return.pk}/answers/D1.3"
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    refused = strict.patch(url, '{"version": 1, "score": 2}', "application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    strict.get("/api/tokens/")
    csrf = strict.cookies["csrftoken"].value
    accepted = strict.patch(
        url, '{"version": 1, "score": 2}', "application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["score"] == 2


def test_the_token_services_refuse_by_themselves(world: World) -> None:
    """Whoever calls them (a page, a command), the services check the perm."""
    with pytest.raises(PermissionDenied):
        token_create(user=world.people["no_role"], name="Nope")
    created = token_create(user=world.people["manager_a"], name="Mine")
    for other in ("manager_b", "officer_a"):
        with pytest.raises(PermissionDenied):
            token_revoke(token=created.token, user=world.people[other])
    created.token.refresh_from_db()
    assert created.token.is_active
    assert not ApiToken.objects.filter(user=world.people["no_role"]).exists()


def test_the_documentation_page_lists_every_operation(
    world: World, client_as: Callable[[str], Client]
) -> None:
    from api.v1 import api

    page = client_as("officer_a").get("/api/v1/docs").content.decode()
    document = api.get_openapi_schema(path_params={})
    for path, operations in document["paths"].items():
        for operation in operations.values():
            assert f'id="{operation["operationId"]}"' in page, path
            assert f"<code>{path}</code>" in page
    assert "<code>Authorization: Bearer &lt;token&gt;</code>" in page


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("/api/v1/nowhere", "the documentation lists them all"),
        ("/api/v1/partnerships", "Did you mean /api/v1/partnerships/?"),
        ("/api/v1/returns/1/answers/D1.1/extra", "the documentation lists them"),
    ],
)
def test_an_address_that_is_no_endpoint_is_a_json_404(
    url: str, hint: str, world: World, api_as: Callable[[str], Client]
) -> None:
    for member in ("anonymous", "manager_a"):
        response = api_as(member).get(url)
        assert response.status_code == 404
        assert hint in response.json()["detail"]
