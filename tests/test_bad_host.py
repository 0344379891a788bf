"""A request for a host the service does not answer to gets the service's own
400 page, under the production settings: never a stack trace, never a 500.

Django refuses such a Host header (DisallowedHost) wherever anything asks for
the request's host: the HTTPS redirect, CSRF's referer check, the error page.
The 400 page is drawn without the request, so it cannot ask again.
"""

from __future__ import annotations

import logging

import pytest
from django.template.loader import get_template
from django.test import Client, override_settings

from config import views

PRODUCTION = {
    "DEBUG": False,
    "ALLOWED_HOSTS": ["lp.example.org"],
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "CSRF_TRUSTED_ORIGINS": ["https://lp.example.org"],
}
BAD_HOST = "evil.example.com"
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


def _assert_the_400_page(response) -> None:
    assert response.status_code == 400
    text = response.content.decode()
    assert "Something was wrong with the request" in text
    assert 'lang="en-GB"' in text
    assert "Traceback" not in text
    assert "DisallowedHost" not in text
    assert BAD_HOST not in text


@pytest.fixture
def production():
    with override_settings(**PRODUCTION):
        yield


@pytest.mark.parametrize("https", [True, False], ids=["https", "plain http"])
def test_a_bad_host_gets_the_400_page(production, db, https: bool) -> None:
    client = Client(raise_request_exception=False)
    extra = HTTPS if https else {}

    response = client.get("/accounts/login/", HTTP_HOST=BAD_HOST, **extra)

    _assert_the_400_page(response)


def test_a_post_with_a_bad_host_gets_the_400_page(production, db) -> None:
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)

    response = client.post(
        "/accounts/login/",
        {"username": "manager_a", "password": "anything"},
        HTTP_HOST=BAD_HOST,
        HTTP_REFERER=f"https://{BAD_HOST}/accounts/login/",
        **HTTPS,
    )

    _assert_the_400_page(response)


def test_a_signed_in_user_with_a_bad_host_gets_the_400_page(
    production, manager_a
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(manager_a, backend="partnerships.backends.PasswordBackend")

    for response in (
        client.get("/", HTTP_HOST=BAD_HOST, **HTTPS),
        client.get("/reviews/", HTTP_HOST=BAD_HOST, **HTTPS),
        client.post("/accounts/logout/", HTTP_HOST=BAD_HOST, **HTTPS),
    ):
        _assert_the_400_page(response)


def test_the_refusal_is_logged_once_without_a_traceback(production, db, caplog) -> None:
    with caplog.at_level(logging.ERROR):
        Client(raise_request_exception=False).get("/", HTTP_HOST=BAD_HOST, **HTTPS)

    refused = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert len(refused) == 1
    assert not any(r.name == "django.request" and r.exc_info for r in caplog.records)


def test_an_allowed_host_is_still_served(production, db) -> None:
    response = Client().get("/accounts/login/", HTTP_HOST="lp.example.org", secure=True)

    assert response.status_code == 200


def test_the_400_page_never_asks_for_the_host(rf) -> None:
    """Rendered for a request whose every host look-up would fail."""
    request = rf.get("/", HTTP_HOST=BAD_HOST)

    def refuse() -> str:
        raise AssertionError("the 400 page asked for the request's host")

    request.get_host = refuse  # type: ignore[method-assign]
    request.build_absolute_uri = refuse  # type: ignore[method-assign]

    response = views.bad_request(request, exception=Exception())

    assert response.status_code == 400
    assert "Something was wrong with the request" in response.content.decode()
    for name in ("400.html", "error_page.html"):
        source = get_template(name).template.source
        assert "request." not in source
        assert "{{ request" not in source
