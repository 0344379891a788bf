"""Until a second factor is given, a password sign-in that needs one reaches
only the pages that ask for it (and signing out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

# Set by the sign-in page on a password sign-in that needs a second factor
# (a national administrator's, or anyone's who has set up an authenticator
# app); cleared when a code is accepted. A session signed in any other way
# (single sign-on) never holds it.
SECOND_FACTOR_DUE = "accounts.second_factor_due"

OPEN_WHILE_DUE = {
    "accounts:second_factor",
    "accounts:second_factor_setup",
    "accounts:recovery_codes",
    "logout",
}


class SecondFactorMiddleware:
    """After AuthenticationMiddleware and django-otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if not request.session.get(SECOND_FACTOR_DUE):
            return None
        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_WHILE_DUE:
            return None
        target = reverse("accounts:second_factor")
        if request.method in ("GET", "HEAD"):
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
