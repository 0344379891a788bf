"""Load test: managers saving drafts, LLSC officers reviewing and GO staff on
dashboards at once, against gunicorn on PostgreSQL; then a check for lost writes.

    DATABASE_URL=postgres://user@127.0.0.1:5432/lp_load python bench/load.py \\
        [--duration 120] [--managers 200] [--officers 20] [--go 5] \\
        [--workers N] [--threads N] [--busy] [--port 8765]

PostgreSQL only (several gunicorn workers writing at once), on this machine only:
the database must be on loopback or a local socket, and gunicorn listens on
127.0.0.1. The script

1. migrates, and seeds with ``generate_scale_data`` (1,000 partnerships x 10
   years by default, as bench/pages.py; idempotent, and it adds partnerships
   until there is a draft return in the latest period for every manager);
2. creates the users ``load-manager-NNN`` (each the manager of a partnership of
   their own with a draft return), ``load-officer-NN`` (LLSC officers of the
   synthetic local LSCs with the most submitted returns) and ``load-go-N`` (GO
   officers), all with one password hashed once; returns that earlier runs'
   officers decided are put back to the state they were in;
3. starts gunicorn as deployed (``-c gunicorn.conf.py config.wsgi``: its
   workers and threads unless ``--workers``/``--threads`` say otherwise; in a
   session of its own, as a service manager starts it) with
   ``bench.load_settings``, production's settings served over plain HTTP on
   loopback; with ``--busy``, another process keeps one core busy from then
   to the end (bench/busy.py), as other work on the host would;
4. signs every user in once through the sign-in page (not timed), then for
   ``--duration`` seconds:
   - each manager works through their return one indicator a page: opens a
     dimension's page, then its first indicator's page, spends
     ``--manager-think`` seconds on it, rewrites its evidence and saves it
     with the version it was read at ("Save and continue", multipart as a
     browser posts it), then follows the redirect to the next indicator's
     page; after a dimension's last indicator, to the dimension's page and on
     to the next dimension (after D4: "Check your answers", then D1 again);
   - each officer opens the review queue, then a return's review page, and
     now and then (``--decide``) marks a submitted return as in review and
     accepts it with the agreed scores; ``--officer-think`` seconds between pages;
   - each GO user opens the regional view (/dashboard/), every ``--go-think``
     seconds;
5. stops gunicorn and prints requests per second, p50/p95/p99 per kind of
   request and the errors (5xx, connection errors, unexpected answers), and
   the machine's load average before and after;
6. checks the database: for every answer saved, the value stored is the last
   one the server acknowledged (a redirect after the save), and every
   acknowledged save is in the answer's history.

A save refused by the optimistic lock (someone else saved the answer since the
page was opened) is the designed behaviour: counted apart, not as an error.
Managers have a partnership each, so there are none unless ``--shared N`` makes
N managers co-managers of other managers' partnerships.

Exits 1 when there were errors or lost writes. Every loop stops at the end of
``--duration``, and the whole run also stops after ``--max-requests``.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import ipaddress
import itertools
import logging
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.busy import load_average, release, take_a_core  # noqa: E402

PASSWORD = "load-bench-2003-partnerships"
MANAGER, OFFICER, GO = "load-manager-", "load-officer-", "load-go-"
SAVE = "save draft (POST)"
PAGE = "indicator page (GET)"
DIMENSION = "dimension page (GET)"
KINDS = [
    SAVE,
    PAGE,
    DIMENSION,
    "check answers (GET)",
    "review queue (GET)",
    "review page (GET)",
    "start review (POST)",
    "check and decide page (GET)",
    "decision (POST)",
    "dashboard (GET)",
]
NO_FILE = ("", b"", "application/octet-stream")
CONFLICT_TEXT = "Someone else saved this indicator"
INDICATOR_LINK = re.compile(r'class="govuk-link govuk-task-list__link" href="([^"]+)"')
TIMEOUT = 30.0  # seconds; gunicorn's own worker timeout is 30 s too
MARK = 20.0  # seconds between CPU figures, for the timeline


# --------------------------------------------------------------------------
# Setup, in process, with the ORM


def check_database_url(url: str) -> None:
    """PostgreSQL on this machine, or exit saying why not."""
    if not url:
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database on this machine, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/lp_load"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(
            f"bench/load.py needs PostgreSQL, not {parts.scheme or url!r}: several "
            "gunicorn workers write at once, which SQLite serialises (and locks). "
            "Set DATABASE_URL=postgres://..."
        )
    host = parts.hostname or ""
    if host in ("", "localhost") or host.startswith("/") or host.startswith("%2f"):
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    sys.exit(
        f"The database host {host!r} is not on this machine: the load test runs on "
        "loopback only (127.0.0.1, localhost, ::1 or a local socket)."
    )


@dataclass
class Plan:
    """Who does what, as prepared in the database."""

    managers: list[tuple[str, int, str]]  # username, return id, dimension code
    codes: list[str]  # the framework's dimensions, in order
    officers: list[str]
    go: list[str]
    period: str
    partnerships: int
    answers: int
    reset: int


def prepare(args: argparse.Namespace) -> Plan:
    """Migrate, seed, create the users; everything idempotent."""
    import django

    django.setup()
    from axes.models import AccessAttempt
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Count, Q

    from assessment.models import Answer, Return, ReturnStatus, Transition
    from demo.scale import PREFIX
    from partnerships.models import (
        LearningPartnership,
        LocalLSC,
        Profile,
        Region,
        Role,
    )

    call_command("migrate", verbosity=0)
    synthetic = LearningPartnership.objects.filter(name__startswith=PREFIX)
    needed = args.managers - args.shared
    partnerships = max(args.partnerships, synthetic.count())
    for _ in range(10):
        print(
            f"Scale data: {partnerships} partnerships x {args.years} years "
            "(generate_scale_data, adds only what is missing) ..."
        )
        with open(os.devnull, "w") as quiet:
            call_command(
                "generate_scale_data",
                partnerships=partnerships,
                years=args.years,
                stdout=quiet,
            )
        latest = (
            Return.objects.filter(partnership__in=synthetic)
            .order_by("-period__starts_on")
            .values_list("period", flat=True)
            .first()
        )
        drafts = list(
            Return.objects.filter(
                partnership__in=synthetic, period=latest, status=ReturnStatus.DRAFT
            )
            .select_related("framework", "period")
            .order_by("partnership__name")[:needed]
        )
        if len(drafts) >= needed:
            break
        # About a third of the latest returns are drafts.
        partnerships += 3 * (needed - len(drafts)) + 10
    else:
        sys.exit(f"Could not get {needed} draft returns from generate_scale_data.")

    User = get_user_model()
    names = (
        [f"{MANAGER}{i + 1:03d}" for i in range(args.managers)]
        + [f"{OFFICER}{i + 1:02d}" for i in range(args.officers)]
        + [f"{GO}{i + 1}" for i in range(args.go)]
    )
    hashed = make_password(PASSWORD)  # once, for everybody
    with transaction.atomic():
        existing = set(
            User.objects.filter(username__in=names).values_list("username", flat=True)
        )
        User.objects.bulk_create(
            [User(username=n, password=hashed) for n in names if n not in existing]
        )
        User.objects.filter(username__in=names).update(password=hashed, is_active=True)
        AccessAttempt.objects.filter(username__in=names).delete()
        users = {u.username: u for u in User.objects.filter(username__in=names)}

        # Put back the returns that earlier runs' officers decided.
        bench_officers = User.objects.filter(username__startswith=OFFICER)
        steps = Transition.objects.filter(by__in=bench_officers).order_by("at", "pk")
        first_step: dict[int, str] = {}
        for return_id, from_status in steps.values_list(
            "return_record_id", "from_status"
        ):
            first_step.setdefault(return_id, from_status)
        for return_id, from_status in first_step.items():
            Return.objects.filter(pk=return_id).update(
                status=from_status, review_comment=""
            )
            Answer.objects.filter(return_record_id=return_id).update(
                agreed_score=None, officer_comment=""
            )
        steps.delete()

        Profile.objects.filter(user__in=users.values()).delete()
        Memberships = LearningPartnership.managers.through
        Memberships.objects.filter(user__username__startswith=MANAGER).delete()
        profiles, memberships, managers = [], [], []
        codes = list(
            drafts[0]
            .framework.dimensions.order_by("order")
            .values_list("code", flat=True)
        )
        for i in range(args.managers):
            user = users[f"{MANAGER}{i + 1:03d}"]
            # Co-managers (--shared) take the partnerships of the first managers.
            own = i if i < needed else i - needed
            return_record = drafts[own]
            profiles.append(Profile(user=user, role=Role.MANAGER))
            memberships.append(
                Memberships(
                    learningpartnership_id=return_record.partnership_id, user=user
                )
            )
            managers.append((user.username, return_record.pk, codes[own % len(codes)]))
        # The local LSCs with the most submitted returns in the latest period.
        llscs = list(
            LocalLSC.objects.filter(name__startswith="Synthetic LSC")
            .annotate(
                waiting=Count(
                    "relationships__partnership__returns",
                    filter=Q(
                        relationships__partnership__returns__period=latest,
                        relationships__partnership__returns__status=ReturnStatus.SUBMITTED,
                    ),
                )
            )
            .order_by("-waiting", "name")[: max(args.officers, 1)]
        )
        for i in range(args.officers):
            profiles.append(
                Profile(
                    user=users[f"{OFFICER}{i + 1:02d}"],
                    role=Role.LLSC_OFFICER,
                    llsc=llscs[i % len(llscs)],
                )
            )
        regions = list(
            Region.objects.annotate(
                size=Count(
                    "partnerships", filter=Q(partnerships__name__startswith=PREFIX)
                )
            ).order_by("-size", "code")
        )
        for i in range(args.go):
            profiles.append(
                Profile(
                    user=users[f"{GO}{i + 1}"],
                    role=Role.GO_OFFICER,
                    region=regions[i % len(regions)],
                )
            )
        Profile.objects.bulk_create(profiles)
        Memberships.objects.bulk_create(memberships)

    return Plan(
        managers=managers,
        codes=codes,
        officers=[f"{OFFICER}{i + 1:02d}" for i in range(args.officers)],
        go=[f"{GO}{i + 1}" for i in range(args.go)],
        period=drafts[0].period.code,
        partnerships=synthetic.count(),
        answers=Answer.objects.count(),
        reset=len(first_step),
    )


# --------------------------------------------------------------------------
# gunicorn


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As gunicorn does: connections closed lately do not hold the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def deployed() -> dict[str, Any]:
    """gunicorn.conf.py's settings, as gunicorn reads them here (with
    WEB_CONCURRENCY and GUNICORN_THREADS if set)."""
    import runpy

    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def start_gunicorn(
    workers: int, threads: int, port: int, log: Path
) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = (
        [str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"]
    )
    command += [
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "config.wsgi",
        "--chdir",
        str(ROOT),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    # gunicorn runs in a session of its own, as a service manager (systemd,
    # a container) starts it on a server: Linux shares the CPU between
    # sessions first, and the people using the service are not on its
    # machine, so this script's own work (the simulated browsers) must not
    # take its CPU from gunicorn's share.
    with open(log, "wb") as out:
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    import httpx

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start:\n{log.read_text()[-3000:]}")
        try:
            if (
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code
                == 200
            ):
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_gunicorn(server)
    sys.exit(
        f"gunicorn did not answer /healthz within 90 s:\n{log.read_text()[-3000:]}"
    )


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children (gunicorn's master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            # utime, stime, and those of its children that have ended
            total += sum(int(f) for f in fields[11:15]) / ticks
            children = Path(f"/proc/{current}/task/{current}/children").read_text()
            pending += [int(c) for c in children.split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def postmaster_pid() -> int | None:
    """The local PostgreSQL server's main process, when /proc shows it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        stat = Path(f"/proc/{backend}/stat").read_text()
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        name = Path(f"/proc/{parent}/comm").read_text().strip()
    except (OSError, IndexError, ValueError):
        return None
    return parent if name in ("postgres", "postmaster") else None


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all cores, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# --------------------------------------------------------------------------
# Pages as a browser reads them

