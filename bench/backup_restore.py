"""Back up, wipe, restore and compare: proof that a backup brings everything back.

    python bench/backup_restore.py                # SQLite, in a temporary folder
    DATABASE_URL=postgres://lp@127.0.0.1:5432/lp_scratch \\
        python bench/backup_restore.py --yes-wipe # PostgreSQL: DROPS that database

Migrates, loads data unless it is there (load_demo, generate_scale_data, an
evidence file, a text with unusual characters, a pack of development plans),
fingerprints every table (each row hashed, every column) and every file under
MEDIA_ROOT (sha256), then for each method:

- native: scripts/backup.sh (pg_dump --format=custom, or SQLite's online
  backup API; tar of MEDIA_ROOT), wipe, scripts/restore.sh (pg_restore into a
  freshly created database, or the file copied back);
- dumpdata: manage.py dumpdata --natural-foreign (contenttypes and
  permissions left out) and a tar of MEDIA_ROOT, wipe, migrate, loaddata;

checks that `migrate` has nothing left to apply and that no id sequence is
behind its table, fingerprints again and compares table by table. Prints the
counts and "round trip: identical", or the differences and exits 1.

SQLite: always a new temporary folder for the database and MEDIA_ROOT (the
project's db.sqlite3 and media/ are never opened; --sqlite-from copies a
database in as the starting data, read-only). PostgreSQL: --database-url or
DATABASE_URL, --yes-wipe, and a database whose name says it is scratch
(scratch, test, tmp, temp, bench, restore, throwaway) unless --force; MEDIA_ROOT
is a temporary folder unless --media-root.
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import functools
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRATCH_NAME = re.compile(r"scratch|test|tmp|temp|bench|restore|throwaway", re.I)
UNUSUAL_TEXT = (
    "Backup check: naïve café, Größe, 日本語, emoji 😀, <b>markup</b> & "
    "=SUM(A1), a vertical tab from Word\x0bhere, a line separator\u2028and "
    "a right-to-left mark \u200f, quotes ‘’“”."
)


# --------------------------------------------------------------------------
# Setting up: where the throwaway database and files live


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        help="PostgreSQL (or SQLite) database to use and WIPE; default DATABASE_URL "
        "when it is PostgreSQL, else a temporary SQLite file",
    )
    parser.add_argument("--media-root", help="MEDIA_ROOT to use and WIPE")
    parser.add_argument("--yes-wipe", action="store_true")
    parser.add_argument("--force", action="store_true", help="allow any name")
    parser.add_argument(
        "--method", choices=["native", "dumpdata", "both"], default="both"
    )
    parser.add_argument(
        "--dump-format",
        choices=["json", "jsonl", "xml", "yaml"],
        default="yaml",
        help="dumpdata format: yaml (default) is exact; json and jsonl cut "
        "datetimes to the millisecond; xml refuses control characters in text",
    )
    parser.add_argument(
        "--natural-primary",
        action="store_true",
        help="also dumpdata --natural-primary (users are then renumbered on load)",
    )
    parser.add_argument("--partnerships", type=int, default=200)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--no-pack", action="store_true", help="skip the pack PDFs")
    parser.add_argument("--sqlite-from", help="copy this SQLite database in first")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="PostgreSQL: drop the database first and load the data again",
    )
    parser.add_argument(
        "--tamper",
        action="store_true",
        help="after restoring, change a score, delete a history row and a "
        "byte of a file: the check must then fail",
    )
    return parser.parse_args()


def choose_locations(args: argparse.Namespace, temp: Path) -> tuple[str, Path]:
    """The database URL and MEDIA_ROOT to work on, refusing anything that
    could be someone's real data."""
    url = args.database_url
    if url is None and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        url = os.environ["DATABASE_URL"]
    if url is None:
        url = f"sqlite:///{temp / 'db.sqlite3'}"
        if args.sqlite_from:
            copy_sqlite(Path(args.sqlite_from), temp / "db.sqlite3")
    else:
        if not args.yes_wipe:
            sys.exit(f"{redact(url)} would be DROPPED and re-created: add --yes-wipe.")
        if url.startswith("sqlite"):
            path = Path(url.split("://", 1)[1][1:]).resolve()
            if path == (ROOT / "db.sqlite3").resolve() and not args.force:
                sys.exit("Refusing the project's db.sqlite3 (use the default).")
        else:
            name = url.rsplit("/", 1)[-1].split("?")[0]
            if name in ("postgres", "template0", "template1"):
                sys.exit(f"Refusing PostgreSQL's own database {name!r}.")
            if not SCRATCH_NAME.search(name) and not args.force:
                sys.exit(
                    f"Refusing database {name!r}: its name does not say it is a "
                    "scratch database (scratch, test, tmp, ...). --force overrides."
                )
    media = temp / "media"
    if args.media_root:
        if not args.yes_wipe:
            sys.exit(f"MEDIA_ROOT {args.media_root} would be wiped: add --yes-wipe.")
        media = Path(args.media_root).resolve()
        if media == (ROOT / "media").resolve() and not args.force:
            sys.exit("Refusing the project's media/ folder.")
    return url, media


