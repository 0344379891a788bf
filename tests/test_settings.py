from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _import_production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_variables(missing: str) -> None:
    env = {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "lp.example.org",
        "DATABASE_URL": "postgres://u:p@localhost/lp",
    }
    del env[missing]

    result = _import_production(env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_starts_with_its_variables() -> None:
    result = _import_production(
        {
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "lp.example.org",
            "DATABASE_URL": "postgres://u:p@localhost/lp",
        }
    )

    assert result.returncode == 0, result.stderr


def test_database_url_unset_means_sqlite_in_the_project_folder() -> None:
    code = (
        "import config.settings.local as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    engine, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == ROOT / "db.sqlite3"


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("", "{'transaction_mode': 'IMMEDIATE', 'timeout': 10}"),
        (
            "sqlite:////tmp/lp.sqlite3",
            "{'transaction_mode': 'IMMEDIATE', 'timeout': 10}",
        ),
        ("postgres://u:p@localhost/lp", "{}"),
    ],
)
def test_sqlite_transactions_take_the_write_lock_when_they_begin(
    url: str, options: str
) -> None:
    """Of two writers the second waits for the first (tests/review/
    test_concurrency.py); PostgreSQL's row locks need no option."""
    code = (
        "import config.settings.local as s;"
        "print(s.DATABASES['default'].get('OPTIONS', {}))"
    )
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == options


def test_static_files_collect_under_the_production_storage(tmp_path: Path) -> None:
    """The manifest storage refuses a stylesheet that names a missing file.

    Slow: collectstatic runs for real, in a process with production settings,
    hashing every static file.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "lp.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "govuk/govuk-frontend.min.css" in manifest


def test_production_server_processes_share_one_cache_in_the_database() -> None:
    """The API's rate limit is counted in the cache: every process must read
    the same one."""
    env = {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "lp.example.org",
        "DATABASE_URL": "postgres://u:p@localhost/lp",
    }
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings.production as s; "
            "print(s.CACHES['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.db.DatabaseCache"