FORM = r'<form\b[^>]*\bid="{}"[^>]*>(.*?)</form>'
INPUT = re.compile(r"<input\b([^>]*)>", re.I)
TEXTAREA = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.I | re.S)
ATTRIBUTE = re.compile(r'([\w:-]+)(?:\s*=\s*"([^"]*)")?')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVIEW_LINK = re.compile(r'href="(/returns/\d+/review/)"')


def form_fields(page: str, form_id: str) -> dict[str, str]:
    """What a browser would post from the form with this id: its inputs (radios
    and checkboxes when checked) and textareas; buttons and files left out."""
    found = re.search(FORM.format(re.escape(form_id)), page, re.S)
    if found is None:
        raise ValueError(f"no form #{form_id} on the page")
    body = found.group(1)
    values: dict[str, str] = {}
    for match in INPUT.finditer(body):
        attributes = {
            k.lower(): html.unescape(v or "")
            for k, v in ATTRIBUTE.findall(match.group(1))
        }
        name = attributes.get("name")
        kind = attributes.get("type", "text").lower()
        if not name or kind in ("submit", "button", "file", "image", "reset"):
            continue
        if kind in ("radio", "checkbox") and "checked" not in attributes:
            continue
        values[name] = attributes.get("value", "on" if kind == "checkbox" else "")
    for match in TEXTAREA.finditer(body):
        name = dict((k.lower(), v) for k, v in ATTRIBUTE.findall(match.group(1))).get(
            "name"
        )
        if name:
            text = html.unescape(match.group(2))
            values[name] = text[1:] if text.startswith("\n") else text
    return values


