from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path

from . import views
from .v1 import api, endpoint_not_found

app_name = "api"


def _api_v1() -> tuple[list[URLPattern | URLResolver], str, str]:
    """The API's URLs. A request to the API authenticates itself (a token, or
    the session: api/auth.py) and is answered 401 in JSON, not sent to the
    sign-in page; only the documentation page is for people signed in."""
    patterns, app, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name != "openapi-view":
            # What django.contrib.auth.decorators.login_not_required sets
            # (ninja's views are made inside ninja, and the documents' are
            # partial objects).
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    # Last, after every endpoint: any other address is a JSON 404 too.
    patterns.append(
        path(
            "<path:rest>",
            login_not_required(endpoint_not_found),
            name="endpoint_not_found",
        )
    )
    return patterns, app, namespace


urlpatterns: list[URLPattern | URLResolver] = [
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("v1/", _api_v1()),
]
