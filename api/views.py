"""The pages of a user's personal API tokens: list, create (the secret shown
once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from partnerships.users import AuthenticatedHttpRequest

from . import services
from .forms import TokenForm
from .models import ApiToken
from .selectors import tokens_for_user

USE_TOKENS = "api.use_tokens"
# Where a new token waits, in its owner's session, for the one page that
# shows it: the list the creation redirects to takes it out.
JUST_CREATED = "api_just_created"


def _check_may_use_tokens(request: HttpRequest) -> None:
    if not request.user.has_perm(USE_TOKENS):
        raise PermissionDenied(
            "API tokens are for people with a role in the service: ask a "
            "national administrator for one."
        )


def _get_token_for_user(request: HttpRequest, pk: int) -> ApiToken:
    """One of the user's own tokens; anyone else's is 404."""
    return get_object_or_404(tokens_for_user(request.user), pk=pk)


@require_safe
def token_list(request: HttpRequest) -> HttpResponse:
    _check_may_use_tokens(request)
    created = request.session.pop(JUST_CREATED, None)
    response = render(
        request,
        "api/token_list.html",
        {"tokens": list(tokens_for_user(request.user)), "created": created},
    )
    if created:
        # Shown on this response only: kept nowhere, not even in a cache.
        response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _check_may_use_tokens(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        created = services.token_create(
            user=request.user, name=form.cleaned_data["name"]
        )
        request.session[JUST_CREATED] = {
            "name": created.token.name,
            "secret": created.secret,
        }
        return redirect("api:tokens")
    return render(request, "api/token_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = _get_token_for_user(request, pk)
    if not request.user.has_perm("api.revoke_token", token):
        raise PermissionDenied("Only its owner revokes a token.")
    if request.method == "POST":
        if token.is_active:
            services.token_revoke(token=token, user=request.user)
            messages.success(request, f"The token '{token.name}' is revoked.")
        return redirect("api:tokens")
    return render(request, "api/token_revoke.html", {"token": token})