# --------------------------------------------------------------------------
# The load


def span(text: str) -> tuple[float, float]:
    low, _, high = text.partition(":")
    return float(low), float(high or low)


def run_url(path: str) -> str:
    """Only for encoding a body; requests go to the client's base URL."""
    return f"http://127.0.0.1{path}"


class Stop(Exception):
    """The run's time or request budget is spent."""


@dataclass
class Run:
    base: str
    run_id: str
    max_requests: int
    manager_think: tuple[float, float]
    officer_think: tuple[float, float]
    go_think: tuple[float, float]
    decide: float
    end: float = math.inf
    measuring: bool = False
    started: float = 0.0
    last_done: float = 0.0
    requests: int = 0
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    conflicts: int = 0
    decisions: int = 0
    lost_decisions: int = 0
    # answer id -> [(version posted, evidence)] of saves acknowledged / not known
    acked: dict[int, list[tuple[int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    unsure: dict[int, list[tuple[int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    lag: list[float] = field(default_factory=list)
    # (when, kind, ms) of every timed answer; (when, CPU figures) every MARK s
    done: list[tuple[float, str, float]] = field(default_factory=list)
    marks: list[tuple[float, dict[str, float]]] = field(default_factory=list)

    def error(self, kind: str, reason: str, detail: str) -> None:
        self.errors[(kind, reason)] += 1
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {reason} {detail}"[:300])

    async def pause(self, low: float, high: float | None = None) -> None:
        """A person's pause; Stop when the run ends first."""
        wait = random.uniform(low, low if high is None else high)
        if time.monotonic() + wait >= self.end:
            await asyncio.sleep(max(0.0, self.end - time.monotonic()))
            raise Stop
        await asyncio.sleep(wait)

    async def request(
        self,
        client: Any,
        kind: str,
        method: str,
        url: str,
        *,
        data: dict[str, str] | None = None,
        files: list[tuple[str, Any]] | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> Any:
        """The response, or None after a connection error; unexpected statuses
        are errors. Only requests started during the run are timed."""
        import httpx

        if self.measuring and (
            time.monotonic() >= self.end or self.requests >= self.max_requests
        ):
            raise Stop
        timed = self.measuring
        if timed:
            self.requests += 1
        # The body is encoded first and sent in one piece, as a browser or a
        # buffering proxy sends it: httpx would write a page's
        # multipart body in about 150 pieces, each waiting its turn on this
        # busy event loop, while a gunicorn sync worker sat idle waiting for
        # the rest of the request (seconds under load, measured as server time).
        body = httpx.Request(method, run_url(url), data=data, files=files)
        body.read()
        started = time.perf_counter()
        try:
            response = await client.request(
                method,
                url,
                content=body.content or None,
                headers={
                    k: v
                    for k, v in body.headers.items()
                    if k.lower() in ("content-type", "content-length")
                },
            )
        except httpx.HTTPError as error:
            if timed:
                self.error(kind, type(error).__name__, f"{method} {url} {error}")
                self.last_done = time.monotonic()
            return None
        if timed:
            elapsed = (time.perf_counter() - started) * 1000
            self.samples[kind].append(elapsed)
            self.last_done = time.monotonic()
            self.done.append((self.last_done, kind, elapsed))
            if response.status_code not in ok:
                self.error(kind, f"HTTP {response.status_code}", f"{method} {url}")
        return response


async def sign_in(client: Any, username: str) -> None:
    page = await client.get("/accounts/login/")
    token = CSRF.search(page.text)
    if page.status_code != 200 or token is None:
        raise RuntimeError(f"{username}: sign-in page answered {page.status_code}")
    response = await client.post(
        "/accounts/login/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": username,
            "password": PASSWORD,
        },
    )
    if response.status_code != 302:
        raise RuntimeError(f"{username}: sign-in answered {response.status_code}")


async def manager(
    run: Run, client: Any, username: str, return_id: int, first: str, codes: list[str]
) -> None:
    """Works through the return one indicator a page with "Save and continue":
    opens a dimension's page (its indicators as a task list), then its first
    indicator's page; spends a while there, rewrites the evidence, saves, and
    follows the redirect to the next indicator's page. After the dimension's
    last indicator the redirect is to the dimension's page, and from there on
    to the next dimension (after the last one, "Check your answers", then the
    first again)."""
    order = codes[codes.index(first) :] + codes[: codes.index(first)]
    prefix = f"/returns/{return_id}/dimensions/"
    check_url = f"/returns/{return_id}/check/"
    number = 0
    await run.pause(0, run.manager_think[1])  # people do not all start at once
    for position in itertools.count():
        if position and position % len(order) == 0:
            await run.request(client, "check answers (GET)", "GET", check_url)
            await run.pause(1, 3)
        dimension_url = f"{prefix}{order[position % len(order)]}/"
        page = await run.request(client, DIMENSION, "GET", dimension_url)
        links = (
            INDICATOR_LINK.findall(page.text)
            if page is not None and page.status_code == 200
            else []
        )
        if not links:
            await run.pause(*run.manager_think)
            continue
        url = html.unescape(links[0])
        page = await run.request(client, PAGE, "GET", url)
        while True:
            if page is None or page.status_code != 200:
                await run.pause(*run.manager_think)
                page = await run.request(client, PAGE, "GET", url)
                continue
            fields = form_fields(page.text, "main-form")
            answer = next(
                int(n.split("-")[1]) for n in fields if n.startswith("evidence-")
            )
            await run.pause(*run.manager_think)
            number += 1
            version = int(fields[f"version-{answer}"])
            value = (
                f"Load run {run.run_id}, {username}'s save {number}, answer {answer}: "
                "the partnership's members met the regeneration board in May and "
                "agreed three joint projects; 140 adults started courses in the two "
                "wards."
            )
            fields[f"evidence-{answer}"] = value
            fields["action"] = "continue"
            response = await run.request(
                client,
                SAVE,
                "POST",
                url,
                data=fields,
                # multipart/form-data as a browser sends the form, with an
                # empty part for the file input left empty
                files=[(f"attachment-{answer}", NO_FILE)],
                ok=(302, 200),
            )
            location = response.headers.get("location", "") if response else ""
            if (
                response is not None
                and response.status_code == 302
                and location.startswith(prefix)
            ):
                run.acked[answer].append((version, value))
                if location == dimension_url:
                    # the dimension's last indicator: its page, then the next
                    await run.request(client, DIMENSION, "GET", location)
                    await run.pause(1, 3)
                    break
                url = location
            elif response is None or response.status_code >= 500:
                run.unsure[answer].append((version, value))  # committed or not?
            elif response.status_code == 302:
                run.unsure[answer].append((version, value))
                run.error(SAVE, "redirect elsewhere", location)
            elif response.status_code == 200 and CONFLICT_TEXT in response.text:
                run.conflicts += 1  # the optimistic lock, as designed; start again
            elif response.status_code == 200:
                run.error(SAVE, "form refused", response.text[:200])
            page = await run.request(client, PAGE, "GET", url)


async def officer(run: Run, client: Any) -> None:
    await run.pause(0, run.officer_think[1])
    while True:
        queue = await run.request(client, "review queue (GET)", "GET", "/reviews/")
        links = REVIEW_LINK.findall(queue.text) if queue is not None else []
        await run.pause(*run.officer_think)
        if not links:
            continue
        url = random.choice(links)
        page = await run.request(client, "review page (GET)", "GET", url)
        if page is None or page.status_code != 200:
            continue
        await run.pause(*run.officer_think)
        if "Check the agreed scores and decide" not in page.text:
            continue
        if random.random() >= run.decide:
            continue
        if f'action="{url}start/"' in page.text:
            token = CSRF.search(page.text)
            started = await run.request(
                client,
                "start review (POST)",
                "POST",
                f"{url}start/",
                data={"csrfmiddlewaretoken": token.group(1) if token else ""},
                ok=(302,),
            )
            if started is None or started.status_code != 302:
                continue
            page = await run.request(client, "review page (GET)", "GET", url)
            if page is None or page.status_code != 200:
                continue
            await run.pause(*run.officer_think)
        check = f"{url}check/"
        page = await run.request(client, "check and decide page (GET)", "GET", check)
        if page is None or page.status_code != 200:
            continue
        if 'name="decision"' not in page.text:
            continue
        fields = form_fields(page.text, "main-form")
        fields["decision"] = "accepted"
        fields["overall_comment"] = f"Agreed in load run {run.run_id}."
        decided = await run.request(
            client, "decision (POST)", "POST", check, data=fields, ok=(302,)
        )
        if decided is not None and decided.status_code == 302:
            if decided.headers.get("location", "").endswith("/reviews/"):
                run.decisions += 1
            else:
                run.lost_decisions += 1  # another officer decided first, as designed
        # The loop goes on with the queue the redirect leads to.


async def go_user(run: Run, client: Any) -> None:
    await run.pause(0, run.go_think[1])
    while True:
        await run.request(client, "dashboard (GET)", "GET", "/dashboard/")
        await run.pause(*run.go_think)


async def watch_lag(run: Run) -> None:
    """How late the load generator's own event loop runs (its CPU share)."""
    while True:
        before = time.perf_counter()
        await asyncio.sleep(0.05)
        run.lag.append((time.perf_counter() - before - 0.05) * 1000)


async def watch_cpu(run: Run, cpu: Any) -> None:
    """CPU figures every MARK seconds, for the timeline."""
    while True:
        await asyncio.sleep(MARK)
        run.marks.append((time.monotonic(), cpu()))


async def load(run: Run, plan: Plan, duration: float, sign_ins: int, cpu: Any) -> float:
    """Sign everybody in, then run the load; returns the sign-in time."""
    import httpx

    people: list[tuple[str, Any]] = []
    for username, return_id, code in plan.managers:
        people.append(
            (
                username,
                lambda r, c, u=username, i=return_id, d=code: manager(
                    r, c, u, i, d, plan.codes
                ),
            )
        )
    people += [(u, officer) for u in plan.officers]
    people += [(u, go_user) for u in plan.go]
    clients = [
        httpx.AsyncClient(
            base_url=run.base,
            timeout=TIMEOUT,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=1),
        )
        for _ in people
    ]
    try:
        started = time.perf_counter()
        gate = asyncio.Semaphore(sign_ins)

        async def signed(client: Any, username: str) -> None:
            # Tried again after a time-out: workers' first requests can be slow
            # on a busy machine, and signing in is not what is measured.
            async with gate:
                for attempt in range(3):
                    try:
                        return await sign_in(client, username)
                    except httpx.TimeoutException:
                        if attempt == 2:
                            raise

        await asyncio.gather(
            *(signed(c, u) for c, (u, _) in zip(clients, people, strict=True))
        )
        signing = time.perf_counter() - started

        run.started = time.monotonic()
        run.end = run.started + duration
        run.marks.append((run.started, cpu()))
        run.measuring = True

        async def person(client: Any, behaviour: Any) -> None:
            try:
                await behaviour(run, client)
            except Stop:
                pass
            except Exception as error:  # a page not as expected: this one stops
                run.error("script", type(error).__name__, str(error))

        watchers = [
            asyncio.create_task(watch_lag(run)),
            asyncio.create_task(watch_cpu(run, cpu)),
        ]
        try:
            await asyncio.wait_for(
                asyncio.gather(
                    *(person(c, b) for c, (_, b) in zip(clients, people, strict=True))
                ),
                timeout=duration + 2 * TIMEOUT + 30,
            )
        except TimeoutError:
            run.error("whole run", "still waiting for answers", "at the time limit")
        for watcher in watchers:
            watcher.cancel()
        run.marks.append((time.monotonic(), cpu()))
        return signing
    finally:
        await asyncio.gather(*(c.aclose() for c in clients), return_exceptions=True)


# --------------------------------------------------------------------------
# Figures and the check


def percentile(ordered: list[float], p: float) -> float:
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def report(run: Run) -> int:
    window = max(run.end, run.last_done) - run.started
    total = sum(len(v) for v in run.samples.values())
    failed = sum(run.errors.values())
    print(
        f"\n{'kind of request':<22} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'errors':>7}"
    )
    for kind in KINDS + sorted(set(run.samples) - set(KINDS)):
        values = sorted(run.samples.get(kind, []))
        errors = sum(n for (k, _), n in run.errors.items() if k == kind)
        if not values and not errors:
            continue
        if values:
            figures = (
                " ".join(f"{percentile(values, p):>8.0f}" for p in (50, 95, 99))
                + f" {values[-1]:>8.0f}"
            )
        else:
            figures = f"{'-':>8} {'-':>8} {'-':>8} {'-':>8}"
        print(f"{kind:<22} {len(values):>7} {figures} {errors:>7}")
    everything = sorted(v for values in run.samples.values() for v in values)
    if everything:
        print(
            f"{'all':<22} {total:>7} "
            + " ".join(f"{percentile(everything, p):>8.0f}" for p in (50, 95, 99))
            + f" {everything[-1]:>8.0f} {failed:>7}"
        )
    print(f"\nrequests per second: {total / window:.1f} ({total} in {window:.1f} s)")
    saves = sum(len(v) for v in run.acked.values())
    print(
        f"saves acknowledged: {saves}; refused by the optimistic lock (conflicts, "
        f"as designed): {run.conflicts}; outcome unknown (error): "
        f"{sum(len(v) for v in run.unsure.values())}"
    )
    print(
        f"officers' decisions: {run.decisions} accepted"
        + (
            f", {run.lost_decisions} lost to a colleague (as designed)"
            if run.lost_decisions
            else ""
        )
    )
    print(f"errors: {failed}")
    for (kind, reason), count in sorted(run.errors.items()):
        print(f"  {count:>5} {kind}: {reason}")
    for example in run.examples:
        print(f"    e.g. {example}")
    return failed


def cores_used(
    first: dict[str, float], last: dict[str, float], seconds: float, cores: int
) -> tuple[float, float, list[str]]:
    """Cores used by the machine and by this test between two CPU marks, and
    this test's share by process."""
    machine = (last["machine"] - first["machine"]) / max(
        1, last["ticks"] - first["ticks"]
    )
    ours = [
        (name, (last[name] - first[name]) / max(seconds, 1e-9))
        for name in ("gunicorn", "PostgreSQL", "load generator")
        if name in first
    ]
    return (
        machine * cores,
        sum(used for _, used in ours),
        [f"{name} {used:.2f}" for name, used in ours],
    )


def report_cpu(run: Run, cores: int) -> None:
    """Where the CPU went, overall and in a timeline, with other work apart."""
    if len(run.marks) < 2:
        return
    (t0, first), (t1, last) = run.marks[0], run.marks[-1]
    machine, ours, shares = cores_used(first, last, t1 - t0, cores)
    print(
        f"\nCPU in cores, of {cores}: the machine {machine:.2f} busy; this test "
        f"{ours:.2f} ({', '.join(shares)}); other work on the machine "
        f"{max(0.0, machine - ours):.2f}. The load generator's event loop ran "
        f"late by p99 {percentile(sorted(run.lag), 99) if run.lag else 0:.0f} ms."
    )
    print("timeline: requests/s, save p95, cores used by this test / by other work")
    for (start, before), (end, after) in itertools.pairwise(run.marks):
        if end - start < 1:
            continue
        machine, ours, _ = cores_used(before, after, end - start, cores)
        answered = [(k, ms) for when, k, ms in run.done if start <= when < end]
        saves = sorted(ms for k, ms in answered if k == SAVE)
        p95 = f"{percentile(saves, 95):>6.0f} ms" if saves else f"{'-':>9}"
        print(
            f"  {start - run.started:>4.0f}-{end - run.started:>4.0f} s: "
            f"{len(answered) / (end - start):>5.1f}/s, save p95 {p95}; "
            f"{ours:.2f} / {max(0.0, machine - ours):.2f}"
        )


def check_writes(run: Run) -> int:
    """Every answer saved holds the last value acknowledged, and every
    acknowledged save is in its history; returns the number of lost writes."""
    from django.db import connections

    from assessment.models import Answer

    connections.close_all()  # the connection from before the load may be stale
    ids = set(run.acked) | set(run.unsure)
    stored = {
        pk: (evidence, version)
        for pk, evidence, version in Answer.objects.filter(pk__in=ids).values_list(
            "pk", "evidence", "version"
        )
    }
    history: dict[int, set[str]] = defaultdict(set)
    for pk, evidence in Answer.history.filter(id__in=list(run.acked)).values_list(
        "id", "evidence"
    ):
        history[pk].add(evidence)
    lost, late, missing = 0, 0, 0
    mismatches: list[str] = []
    for pk in sorted(ids):
        evidence, version = stored.get(pk, (None, None))
        acked = sorted(run.acked.get(pk, []))
        unsure = run.unsure.get(pk, [])
        missing += sum(1 for _, value in acked if value not in history[pk])
        if not acked:
            continue
        last_version, last_value = acked[-1]
        if evidence == last_value and version == last_version + 1:
            continue
        if any(v > last_version and evidence == value for v, value in unsure):
            late += 1  # a save whose answer never arrived, but which landed
            continue
        lost += 1
        if len(mismatches) < 10:
            mismatches.append(
                f"  answer {pk}: stored version {version} {evidence!r:.80}, last "
                f"acknowledged version {last_version + 1} {last_value!r:.80}"
            )
    print(
        f"\nDatabase check: {len(ids)} answers, "
        f"{sum(len(v) for v in run.acked.values())} acknowledged saves; "
        f"lost writes (stored value is not the last acknowledged): {lost}; "
        f"acknowledged saves missing from the history: {missing}"
        + (f"; answers holding an unacknowledged later save: {late}" if late else "")
    )
    for line in mismatches:
        print(line)
    return lost + missing


def main() -> None:
    cores = os.cpu_count() or 1
    conf = deployed()
    parser = argparse.ArgumentParser(
        description=" ".join(__doc__.split("\n\n")[0].split()),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--duration", type=float, default=120, help="seconds of load, timed"
    )
    parser.add_argument("--managers", type=int, default=200, help="managers")
    parser.add_argument("--officers", type=int, default=20, help="LLSC officers")
    parser.add_argument("--go", type=int, default=5, help="GO officers")
    parser.add_argument(
        "--workers",
        type=int,
        default=conf["workers"],
        help="gunicorn workers (gunicorn.conf.py's)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=conf["threads"],
        help="threads per worker (gunicorn.conf.py's; above 1, gthread workers)",
    )
    parser.add_argument(
        "--busy",
        action="store_true",
        help="another process keeps one core busy during the run",
    )
    parser.add_argument("--port", type=int, default=8765, help="on 127.0.0.1")
    parser.add_argument(
        "--partnerships",
        type=int,
        default=1000,
        help="synthetic partnerships at least (generate_scale_data)",
    )
    parser.add_argument(
        "--years", type=int, default=10, help="years of returns of new ones"
    )
    parser.add_argument(
        "--shared",
        type=int,
        default=0,
        help="managers who co-manage another manager's partnership",
    )
    parser.add_argument(
        "--manager-think",
        type=span,
        default=(10, 30),
        metavar="LOW:HIGH",
        help="seconds from opening an indicator's page to saving it",
    )
    parser.add_argument(
        "--officer-think",
        type=span,
        default=(5, 20),
        metavar="LOW:HIGH",
        help="seconds between an officer's pages",
    )
    parser.add_argument(
        "--go-think",
        type=span,
        default=(10, 30),
        metavar="LOW:HIGH",
        help="seconds between dashboards",
    )
    parser.add_argument(
        "--decide",
        type=float,
        default=0.3,
        help="chance an officer decides a return they can decide",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=100_000,
        help="stop the run after this many requests",
    )
    args = parser.parse_args()
    if not 0 <= args.shared < args.managers:
        parser.error("--shared must be at least 0 and less than --managers")
    if min(args.managers, args.officers, args.go, args.workers, args.threads) < 1:
        parser.error(
            "--managers, --officers, --go, --workers and --threads must be at least 1"
        )

    check_database_url(os.environ.get("DATABASE_URL", ""))
    if not port_free(args.port):
        sys.exit(f"Port {args.port} on 127.0.0.1 is taken: choose another with --port.")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load_settings"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["SECURE_SSL_REDIRECT"] = "false"

    plan = prepare(args)
    from django.db import connection, connections

    version = getattr(connection, "pg_version", 0) or 0
    pg = f"PostgreSQL {version // 10000}.{version % 10000}"
    postgres = postmaster_pid()
    connections.close_all()
    logging.getLogger("httpx").setLevel(logging.WARNING)

    log = Path(tempfile.gettempdir()) / f"bench-load-gunicorn-{args.port}.log"
    run = Run(
        base=f"http://127.0.0.1:{args.port}",
        run_id=secrets.token_hex(3),
        max_requests=args.max_requests,
        manager_think=args.manager_think,
        officer_think=args.officer_think,
        go_think=args.go_think,
        decide=args.decide,
    )
    print(
        f"\n{pg}: {plan.partnerships} synthetic partnerships, {plan.answers} answers; "
        f"drafts of {plan.period}"
        + (
            f"; {plan.reset} returns decided by earlier runs put back"
            if plan.reset
            else ""
        )
    )
    served = (
        f"{args.workers} sync workers"
        if args.threads == 1
        else f"{args.workers} gthread workers x {args.threads} threads"
    )
    print(
        f"gunicorn -c gunicorn.conf.py config.wsgi, {served} on {cores} cores, "
        f"{run.base}; log {log}"
    )
    before = load_average()
    spinner = take_a_core(args.duration + 300) if args.busy else None
    server = start_gunicorn(args.workers, args.threads, args.port, log)
    try:
        started = time.monotonic()

        def cpu() -> dict[str, float]:
            """CPU seconds so far of the processes that matter, and of the machine."""
            busy, total = machine_busy()
            figures: dict[str, float] = {"machine": busy, "ticks": total}
            figures["gunicorn"] = cpu_seconds(server.pid)
            if postgres is not None:
                figures["PostgreSQL"] = cpu_seconds(postgres)
            times = os.times()
            figures["load generator"] = times.user + times.system
            return figures

        print(
            f"Signing in {len(plan.managers) + len(plan.officers) + len(plan.go)} "
            f"users (not timed), then {args.duration:.0f} s of load: "
            f"{len(plan.managers)} managers ({args.shared} co-managers), saving "
            f"{run.manager_think[0]:g}-{run.manager_think[1]:g} s after opening "
            f"the page; {len(plan.officers)} officers, a page every "
            f"{run.officer_think[0]:g}-{run.officer_think[1]:g} s; {len(plan.go)} GO "
            f"users, a dashboard every {run.go_think[0]:g}-{run.go_think[1]:g} s ..."
        )
        signing = asyncio.run(
            load(run, plan, args.duration, args.workers * args.threads, cpu)
        )
        after = load_average()
    finally:
        stop_gunicorn(server)
        if spinner is not None:
            release(spinner)
    elapsed = time.monotonic() - started
    print(f"sign-in of every user: {signing:.1f} s; whole run {elapsed:.0f} s")
    print(
        f"load average (1 / 5 / 15 min): {before} before, {after} at the end"
        + ("; another process kept one core busy (--busy)" if args.busy else "")
    )

    failed = report(run)
    report_cpu(run, cores)
    errors_logged = sum(
        1
        for line in log.read_text(errors="replace").splitlines()
        if "Traceback" in line or "WORKER TIMEOUT" in line or "[ERROR]" in line
    )
    if errors_logged:
        print(f"gunicorn's log has {errors_logged} errors or tracebacks: {log}")
    lost = check_writes(run)

    saves = sorted(run.samples.get(SAVE, []))
    if saves:
        p95 = percentile(saves, 95)
        print(
            f"\nTargets: errors {failed} "
            f"(target 0: {'met' if not failed else 'MISSED'}); "
            f"save p95 {p95:.0f} ms (target at most 300"
            f"{', one core busy' if args.busy else ''}: "
            f"{'met' if p95 <= 300 else 'MISSED'}); lost writes {lost} (target 0: "
            f"{'met' if not lost else 'MISSED'})"
        )
    sys.exit(1 if failed or lost or not saves else 0)


if __name__ == "__main__":
    main()
