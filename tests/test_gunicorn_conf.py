"""gunicorn.conf.py, as README's serve command uses it: values that fit the
service, accepted by gunicorn, and an access log that names each request's id."""

from __future__ import annotations

import os
import re
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")
REQUEST_CEILING_SECONDS = 10


def _load(monkeypatch: pytest.MonkeyPatch, cores: int, **env: str) -> dict:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
    return runpy.run_path(str(CONF))


@pytest.mark.parametrize(("cores", "workers"), [(1, 3), (2, 5), (8, 17)])
def test_workers_are_twice_the_usable_cores_plus_one_of_four_threads(
    monkeypatch, cores: int, workers: int
) -> None:
    conf = _load(monkeypatch, cores)

    assert conf["workers"] == workers
    # Threads, so that a slow request does not hold up the quick ones queued
    # behind it (bench/load.py --busy measured sync workers collapsing).
    assert conf["threads"] == 4
    assert conf["worker_class"] == "gthread"
    assert conf["keepalive"] == 0  # no idle connection closed under a request


def test_web_concurrency_sets_the_workers(monkeypatch) -> None:
    assert _load(monkeypatch, 8, WEB_CONCURRENCY="3")["workers"] == 3


def test_gunicorn_threads_sets_the_threads_and_one_means_sync_workers(
    monkeypatch,
) -> None:
    eight = _load(monkeypatch, 2, GUNICORN_THREADS="8")
    assert (eight["threads"], eight["worker_class"]) == (8, "gthread")

    one = _load(monkeypatch, 2, GUNICORN_THREADS="1")
    assert (one["threads"], one["worker_class"]) == (1, "sync")


def test_timeouts_stop_only_stuck_workers(monkeypatch) -> None:
    conf = _load(monkeypatch, 2)

    assert conf["timeout"] >= 2 * REQUEST_CEILING_SECONDS
    assert conf["timeout"] <= 60  # under what proxies commonly wait
    assert REQUEST_CEILING_SECONDS < conf["graceful_timeout"] <= conf["timeout"]
    assert conf["max_requests"] > 0
    assert 0 < conf["max_requests_jitter"] < conf["max_requests"]


def test_the_access_log_goes_to_standard_output_with_time_and_id(
    monkeypatch,
) -> None:
    conf = _load(monkeypatch, 2, LOG_LEVEL="WARNING")

    assert conf["accesslog"] == "-"
    assert "%(M)s" in conf["access_log_format"]  # duration in milliseconds
    assert "%(t)s" in conf["access_log_format"]
    assert "%({x-request-id}o)s" in conf["access_log_format"]
    assert conf["loglevel"] == "warning"
    assert conf["bind"] == "127.0.0.1:8000"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_with_it_and_logs_each_request(tmp_path: Path) -> None:
    """gunicorn starts with gunicorn.conf.py, serves and logs each request.

    Slow: a real gunicorn starts its workers and is asked over loopback.
    """
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECURE_SSL_REDIRECT": "false",
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen(
        [GUNICORN, "-c", CONF, "--bind", f"127.0.0.1:{port}", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/healthz",
                    headers={"X-Request-ID": "req-gunicorn-1"},
                    timeout=30,
                )
                break
            except httpx.ConnectError:
                # Until gunicorn listens; a worker still starting is waited for.
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=30)

    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "req-gunicorn-1"
    access = [line for line in stdout.splitlines() if "/healthz" in line]
    assert len(access) == 1, stdout
    assert re.fullmatch(
        r'\[[^\]]+\] 127\.0\.0\.1 "GET /healthz HTTP/1\.1" 200 \d+ \d+ms '
        r"\[req-gunicorn-1\]",
        access[0],
    ), access[0]
    assert "Traceback" not in stderr
