"""The pages every GOV.UK service has, open to everyone, signed in or not:
the accessibility statement, the privacy notice, the cookies, help and
contact, and the service's status in plain words."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from partnerships.models import Role

from .cookies import duration_words, service_cookies
from .status import service_status

# When the accessibility statement and the privacy notice were last written
# against what the service does: change it with them.
PREPARED_ON = datetime.date(2026, 12, 7)


def _contact() -> dict[str, Any]:
    return {
        "contact_email": settings.SERVICE_CONTACT_EMAIL,
        "reply_days": settings.SERVICE_REPLY_DAYS,
        "controller": settings.DATA_CONTROLLER_NAME,
        "data_protection_email": settings.DATA_PROTECTION_EMAIL,
        "prepared_on": PREPARED_ON,
    }


@login_not_required
@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html", _contact())


@login_not_required
@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/privacy.html",
        {
            **_contact(),
            "session_age": duration_words(settings.SESSION_COOKIE_AGE),
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


@login_not_required
@require_safe
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/cookies.html", {"cookies": service_cookies()})


@login_not_required
@require_safe
def help_and_contact(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/help.html",
        {
            **_contact(),
            "roles": Role,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "max_megabytes": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        },
    )


@login_not_required
@never_cache
@require_safe
def status(request: HttpRequest) -> HttpResponse:
    """For people; machines ask ``/healthz``. 503 when the database does not
    answer, so a monitor reading this page sees the failure too."""
    current = service_status()
    return render(
        request,
        "pages/status.html",
        {"status": current},
        status=200 if current.database_answers else 503,
    )
