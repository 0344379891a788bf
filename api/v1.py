"""Version 1 of the JSON API (/api/v1/): its areas (routers/), how a request
authenticates (auth.py), and every refusal as JSON with a sentence saying
why: 401 without a valid token or session, 403 when the role is too low,
404 outside the user's scope, 422 for values not accepted, 429 past the
rate limit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from .auth import RateLimited, SignedInSession, TokenAuth
from .docs import GovukDocs
from .routers import AREAS

DESCRIPTION = """\
The Learning Partnerships self-assessment service's data, with the scope of
the person whose token is used: what they see in the pages, and nothing more.

Authenticate with a personal token (create one at *API tokens*, under your
name at the top of each page): `Authorization: Bearer <token>`. A browser
signed in to the service may also use its session (with its CSRF token in
`X-CSRFToken` on writes).

Lists are paged by cursor: pass a page's `next_cursor` as `?cursor=` for the
next page (`page_size` from 1 to 100, 50 when not given).
"""

api = NinjaAPI(
    title="Learning Partnerships self-assessment API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api:v1",
    auth=[TokenAuth(), SignedInSession()],
    # The document and its page are read, never posted to.
    docs_decorator=require_safe,
    docs=GovukDocs(),
)

for prefix, router in AREAS:
    api.add_router(prefix, router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    message = str(error)
    if message == "Unauthorized":
        message = (
            "Send a personal API token as 'Authorization: Bearer <token>', "
            "or sign in to the service."
        )
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, error: RateLimited) -> HttpResponse:
    response = api.create_response(request, {"detail": str(error)}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    message = str(error) or "You may not do this."
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    # Never says whether the object exists outside the user's scope.
    return api.create_response(
        request, {"detail": "Not found, or not yours to see."}, status=404
    )


def endpoint_not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Any other address under /api/v1/: a JSON 404 that says where to look
    (and the address with a slash, when that is an endpoint)."""
    message = "There is no such endpoint: the documentation lists them all."
    with_slash = f"{request.path}/"
    try:
        match = resolve(with_slash)
    except Resolver404:
        match = None
    if match is not None and match.url_name != "endpoint_not_found":
        message = f"There is no such endpoint. Did you mean {with_slash}?"
    return JsonResponse({"detail": message}, status=404)