def redact(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy by SQLite's online backup API, the source read-only."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()


# --------------------------------------------------------------------------
# Data: loaded once, unless it is there already


def seed(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    from assessment.evidence import evidence_upload
    from assessment.models import Answer, EvidenceFile, ReturnStatus
    from partnerships.models import LearningPartnership, Profile, Role
    from plans.models import DevelopmentPlan
    from reports.models import Pack
    from reports.packs import pack_request

    started = time.perf_counter()
    did = []
    if not LearningPartnership.objects.filter(name="Hull").exists():
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        did.append("load_demo")
    synthetic = LearningPartnership.objects.filter(name__startswith="Synthetic")
    if synthetic.count() < args.partnerships:
        call_command(
            "generate_scale_data",
            partnerships=args.partnerships,
            years=args.years,
            stdout=open(os.devnull, "w"),  # noqa: SIM115
        )
        did.append(f"generate_scale_data {args.partnerships} x {args.years}")
    user_model = get_user_model()
    if not user_model.objects.filter(username="backup-check-deleted").exists():
        # Real databases have holes in their ids (deleted accounts); make one,
        # so that a restore that renumbers rows would show.
        gone = user_model.objects.create_user("backup-check-deleted-tmp")
        user_model.objects.create_user("backup-check-deleted", is_active=False)
        gone.delete()
        did.append("an id gap")
    if not Session.objects.exists():
        # A signed-in session: after a restore it must still be the same person.
        for username in ("manager", "officer"):
            person = user_model.objects.filter(username=username).first()
            if person is not None:
                Client().force_login(person)
        did.append("sessions")
    answer = (
        Answer.objects.filter(
            return_record__status=ReturnStatus.DRAFT,
            return_record__partnership__name__in=["Hull", "Doncaster", "Leeds"],
        )
        .order_by("pk")
        .first()
    ) or Answer.objects.filter(return_record__status=ReturnStatus.DRAFT).first()
    if (
        answer is not None
        and not Answer.objects.filter(evidence__startswith="Backup check:").exists()
    ):
        answer.evidence = UNUSUAL_TEXT
        answer.version += 1
        answer.save()  # a history row too
        did.append("unusual text")
    if answer is not None and not EvidenceFile.objects.exists():
        manager = answer.return_record.partnership.managers.first()
        evidence_upload(
            answer=answer,
            upload=SimpleUploadedFile("evidence.pdf", tiny_pdf()),
            user=manager,
        )
        evidence_upload(
            answer=answer,
            upload=SimpleUploadedFile("photo.png", tiny_png()),
            user=manager,
        )
        did.append("2 evidence files")
    plan = DevelopmentPlan.objects.select_related("partnership").first()
    admin = Profile.objects.filter(role=Role.NATIONAL_ADMIN).first()
    if not args.no_pack and not Pack.objects.exists() and plan and admin:
        pack_request(
            user=admin.user, period=plan.period, region=plan.partnership.region
        )
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, verbosity=0
        )
        did.append("a pack")
    if did:
        print(f"Loaded: {', '.join(did)} ({time.perf_counter() - started:.1f} s)")
    else:
        print("Data already there; nothing loaded.")


def tiny_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\x00\xff\x00\x00\x00\x00\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------
# Fingerprint: every row of every table, every column; every file


@dataclass
class Table:
    rows: dict[str, str] = field(default_factory=dict)  # key -> hash of the row
    # The same with datetimes cut to the millisecond, to tell a lossy format's
    # rounding apart from real differences.
    rows_ms: dict[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        whole = hashlib.sha256()
        for key in sorted(self.rows):
            whole.update(f"{key}\0{self.rows[key]}\n".encode())
        return whole.hexdigest()


def canonical(value: Any, ms: bool = False) -> Any:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        if ms:
            value = value.replace(microsecond=value.microsecond // 1000 * 1000)
        return "dt:" + value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return "dec:" + str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "bytes:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): canonical(v, ms) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v, ms) for v in value]
    return value


def row_hash(values: Any, ms: bool = False) -> str:
    text = json.dumps(
        canonical(values, ms), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(media: Path) -> dict[str, Table]:
    """Every model's table (auto-created many-to-many tables too), keyed by
    primary key; content types and permissions by their natural keys, since a
    fresh `migrate` numbers them itself. Then the migrations applied, each
    table's columns and raw row count, and every file under MEDIA_ROOT."""
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    ContentType.objects.clear_cache()
    content_types = {
        ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()
    }
    permissions = {
        p.pk: f"{content_types[p.content_type_id]}.{p.codename}"
        for p in Permission.objects.all()
    }
    tables: dict[str, Table] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        fields = list(meta.concrete_fields)
        mappers = []
        for f in fields:
            related = f.related_model if f.is_relation else None
            if related is ContentType:
                mappers.append(content_types.get)
            elif related is Permission:
                mappers.append(permissions.get)
            else:
                mappers.append(None)
        pk_index = fields.index(meta.pk)
        natural = model in (ContentType, Permission) or meta.auto_created
        table = Table()
        query = model._base_manager.order_by().values_list(*[f.attname for f in fields])
        for row in query.iterator(chunk_size=5000):
            values = [
                mapper(value) if mapper is not None and value is not None else value
                for mapper, value in zip(mappers, row, strict=True)
            ]
            if model is ContentType:
                values[pk_index] = None
                key = content_types[row[pk_index]]
            elif model is Permission:
                values[pk_index] = None
                key = permissions[row[pk_index]]
            elif natural:  # many-to-many rows: the pair, not the row id
                values[pk_index] = None
                key = json.dumps(canonical(values))
            else:
                key = json.dumps(canonical(row[pk_index]))
            table.rows[key] = row_hash(values)
            table.rows_ms[key] = row_hash(values, ms=True)
        tables[meta.db_table] = table

    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = Table({f"{a}.{n}": "applied" for a, n in cursor.fetchall()})
        tables["(migrations applied)"] = migrations
        schema, counts = Table(), Table()
        for name in sorted(connection.introspection.table_names(cursor)):
            columns = connection.introspection.get_table_description(cursor, name)
            schema.rows[name] = row_hash([(c.name, str(c.type_code)) for c in columns])
            # The table names come from the database itself, quoted.
            quoted = connection.ops.quote_name(name)
            cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # nosec B608
            counts.rows[name] = str(cursor.fetchone()[0])
        tables["(schema: tables, columns)"] = schema
        tables["(raw row count per table)"] = counts

    files = Table()
    if media.exists():
        for path in sorted(media.rglob("*")):
            if path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                files.rows[str(path.relative_to(media))] = digest
    tables["(files under MEDIA_ROOT, sha256)"] = files
    tables["(files named by rows, missing)"] = missing_files(media)
    return tables


def missing_files(media: Path) -> Table:
    """Files that a row names but MEDIA_ROOT lacks: must be none."""
    from django.apps import apps
    from django.db import models

    missing = Table()
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                location = Path(f.storage.location)
                for name in model._base_manager.exclude(**{f.attname: ""}).values_list(
                    f.attname, flat=True
                ):
                    if name and not (location / name).is_file():
                        missing.rows[f"{model._meta.db_table}: {name}"] = "missing"
    return missing


def summary() -> str:
    """What the figures mean for the service: returns, scores, plans."""
    from django.db.models import Count, Sum

    from assessment.models import Answer, Return, Transition
    from plans.models import (
        DevelopmentPlan,
        PlanAction,
        Priority,
        ProgressUpdate,
        Target,
        TargetValue,
    )

    statuses = dict(
        Return.objects.order_by().values_list("status").annotate(n=Count("pk"))
    )
    scores = Answer.objects.aggregate(own=Sum("score"), agreed=Sum("agreed_score"))
    scores = {k: v or 0 for k, v in scores.items()}
    return (
        f"returns {Return.objects.count():,} "
        f"({', '.join(f'{k} {v:,}' for k, v in sorted(statuses.items()))}); "
        f"answers {Answer.objects.count():,} (sum of self scores {scores['own']:,}, "
        f"of agreed scores {scores['agreed']:,}; "
        f"{Answer.history.count():,} history rows); "
        f"transitions {Transition.objects.count():,}; "
        f"plans {DevelopmentPlan.objects.count():,} with "
        f"{Priority.objects.count():,} priorities, {PlanAction.objects.count():,} "
        f"actions, {Target.objects.count():,} targets, "
        f"{TargetValue.objects.count():,} values, "
        f"{ProgressUpdate.objects.count():,} progress updates"
    )


def compare(before: dict[str, Table], after: dict[str, Table]) -> list[str]:
    problems = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None or new is None:
            problems.append(f"{name}: only {'after' if old is None else 'before'}")
            continue
        if old.digest == new.digest:
            continue
        lost = sorted(set(old.rows) - set(new.rows))
        added = sorted(set(new.rows) - set(old.rows))
        changed = sorted(
            k for k in set(old.rows) & set(new.rows) if old.rows[k] != new.rows[k]
        )
        rounded = [
            k
            for k in changed
            if k in old.rows_ms and old.rows_ms[k] == new.rows_ms.get(k)
        ]
        problems.append(
            f"{name}: {len(old.rows)} rows before, {len(new.rows)} after; "
            f"{len(lost)} lost {lost[:3]}, {len(added)} new {added[:3]}, "
            f"{len(changed)} changed {changed[:3]}"
            + (
                f", of which {len(rounded)} only in datetimes below the millisecond"
                if rounded
                else ""
            )
        )
    return problems


def print_counts(tables: dict[str, Table]) -> None:
    names = sorted(n for n in tables if not n.startswith("("))
    width = max(len(n) for n in names)
    print(f"\n{len(names)} tables, rows in each:")
    cells = [f"{n:<{width}} {len(tables[n].rows):>8,}" for n in names]
    columns = 2
    for i in range(0, len(cells), columns):
        print("  " + "   ".join(cells[i : i + columns]))
    for name in sorted(n for n in tables if n.startswith("(")):
        print(f"  {name}: {len(tables[name].rows):,}")


# --------------------------------------------------------------------------
# The database: wipe, checks after a restore


def database_settings() -> dict[str, Any]:
    from django.db import connection

    return dict(connection.settings_dict)


def wipe(media: Path) -> None:
    """Drop the database (PostgreSQL; the restore creates it again, empty) or
    delete the file (SQLite); delete MEDIA_ROOT."""
    from django.db import connections

    db = database_settings()
    connections.close_all()
    if db["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db['NAME']}{suffix}").unlink(missing_ok=True)
    else:
        postgres_database(db, drop=True)
    shutil.rmtree(media, ignore_errors=True)


def maintenance_connection(db: dict[str, Any]) -> Any:
    """A connection to the server's `postgres` database, to drop and create."""
    import psycopg

    conn = psycopg.connect(
        dbname="postgres",
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )
    conn.autocommit = True
    return conn


def postgres_exists(db: dict[str, Any]) -> bool:
    conn = maintenance_connection(db)
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        found = cursor.fetchone() is not None
    conn.close()
    return found


def postgres_database(db: dict[str, Any], *, drop: bool) -> None:
    """Drop the database, or create it (empty) if it is not there."""
    from psycopg import sql

    conn = maintenance_connection(db)
    with conn.cursor() as cursor:
        name = sql.Identifier(db["NAME"])
        if drop:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name)
            )
        else:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    conn.close()


def unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [str(migration) for migration, _ in plan]


def sequences_behind() -> tuple[int, list[str]]:
    """Id sequences that would hand out an id already used: must be none."""
    from django.apps import apps
    from django.db import connection, models
    from django.db.models import Max

    checked, behind = 0, []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
            sequences = dict(cursor.fetchall())
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.swapped:
                continue
            if not isinstance(meta.pk, models.AutoField | models.BigAutoField):
                continue
            table, column = meta.db_table, meta.pk.column
            highest = model._base_manager.aggregate(top=Max("pk"))["top"] or 0
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                sequence = cursor.fetchone()[0]
                if sequence is None:
                    continue
                # As PostgreSQL named it, already quoted where needed.
                query = f"SELECT last_value, is_called FROM {sequence}"  # nosec B608
                cursor.execute(query)
                last, called = cursor.fetchone()
                following = last + 1 if called else last
            else:
                # AUTOINCREMENT: the next id is past both the sequence and the rows.
                following = max(sequences.get(table, 0), highest) + 1
            checked += 1
            if following <= highest:
                behind.append(f"{table}: next id {following}, highest {highest}")
    return checked, behind


def write_probe() -> None:
    """Add a user, a notification and a new version of an answer (a history
    row), then roll back: the restored database takes writes."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from assessment.models import Answer, Notification

    with transaction.atomic():
        user = get_user_model().objects.create_user("backup-check-probe")
        Notification.objects.create(user=user, message="Restored.")
        answer = Answer.objects.order_by("pk").first()
        if answer is not None:
            answer.version += 1
            answer.save()
        transaction.set_rollback(True)


def tamper(media: Path) -> None:
    """Damage the restored data a little, to show the check notices."""
    from django.db.models import F

    from assessment.models import Answer

    Answer.objects.filter(pk=Answer.objects.order_by("pk").values("pk")[:1]).update(
        agreed_score=F("score") + 1
    )
    Answer.history.order_by("history_id").last().delete()
    files = sorted(p for p in media.rglob("*") if p.is_file())
    if files:
        files[0].write_bytes(files[0].read_bytes()[:-1])
    print("tampered: one agreed score, one history row, one file")


# --------------------------------------------------------------------------
# The two methods


def tool_env(url: str, media: Path) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url, MEDIA_ROOT=str(media))
    pg_bin = postgres_bin()
    if pg_bin:
        env["PG_BIN"] = pg_bin
    return env


@functools.cache
def postgres_bin() -> str | None:
    """The client tools of the server's major version, if installed."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    major = connection.cursor().connection.server_version // 10000
    folder = Path(f"/usr/lib/postgresql/{major}/bin")
    return str(folder) if (folder / "pg_dump").exists() else None


def run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def native_backup(url: str, media: Path, store: Path) -> Path:
    env = tool_env(url, media)
    out = run(["sh", str(ROOT / "scripts" / "backup.sh"), str(store), "3"], env)
    return Path(out.strip().splitlines()[-1])


def native_restore(url: str, media: Path, backup: Path) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        postgres_database(database_settings(), drop=False)  # a new, empty one
    run(["sh", str(ROOT / "scripts" / "restore.sh"), str(backup)], tool_env(url, media))


def dumpdata_backup(media: Path, store: Path, fmt: str, natural_primary: bool) -> Path:
    from django.core.management import call_command

    folder = store / f"dumpdata-{time.strftime('%Y%m%dT%H%M%S')}"
    folder.mkdir(parents=True)
    call_command(
        "dumpdata",
        natural_foreign=True,
        natural_primary=natural_primary,
        exclude=["contenttypes", "auth.permission"],
        format=fmt,
        output=str(folder / f"data.{fmt}"),
        verbosity=0,
    )
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname=".")
    return folder


def dumpdata_restore(media: Path, folder: Path, fmt: str) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    if connection.vendor == "postgresql":
        postgres_database(database_settings(), drop=False)

    tick = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - tick
    # loaddata saves many-to-many fields after their rows, and
    # django-simple-history records that as a change (it ignores `raw` for
    # many-to-many): a new history row per priority. History off while loading.
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        call_command("loaddata", str(folder / f"data.{fmt}"), verbosity=0)
    print(
        f"         migrate {migrated:.1f} s, "
        f"loaddata {time.perf_counter() - tick - migrated:.1f} s"
    )
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "media.tar.gz") as archive:
        archive.extractall(media, filter="data")


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    temp = Path(tempfile.mkdtemp(prefix="lp-backup-check-"))
    failed = True
    try:
        failed = check(args, temp)
    finally:
        if args.keep:
            print(f"Kept {temp}")
        else:
            if "django.db" in sys.modules:
                from django.db import connections

                connections.close_all()
            shutil.rmtree(temp, ignore_errors=True)
    sys.exit(1 if failed else 0)


