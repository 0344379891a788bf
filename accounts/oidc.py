"""Where the identity provider is: its endpoints, from the explicit
OIDC_OP_*_ENDPOINT settings or else from its discovery document
(OIDC_OP_DISCOVERY), fetched on the first single sign-on after a start and
kept for the life of the process."""

from __future__ import annotations

import functools
from typing import Any

import requests
from django.conf import settings
from mozilla_django_oidc.utils import import_from_settings

# mozilla-django-oidc's setting names, and the discovery document's keys for them.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


class DiscoveryError(Exception):
    """The discovery document could not be fetched or lacks an endpoint."""


def configured() -> bool:
    """Single sign-on is offered: a client id and secret, and either a
    discovery document or every endpoint named."""
    if not (settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET):
        return False
    if settings.OIDC_OP_DISCOVERY:
        return True
    return all(getattr(settings, name, "") for name in ENDPOINTS)


def provider_name() -> str:
    return str(settings.OIDC_PROVIDER_NAME)


@functools.lru_cache(maxsize=4)
def _discovery(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise DiscoveryError(f"{url}: {error}") from error
    missing = [key for key in [*ENDPOINTS.values(), "issuer"] if not document.get(key)]
    if missing:
        raise DiscoveryError(f"{url} names no {', '.join(missing)}")
    return dict(document)


def issuer() -> str | None:
    """The issuer the ID token must name: the discovery document's, or the
    OIDC_OP_ISSUER setting when the endpoints are named one by one."""
    if settings.OIDC_OP_ISSUER:
        return str(settings.OIDC_OP_ISSUER)
    if settings.OIDC_OP_DISCOVERY:
        return str(_discovery(settings.OIDC_OP_DISCOVERY)["issuer"])
    return None


def setting(name: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, with the endpoints filled in from the
    discovery document when not named."""
    if name in ENDPOINTS:
        explicit = getattr(settings, name, "")
        if explicit:
            return explicit
        if settings.OIDC_OP_DISCOVERY:
            return _discovery(settings.OIDC_OP_DISCOVERY)[ENDPOINTS[name]]
    return import_from_settings(name, *default)


def forget_discovery() -> None:
    """Fetch the discovery document again on next use (after a change of
    provider, and between tests)."""
    _discovery.cache_clear()
