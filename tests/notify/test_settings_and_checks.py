"""Notify is chosen by its key, its templates read from the environment, and
`manage.py check` says which kinds of email would go without a template."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from .conftest import KINDS, TEMPLATES

ROOT = Path(__file__).resolve().parent.parent.parent
KEY = (
    "lp_live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
)
PRINT = (
    "import json, config.settings.{module} as s;"
    "print(json.dumps([s.EMAIL_BACKEND, s.NOTIFY_API_KEY, s.NOTIFY_TEMPLATES]))"
)


def _settings(module: str, env: dict[str, str]) -> list:
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("NOTIFY_") and name != "DJANGO_SETTINGS_MODULE"
    }
    production = {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "lp.example.org",
        "DATABASE_URL": "postgres://u:p@localhost/lp",
    }
    result = subprocess.run(
        [sys.executable, "-c", PRINT.format(module=module)],
        cwd=ROOT,
        env={**clean, **production, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_production_sends_through_notify_when_its_key_is_set() -> None:
    backend, key, templates = _settings(
        "production",
        {
            "NOTIFY_API_KEY": KEY,
            "NOTIFY_TEMPLATE_SUBMITTED": TEMPLATES["submitted"],
            "NOTIFY_TEMPLATE_PASSWORD_RESET": f" {TEMPLATES['password_reset']} ",
            "NOTIFY_TEMPLATE_DEFAULT": TEMPLATES["other"],
            "NOTIFY_TEMPLATE_ACCEPTED": "",
        },
    )

    assert backend == "govuk.notify.NotifyEmailBackend"
    assert key == KEY
    assert templates == {
        "submitted": TEMPLATES["submitted"],
        "password_reset": TEMPLATES["password_reset"],
        "default": TEMPLATES["other"],
    }


@pytest.mark.parametrize(
    ("module", "backend"),
    [
        ("production", "django.core.mail.backends.smtp.EmailBackend"),
        ("local", "django.core.mail.backends.console.EmailBackend"),
    ],
)
def test_without_a_key_the_mail_server_as_before(module: str, backend: str) -> None:
    assert _settings(module, {"NOTIFY_TEMPLATE_DEFAULT": TEMPLATES["other"]})[0] == (
        backend
    )


def test_the_tests_never_take_notify_from_the_environment() -> None:
    assert _settings("test", {"NOTIFY_API_KEY": KEY})[:2] == [
        "django.core.mail.backends.locmem.EmailBackend",
        "",
    ]


def _problems() -> list[tuple[str, str]]:
    return [(p.id, p.msg) for p in checks.run_checks(tags=["email"])]


def test_no_key_no_complaint(settings) -> None:
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_TEMPLATES = {}
    assert _problems() == []


def test_a_template_for_every_kind_no_complaint(settings) -> None:
    settings.NOTIFY_API_KEY = KEY
    settings.NOTIFY_TEMPLATES = dict(TEMPLATES)
    assert _problems() == []


def test_a_default_covers_every_kind(settings) -> None:
    settings.NOTIFY_API_KEY = KEY
    settings.NOTIFY_TEMPLATES = {"default": TEMPLATES["other"]}
    assert _problems() == []


def test_kinds_without_a_template_or_default_are_named(settings) -> None:
    settings.NOTIFY_API_KEY = KEY
    settings.NOTIFY_TEMPLATES = {
        kind: TEMPLATES[kind]
        for kind in KINDS
        if kind not in {"accepted", "password_reset"}
    }

    ((check_id, message),) = _problems()

    assert check_id == "govuk.W001"
    assert message.endswith("which will fail: accepted, password_reset.")
    # A warning: the service still starts.
    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "NOTIFY_TEMPLATE_ACCEPTED, NOTIFY_TEMPLATE_PASSWORD_RESET" in out.getvalue()


def test_a_misspelt_variable_and_a_bad_id_are_named(settings) -> None:
    settings.NOTIFY_API_KEY = KEY
    settings.NOTIFY_TEMPLATES = {
        "default": TEMPLATES["other"],
        "submited": TEMPLATES["submitted"],
        "accepted": "Self-assessment accepted",
    }

    assert _problems() == [
        (
            "govuk.W002",
            "NOTIFY_TEMPLATE_SUBMITED names no kind of email; it is not used.",
        ),
        ("govuk.W003", "NOTIFY_TEMPLATE_ACCEPTED is not a template id."),
    ]


def test_a_key_that_is_not_a_notify_key_stops_the_service(settings) -> None:
    settings.NOTIFY_API_KEY = "3d844edf-8d35-48ac-975b-e847b4f122b0"
    settings.NOTIFY_TEMPLATES = dict(TEMPLATES)

    assert [check_id for check_id, _ in _problems()] == ["govuk.E001"]
    with pytest.raises(SystemCheckError, match="NOTIFY_API_KEY"):
        call_command("check")