def check(args: argparse.Namespace, temp: Path) -> bool:
    """The whole round trip; True if anything differs."""
    url, media = choose_locations(args, temp)
    os.environ["DATABASE_URL"] = url
    os.environ["MEDIA_ROOT"] = str(media)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if Path(settings.MEDIA_ROOT).resolve() != media.resolve():
        sys.exit("MEDIA_ROOT was not taken from the environment; stopping.")
    if connection.vendor == "postgresql":
        if args.fresh:
            postgres_database(database_settings(), drop=True)
        postgres_database(database_settings(), drop=False)  # create if missing
    print(f"Database: {connection.vendor} {redact(url)}")
    print(f"MEDIA_ROOT: {media}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    seed(args)

    tick = time.perf_counter()
    before = fingerprint(media)
    missing = before["(files named by rows, missing)"].rows
    if missing:
        sys.exit(
            f"{len(missing)} files named in the database are not in MEDIA_ROOT "
            f"({next(iter(missing))}, ...): the data was loaded with another "
            "MEDIA_ROOT. Use --fresh, or --media-root of that run."
        )
    before_summary = summary()
    took = time.perf_counter() - tick
    rows = sum(len(t.rows) for n, t in before.items() if not n.startswith("("))
    files = before["(files under MEDIA_ROOT, sha256)"]
    print(f"Fingerprint: {rows:,} rows, {len(files.rows)} files in {took:.1f} s")
    print(f"  {before_summary}")
    print_counts(before)

    methods = ["native", "dumpdata"] if args.method == "both" else [args.method]
    store = temp / "backups"
    failed = False
    for method in methods:
        label = {
            "native": "pg_dump -Fc / pg_restore"
            if connection.vendor == "postgresql"
            else "SQLite online backup API / file copy",
            "dumpdata": f"dumpdata --natural-foreign"
            f"{' --natural-primary' if args.natural_primary else ''}"
            f" --format {args.dump_format} / loaddata",
        }[method]
        print(f"\n== {method}: {label}, with a tar of MEDIA_ROOT")
        tick = time.perf_counter()
        if method == "native":
            backup = native_backup(url, media, store)
        else:
            backup = dumpdata_backup(
                media, store, args.dump_format, args.natural_primary
            )
        backup_s = time.perf_counter() - tick
        parts = ", ".join(
            f"{p.name} {size_of(p) / 1e6:.2f} MB"
            for p in sorted(backup.iterdir())
            if p.name != "SHA256SUMS"
        )
        print(f"backup   {backup_s:6.1f} s  {backup}: {parts}")

        tick = time.perf_counter()
        wipe(media)
        wiped_s = time.perf_counter() - tick
        gone = not media.exists()
        if connection.vendor == "sqlite":
            gone = gone and not Path(database_settings()["NAME"]).exists()
        else:
            gone = gone and not postgres_exists(database_settings())
        print(f"wipe     {wiped_s:6.1f} s  database and MEDIA_ROOT gone: {gone}")

        tick = time.perf_counter()
        if method == "native":
            native_restore(url, media, backup)
        else:
            dumpdata_restore(media, backup, args.dump_format)
        restore_s = time.perf_counter() - tick
        print(f"restore  {restore_s:6.1f} s")

        if args.tamper:
            tamper(media)
        pending = unapplied_migrations()
        checked, behind = sequences_behind()
        write_probe()
        tick = time.perf_counter()
        after = fingerprint(media)
        after_summary = summary()
        print(f"compare  {time.perf_counter() - tick:6.1f} s")
        print(f"migrate after restore: {pending or 'nothing to apply'}")
        print(f"id sequences: {checked} checked, {len(behind)} behind their table")
        print("writes after restore: accepted (user, notification, answer history)")
        problems = compare(before, after)
        if after_summary != before_summary:
            problems.append(f"summary after: {after_summary}")
        problems += [f"unapplied migration {m}" for m in pending]
        problems += [f"sequence behind: {b}" for b in behind]
        compared = sum(len(t.rows) for t in after.values())
        print(
            f"compared {len(after)} tables and checks, {compared:,} rows and files: "
            f"{'round trip: identical' if not problems else 'DIFFERENCES:'}"
        )
        for problem in problems:
            print(f"  {problem}")
        failed = failed or bool(problems)

    print(f"\nTotal {time.perf_counter() - started:.1f} s")
    return failed


if __name__ == "__main__":
    main()
