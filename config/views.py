"""Project-wide pages: the home page, the health check, the page shown when
sign-in is paused after too many failed attempts, and the error pages."""

from __future__ import annotations

import sys
from typing import Any

import rules
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assessment import home as assessment_home
from partnerships import selectors

from .health import database_answers

HOME_PARTNERSHIP_LIMIT = 10


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    partnerships = list(
        selectors.partnership_list(user=request.user)[:HOME_PARTNERSHIP_LIMIT]
    )
    counts = selectors.partnership_counts(user=request.user)
    managed = (
        assessment_home.managed_partnerships(partnerships=partnerships)
        if rules.test_rule("partnerships.manages_partnerships", request.user)
        else []
    )
    return render(
        request,
        "home.html",
        {
            "partnerships": partnerships,
            "managed": managed,
            "today": timezone.localdate(),
            "counts": counts,
            "more": max(counts["total"] - HOME_PARTNERSHIP_LIMIT, 0),
            "returns": assessment_home.home_summary(user=request.user),
            "progress": assessment_home.home_progress(user=request.user),
        },
    )


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not."""
    if not database_answers():
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes' answer to a sign-in while paused: what happened, for how
    long, and what to do, with status 429 (Too Many Requests)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return render(
        request,
        "registration/locked_out.html",
        {
            "username": username,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django refuses as malformed or suspicious, such as one for a
    host the service does not answer to: 400, rendered without the request,
    as anything that asked for its host would be refused again."""
    return HttpResponseBadRequest(render_to_string("400.html"))


def server_error(request: HttpRequest) -> HttpResponse:
    """An unexpected error: 503 with Retry-After when the database cannot be
    reached (a restart or a failover: the next request reconnects by itself),
    500 otherwise. Never a stack trace; rendered without the request, whose
    user and session would need the database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(render_to_string("500.html"))


def sign_in_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The username django-axes counts failures under: as typed, cut to the
    longest a username can be (a longer one names no account, and would not
    fit the attempts table)."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return str(username or "")[: get_user_model().username.field.max_length]
