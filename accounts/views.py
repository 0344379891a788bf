"""Signing in: the password page (which asks for a second factor where one is
due), single sign-on by OpenID Connect, and the second factor's own pages."""

from __future__ import annotations

import logging
from base64 import b32encode
from binascii import unhexlify
from typing import Any
from urllib.parse import urlencode

import django_otp
import requests
import rules
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from partnerships.users import AuthenticatedHttpRequest

from . import oidc, selectors, services
from .backends import REFUSAL, Refusal
from .forms import CodeForm, ManageForm, SetUpForm
from .middleware import SECOND_FACTOR_DUE

logger = logging.getLogger(__name__)

# The secret of an authenticator app being set up, until a code confirms it;
# the recovery codes just made, until shown (once).
SETUP_KEY = "accounts.authenticator_key"
NEW_CODES = "accounts.recovery_codes"
SSO_BACKEND = "accounts.backends.StaffSSOBackend"


def _next_url(request: HttpRequest) -> str:
    """Where to go once done: ?next= when it is this service's, else home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class SignInView(LoginView):
    """Django's sign-in page, offering single sign-on when configured, and
    asking for a second factor after a password where one is due."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if oidc.configured():
            next_url = self.get_redirect_url()
            context["sso_provider"] = oidc.provider_name()
            context["sso_url"] = reverse("accounts:oidc_start") + (
                "?" + urlencode({"next": next_url}) if next_url else ""
            )
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if (
            rules.test_rule("accounts.second_factor_required", user)
            or selectors.authenticator_of(user=user) is not None
        ):
            self.request.session[SECOND_FACTOR_DUE] = True
            return HttpResponseRedirect(
                _with_next("accounts:second_factor", self.get_success_url())
            )
        return response


@login_not_required
def admin_sign_in(
    request: HttpRequest, extra_context: dict[str, Any] | None = None
) -> HttpResponse:
    """Django admin's own sign-in page, replaced by the service's: one door,
    where the second factor is asked."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


def _wait_message(check: services.Check) -> str:
    if check.wait_until is None:
        return (
            "The code is not right. Enter the code your authenticator app shows "
            "now, or one of your recovery codes"
        )
    seconds = max(1, round((check.wait_until - timezone.now()).total_seconds()))
    return (
        f"Too many wrong codes. Wait {seconds} second{'s' if seconds != 1 else ''}, "
        "then enter the code your authenticator app shows"
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def second_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The code after a password: from the authenticator app, or a recovery
    code (each works once)."""
    next_url = _next_url(request)
    if request.user.is_verified():  # type: ignore[attr-defined]
        request.session.pop(SECOND_FACTOR_DUE, None)
        return redirect(next_url)
    if selectors.authenticator_of(user=request.user) is None:
        return redirect(_with_next("accounts:second_factor_setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.second_factor_check(
            user=request.user, code=form.cleaned_data["code"]
        )
        if check.device is not None:
            # A step up in what the session may do: a new session key.
            request.session.cycle_key()
            django_otp.login(request, check.device)
            request.session.pop(SECOND_FACTOR_DUE, None)
            if check.device.persistent_id.startswith("otp_static"):
                left = selectors.recovery_codes_left(user=request.user)
                messages.warning(
                    request,
                    f"You used a recovery code: {left} left. "
                    "Get new ones from your second factor page.",
                )
            return redirect(next_url)
        form.add_error("code", _wait_message(check))
    return render(
        request, "accounts/second_factor.html", {"form": form, "next": next_url}
    )


def _secret_for_typing(key: str) -> str:
    """The secret as authenticator apps take it: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def second_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app: a QR code (and the secret, to type in),
    confirmed by one of its codes; then the recovery codes, shown once."""
    next_url = _next_url(request)
    if selectors.authenticator_of(user=request.user) is not None:
        return redirect("accounts:second_factor_manage")
    key = request.session.get(SETUP_KEY)
    if not key:
        key = request.session[SETUP_KEY] = default_key()
    form = SetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = services.authenticator_set_up(
            user=request.user, key=key, code=form.cleaned_data["code"]
        )
        if done is not None:
            device, codes = done
            request.session.cycle_key()
            django_otp.login(request, device)
            request.session.pop(SETUP_KEY, None)
            request.session.pop(SECOND_FACTOR_DUE, None)
            request.session[NEW_CODES] = codes
            return redirect(_with_next("accounts:recovery_codes", next_url))
        form.add_error(
            "code",
            "The code is not right. Check the app was set up with this page's "
            "QR code or secret, and enter the code it shows now",
        )
    unsaved = TOTPDevice(user=request.user, key=key)
    qr_code = segno.make(unsaved.config_url, error="m").svg_inline(
        scale=4, border=2, title="QR code for your authenticator app"
    )
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            # segno's own SVG of a URL this page made: no user text in it.
            "qr_code": mark_safe(qr_code),  # noqa: S308  # nosec B308 B703
            "secret": _secret_for_typing(key),
            "required": rules.test_rule(
                "accounts.second_factor_required", request.user
            ),
        },
    )


