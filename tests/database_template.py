"""The test database, migrated once and copied for every test process.

Running every migration costs each test process half a minute. Instead the
migrations run once, into a template kept between runs and named by a
fingerprint of every migration file (and of Django's version and the cache
settings), so a changed migration builds a new one by itself. Each process then
copies the template:

- SQLite: the template is a file in the temporary folder, copied into the
  process's in-memory test database with SQLite's backup API;
- PostgreSQL: the template is a database ``test_<name>_tpl_<fingerprint>``,
  and each process's database is made with ``CREATE DATABASE ... TEMPLATE``.

The template is built by ``manage.py migrate`` (and ``createcachetable``) in a
process of its own, under a file lock, so that test processes starting
together build it once. ``pytest --create-db`` builds it again.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
import subprocess  # manage.py, run with this interpreter
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent


def migration_files() -> list[Path]:
    """Every migration file of every installed app: the project's own,
    Django's and third parties' (an upgrade that adds one builds a new
    template)."""
    files: list[Path] = []
    for app_config in apps.get_app_configs():
        folder = Path(app_config.path) / "migrations"
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.py")))
    return files


def fingerprint() -> str:
    """What the template's contents depend on, as a short hash."""
    digest = hashlib.sha256()
    for path in migration_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(django.get_version().encode())
    digest.update(repr(sorted(settings.INSTALLED_APPS)).encode())
    digest.update(repr(settings.CACHES).encode())
    return digest.hexdigest()[:12]


@contextmanager
def _locked(name: str) -> Iterator[None]:
    path = Path(tempfile.gettempdir()) / f"lp-test-template-{name}.lock"
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _migrate(database_url: str) -> None:
    """Migrations (and any cache table), in a process of its own (this one's
    connections point at the test databases)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    commands = [["migrate", "--noinput"]]
    if any("DatabaseCache" in cache["BACKEND"] for cache in settings.CACHES.values()):
        commands.append(["createcachetable"])
    for command in commands:
        subprocess.run(  # fixed arguments
            [sys.executable, str(ROOT / "manage.py"), *command, "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )


def _sqlite_template(rebuild: bool) -> Path:
    name = f"sqlite-{fingerprint()}"
    path = Path(tempfile.gettempdir()) / f"lp-test-template-{name}.sqlite3"
    with _locked(name):
        if rebuild or not path.exists():
            building = path.with_suffix(f".building-{os.getpid()}")
            building.unlink(missing_ok=True)
            _migrate(f"sqlite:///{building}")
            building.replace(path)
    return path


def _sqlite_copy(template: Path) -> None:
    connection = connections["default"]
    test_name = connection.creation._get_test_db_name()
    connection.close()
    settings.DATABASES["default"]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _pg_exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _pg_template_and_copy(rebuild: bool) -> None:
    connection = connections["default"]
    base = connection.settings_dict["NAME"]
    template = f"test_{base}_tpl_{fingerprint()}"
    test_name = connection.creation._get_test_db_name()
    quote = connection.ops.quote_name
    with _locked(f"pg-{template}"), connection._nodb_cursor() as cursor:
        if rebuild and _pg_exists(cursor, template):
            cursor.execute(f"DROP DATABASE {quote(template)}")
        if not _pg_exists(cursor, template):
            building = f"{template}_building"
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(building)}")
            cursor.execute(f"CREATE DATABASE {quote(building)}")
            url = _pg_url(connection.settings_dict, building)
            _migrate(url)
            cursor.execute(
                f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}"
            )
            _pg_drop_stale_templates(cursor, base, keep=template)
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_name)}")
        cursor.execute(f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(template)}")
    connection.close()
    settings.DATABASES["default"]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name


def _pg_drop_stale_templates(cursor, base: str, keep: str) -> None:
    """Templates of migrations since changed are dropped (one kept per
    database name is enough)."""
    cursor.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
        [f"test_{base}_tpl_%", keep],
    )
    for (name,) in cursor.fetchall():
        if not name.endswith("_building"):
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _pg_url(settings_dict: dict, name: str) -> str:
    from urllib.parse import quote

    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or ""
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    if host.startswith("/"):
        return f"postgres://{credentials}/{name}?host={quote(host, safe='')}"
    return f"postgres://{credentials}{host}{port}/{name}"


def setup_test_database(rebuild: bool = False) -> float:
    """Point the default connection at a fresh copy of the template; the
    seconds it took."""
    started = time.monotonic()
    vendor = connections["default"].vendor
    if vendor == "sqlite":
        _sqlite_copy(_sqlite_template(rebuild))
    elif vendor == "postgresql":
        _pg_template_and_copy(rebuild)
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"No test database template for {vendor}")
    return time.monotonic() - started


def teardown_test_database() -> None:
    connection = connections["default"]
    if connection.vendor == "postgresql":
        test_name = connection.settings_dict["NAME"]
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                f"DROP DATABASE IF EXISTS {connection.ops.quote_name(test_name)}"
            )
    else:
        connection.close()
