"""Closed doors: the Content-Security-Policy, cookies, sign-in throttling,
password rules and Django's deployment checks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from reports.charts import chart_stylesheet

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_page_carries_a_policy_without_inline_script_or_style(
    client: Client,
) -> None:
    response = client.get("/accounts/login/")
    policy = _policy(response)

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "unsafe" not in response["Content-Security-Policy"]


def _inline_code(html: str) -> list[str]:
    """Inline scripts, style elements and style attributes: what the policy
    would block in a browser."""
    found = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    found += re.findall(r"<style\b[^>]*>", html)
    found += re.findall(r"""\sstyle=["']""", html)
    return found


def test_the_dashboard_with_its_charts_has_no_inline_script_or_style(
    client_as, return_a
) -> None:

    response = client_as("go_a").get("/dashboard/")

    assert response.status_code == 200
    assert "pygal-chart" in response.text
    assert _inline_code(response.text) == []


def test_the_charts_stylesheet_is_the_style_the_charts_are_drawn_with() -> None:
    """static/css/charts.css stands in for the style pygal puts inside each
    chart; after a change of reports.charts.STYLE run
    `python manage.py chart_stylesheet`."""
    on_disk = (ROOT / "static" / "css" / "charts.css").read_text(encoding="utf-8")

    assert on_disk == chart_stylesheet()
    # Plain CSS, not the XML-escaped text of the SVG's style element.
    assert "&gt;" not in on_disk
    assert ".pygal-chart .graph > .background{fill:white}" in on_disk


def test_session_and_csrf_cookies_are_http_only_and_same_site(
    client: Client, manager_a
) -> None:
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/", {"username": "manager_a", "password": PASSWORD}
    )

    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"


def _sign_in(client: Client, username: str, password: str):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="203.0.113.7",
    )


def test_sign_in_is_paused_after_five_failures_with_a_clear_page(
    client: Client, manager_a, manager_b
) -> None:
    for _ in range(4):
        response = _sign_in(client, "manager_a", "not it")
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.text

    response = _sign_in(client, "manager_a", "not it")

    assert response.status_code == 429
    assert "Sign-in paused after too many attempts" in response.text
    assert "wrong 5 times" in response.text
    assert "paused for 15 minutes" in response.text
    assert 'href="/accounts/password_reset/"' in response.text
    # Even the right password is refused while paused...
    response = _sign_in(client, "manager_a", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but only for that account.
    assert _sign_in(Client(), "manager_b", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_count(client: Client, manager_a) -> None:
    for _ in range(4):
        _sign_in(client, "manager_a", "not it")
    assert _sign_in(client, "manager_a", PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    for _ in range(4):
        assert _sign_in(client, "manager_a", "not it").status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short"),
        ("password123", "This password is too common"),
        ("83920174651", "This password is entirely numeric"),
        ("manager_a_2003", "too similar to the username"),
    ],
)
def test_passwords_follow_django_s_validators(
    client_as, password: str, message: str
) -> None:
    response = client_as("manager_a").post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": password,
            "new_password2": password,
        },
    )

    assert response.status_code == 200
    assert message in response.text


def test_production_settings_pass_django_s_deployment_checks() -> None:
    """Django's deployment checks find nothing with production settings.

    Slow: `manage.py check --deploy` runs in a process of its own, loading
    every app with production settings.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "k" * 20 + "Qz8-vT3_pL" * 5,
        "ALLOWED_HOSTS": "lp.example.org",
        "DATABASE_URL": "postgres://lp:secret@127.0.0.1:5432/lp",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_sends_hsts_and_secure_cookies() -> None:
    code = (
        "import config.settings.production as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "lp.example.org",
        "DATABASE_URL": "postgres://u:p@localhost/lp",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.stdout.split() == ["31536000", "True", "True", "True", "True"]


@pytest.mark.django_db
def test_an_overlong_username_is_refused_not_a_server_error(client: Client) -> None:
    """django-axes records the username of each failure: one longer than any
    username could be is cut to fit, on every database."""
    response = _sign_in(client, "0" * 300, "not it")

    assert response.status_code == 200
    assert "Enter a correct username and password" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/returns/1/dimensions/D1%00/",
        "/partnerships/1/ratings/2003%0004/",
        "/plans/1/act%00ion/1/remove/",
    ],
)
def test_a_nul_in_a_path_is_not_found(client_as, path: str) -> None:
    assert client_as("manager_a").get(path).status_code == 404