@never_cache
@require_safe
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The recovery codes just made, shown this once."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("accounts:second_factor_manage")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def second_factor_manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's second factor: whether set up, recovery codes left; new
    recovery codes or removal, each after a current code."""
    device = selectors.authenticator_of(user=request.user)
    if device is None and request.method == "POST":
        return redirect("accounts:second_factor_setup")
    form = ManageForm(request.POST or None, action=request.POST.get("action"))
    if request.method == "POST" and form.is_valid():
        check = services.second_factor_check(
            user=request.user, code=form.cleaned_data["code"]
        )
        if check.device is None:
            form.add_error("code", _wait_message(check))
        elif form.action == "codes":
            request.session[NEW_CODES] = services.recovery_codes_renew(
                user=request.user
            )
            return redirect("accounts:recovery_codes")
        else:
            services.second_factor_remove(user=request.user)
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            messages.success(request, "Your authenticator app was removed.")
            required = rules.test_rule("accounts.second_factor_required", request.user)
            if required and request.session.get(BACKEND_SESSION_KEY) != SSO_BACKEND:
                # Signed in with a password: a new one before anything else.
                request.session[SECOND_FACTOR_DUE] = True
                return redirect("accounts:second_factor_setup")
            return redirect("accounts:second_factor_manage")
    return render(
        request,
        "accounts/second_factor_manage.html",
        {
            "form": form,
            "device": device,
            "codes_left": (
                selectors.recovery_codes_left(user=request.user) if device else 0
            ),
            "required": rules.test_rule(
                "accounts.second_factor_required", request.user
            ),
        },
    )


# Single sign-on: mozilla-django-oidc's views, reading the provider's
# endpoints from its discovery document; 404 while not configured.


class _SignOnStart(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc.setting)


class _SignOnCallback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc.setting)

    def login_success(self) -> HttpResponse:
        # The provider asked for whatever second factor it asks for.
        self.request.session.pop(SECOND_FACTOR_DUE, None)
        return super().login_success()  # type: ignore[no-any-return]

    def login_failure(self) -> HttpResponse:
        reason, email = getattr(self.request, REFUSAL, ("", ""))
        return render(
            self.request,
            "accounts/sso_refused.html",
            {
                "provider": oidc.provider_name(),
                "reason": reason,
                "email": email,
                "reasons": Refusal,
            },
            status=403,
        )


def _sso_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    logger.warning("Identity provider unreachable: %s", error)
    return render(
        request,
        "accounts/sso_unavailable.html",
        {"provider": oidc.provider_name()},
        status=503,
    )


def _sso_view(view: Any) -> Any:
    def answer(request: HttpRequest) -> HttpResponseBase:
        if not oidc.configured():
            raise Http404("Single sign-on is not configured")
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        try:
            oidc.setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
            return view(request)  # type: ignore[no-any-return]
        except (oidc.DiscoveryError, requests.RequestException) as error:
            return _sso_unavailable(request, error)

    return login_not_required(never_cache(answer))


oidc_start = _sso_view(_SignOnStart.as_view())
oidc_callback = _sso_view(_SignOnCallback.as_view())
