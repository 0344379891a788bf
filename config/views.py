"""Project-wide pages: the home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assessment import selectors as assessment_selectors
from partnerships import selectors

HOME_PARTNERSHIP_LIMIT = 10


def home(request: HttpRequest) -> HttpResponse:
    partnerships = selectors.partnership_list(user=request.user)
    counts = selectors.partnership_counts(user=request.user)
    return render(
        request,
        "home.html",
        {
            "partnerships": partnerships[:HOME_PARTNERSHIP_LIMIT],
            "counts": counts,
            "more": max(counts["total"] - HOME_PARTNERSHIP_LIMIT, 0),
            "returns": assessment_selectors.home_summary(user=request.user),
        },
    )


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
