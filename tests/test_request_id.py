"""Every request has an id: taken from the proxy's X-Request-ID when that is a
plain token, made otherwise; sent back in the response and carried by each log
line written while the request is served. Log lines are one per event."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from config.log_format import OneLineFormatter
from config.request_id import RequestIdFilter, current_request_id
from config.settings import base

ROOT = Path(__file__).resolve().parent.parent
MADE = re.compile(r"[0-9a-f]{32}")
LINE = re.compile(
    r"(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00) (?P<level>[A-Z]+) "
    r"(?P<logger>\S+) \[(?P<request_id>[^\]]+)\] (?P<message>.*)"
)


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the production log handler writes, from every logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        OneLineFormatter(base.LOGGING["formatters"]["one_line"]["format"])
    )
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def _lines(stream: io.StringIO) -> list[re.Match[str]]:
    lines = stream.getvalue().splitlines()
    matches = [LINE.fullmatch(line) for line in lines]
    assert all(matches), lines
    return [match for match in matches if match]


def test_a_request_without_an_id_is_given_a_new_one(client: Client, db) -> None:
    first = client.get("/accounts/login/")["X-Request-ID"]
    second = client.get("/accounts/login/")["X-Request-ID"]

    assert MADE.fullmatch(first)
    assert MADE.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "offered", ["4bf92f3577b34da6a3ce929d0e0e4736", "1-67891233.abc_de:f-0"]
)
def test_the_proxy_s_id_comes_back(client: Client, db, offered: str) -> None:
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID=offered)

    assert response["X-Request-ID"] == offered


@pytest.mark.parametrize(
    "offered",
    [
        "abc\ndef",
        "abc\r\nX-Injected: yes",
        "x" * 129,
        "<script>alert(1)</script>",
        "id with spaces",
        "ünïcode",
        "",
    ],
)
def test_an_unsafe_id_is_replaced(client: Client, db, offered: str) -> None:
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID=offered)

    assert MADE.fullmatch(response["X-Request-ID"])


def test_error_pages_carry_the_id_too(client: Client, db) -> None:
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-404")

    assert response.status_code in (302, 404)
    assert response["X-Request-ID"] == "req-404"


def test_log_lines_written_during_a_request_carry_its_id(
    client_as, log_lines: io.StringIO
) -> None:
    """Django logs "Not Found" once the middleware has returned: the id lasts
    until the response has been sent."""
    client = client_as("manager_a")

    response = client.get("/returns/999999/", HTTP_X_REQUEST_ID="req-1234")

    assert response.status_code == 404
    [line] = [m for m in _lines(log_lines) if m["logger"] == "django.request"]
    assert line["level"] == "WARNING"
    assert line["request_id"] == "req-1234"
    assert line["message"] == "Not Found: /returns/999999/"


def test_a_paused_sign_in_is_logged_with_its_id(
    client: Client, manager_a, log_lines: io.StringIO
) -> None:
    for _ in range(5):
        response = client.post(
            "/accounts/login/",
            {"username": "manager_a", "password": "not it"},
            HTTP_X_REQUEST_ID="req-429",
        )

    assert response.status_code == 429
    refused = [m for m in _lines(log_lines) if m["logger"] == "django.request"]
    assert refused
    assert {m["request_id"] for m in refused} == {"req-429"}


def test_outside_a_request_the_id_is_a_dash(
    client: Client, db, log_lines: io.StringIO
) -> None:
    client.get("/accounts/login/", HTTP_X_REQUEST_ID="req-done")

    logging.getLogger("lp.after").warning("After the request")

    [line] = [m for m in _lines(log_lines) if m["logger"] == "lp.after"]
    assert line["request_id"] == "-"
    assert current_request_id.get() == "-"


def test_a_traceback_stays_on_its_event_s_line(log_lines: io.StringIO) -> None:
    try:
        raise ValueError("went wrong")
    except ValueError:
        logging.getLogger("lp.test").exception("Failed to do it")

    [line] = _lines(log_lines)
    assert line["level"] == "ERROR"
    assert line["message"].startswith("Failed to do it\\nTraceback (most recent")
    assert line["message"].endswith("ValueError: went wrong")


def test_a_message_cannot_forge_a_log_line(log_lines: io.StringIO) -> None:
    typed = "manager_a\n2026-01-01T00:00:00.000+00:00 INFO fake [-] \x1b[2Jsigned in"

    logging.getLogger("lp.test").warning("Unknown username %s", typed)

    [line] = _lines(log_lines)
    assert line["message"] == (
        "Unknown username manager_a\\n2026-01-01T00:00:00.000+00:00 INFO fake [-] "
        "\\x1b[2Jsigned in"
    )


def test_production_writes_one_line_per_event() -> None:
    code = (
        "import django, logging; django.setup();"
        "logging.getLogger('lp.check').error('two\\nlines')"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
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
        check=True,
    )

    matches = [LINE.fullmatch(line) for line in result.stderr.splitlines()]
    assert all(matches), result.stderr
    assert ("ERROR", "lp.check", "-", "two\\nlines") in [
        (m["level"], m["logger"], m["request_id"], m["message"]) for m in matches if m
    ]
