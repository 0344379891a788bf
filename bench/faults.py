"""Faults, for real: a PostgreSQL restart under load, a pack worker killed
half-way, a full disk, the mail server down and a summary-PDF worker killed.

    python bench/faults.py            # as root (PostgreSQL runs as `postgres`)

Starts its own throwaway PostgreSQL 15 cluster (so that it may restart it),
gunicorn with the production settings, and `db_worker` processes, then:

1. PostgreSQL is restarted while a manager saves the four dimensions of a
   return from four sessions at once, an LLSC officer reads the review queue
   and a GO officer the regional dashboard. Every answer is a 302 (saved), a
   200 or a 503 page; never a 500 or a stack trace. The manager saves one
   indicator's page at a time, as the form posts it, and follows the
   redirect. Every save is whole: each answer's evidence and barriers carry
   one save's token, the last one acknowledged for it. After the restart the
   same gunicorn serves again.
2. A pack is built by a worker that is killed (SIGKILL) half-way; after
   `prune_packs` and a new worker the pack is complete with every plan, or
   failed: never "ready" with plans missing.
3. The evidence folder is a small file system, filled up, then made
   read-only: a manager saving an indicator's page with an evidence file gets
   the answer saved and a message saying the file could not be stored; no
   attachment points at a missing file. (Needs `mount`, as root; said and
   skipped where a file system cannot be mounted.)
4. SMTP down: with a gunicorn whose EMAIL_HOST is a closed port, a manager
   submits a return: a 302 to the submitted page, never a 500, and the
   return is submitted; a `db_worker` then finds the mail server refusing
   and marks each email to try again later (the step is not undone).
5. The national summary PDF is asked for (the request only queues it) and
   its worker killed (SIGKILL) while WeasyPrint lays it out; after
   `prune_packs` and a new worker it is made and downloads as a PDF.

Prints what it saw and exits non-zero on any breach.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_BIN = Path(
    sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)[-1]
)
PASSWORD = "learning-2003"  # the demo password


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_postgres(command: list[str]) -> None:
    subprocess.run(
        ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(command)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


class Cluster:
    def __init__(self) -> None:
        self.data = Path(tempfile.mkdtemp(prefix="faults-pg."))
        shutil.chown(self.data, "postgres", "postgres")
        self.port = free_port()
        as_postgres(
            [f"{PG_BIN}/initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres"]
        )
        self.start()

    def ctl(self, *args: str) -> None:
        options = (
            f"'-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 "
            "-c fsync=off'"
        )
        as_postgres(
            [
                f"{PG_BIN}/pg_ctl",
                "-D",
                str(self.data),
                "-w",
                "-o",
                options,
                f"-l {self.data}/log",
                *args,
            ]
        )

    def start(self) -> None:
        self.ctl("start")

    def stop(self) -> None:
        try:
            self.ctl("-m", "fast", "stop")
        finally:
            shutil.rmtree(self.data, ignore_errors=True)


def main() -> int:
    cluster = Cluster()
    media = Path(tempfile.mkdtemp(prefix="faults-media."))
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{cluster.port}/faults",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "faults-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "MEDIA_ROOT": str(media),
        "PACK_STALL_MINUTES": "0",
        "LOG_LEVEL": "CRITICAL",
    }
    subprocess.run(
        [
            f"{PG_BIN}/createdb",
            "-h",
            "127.0.0.1",
            "-p",
            str(cluster.port),
            "-U",
            "postgres",
            "faults",
        ],
        check=True,
    )
    manage = [sys.executable, "manage.py"]
    for command in (["migrate"], ["collectstatic", "--noinput"], ["load_demo"]):
        subprocess.run(
            manage + command + ["-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    os.environ.update(env)
    import django

    django.setup()
    breaches: list[str] = []
    gunicorn = None
    try:
        gunicorn, base = _serve(env)
        breaches += restart_under_load(cluster, base)
        breaches += kill_a_pack_worker(env, base)
        breaches += evidence_on_a_full_disk(media, base)
        breaches += smtp_down(env)
        breaches += kill_a_summary_worker(env, base)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        cluster.stop()
        shutil.rmtree(media, ignore_errors=True)
    print("\n" + ("FAULTS: all held" if not breaches else "FAULTS: BREACHED"))
    for breach in breaches:
        print("  " + breach)
    return 1 if breaches else 0


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "critical",
        ],
        cwd=ROOT,
        env=env,
        # The server logs each refused request with its traceback: kept out
        # of this report (the pages themselves are checked for traces).
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(f"{base}/healthz", timeout=10)
            return process, base
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


class Browser:
    """A signed-in user over plain HTTP to the production settings: the proxy
    header says HTTPS, and the session cookie (Secure) is sent by hand."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.headers = {"X-Forwarded-Proto": "https", "Referer": f"https://{base[7:]}/"}
        page = self.http.get(f"{base}/accounts/login/", headers=self.headers)
        self.cookies = {"csrftoken": page.cookies["csrftoken"]}
        token = _csrf(page.text)
        answer = self.post(
            "/accounts/login/", {"username": username, "password": PASSWORD}, token
        )
        if answer.status_code != 302:
            raise RuntimeError(f"{username} could not sign in: {answer.status_code}")

    def _cookie_header(self) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**self.headers, "Cookie": cookie}

    def get(self, path: str) -> requests.Response:
        return self.http.get(
            self.base + path, headers=self._cookie_header(), allow_redirects=False
        )

    def post(
        self,
        path: str,
        data: dict[str, str],
        token: str | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> requests.Response:
        data = {"csrfmiddlewaretoken": token or self.cookies["csrftoken"], **data}
        response = self.http.post(
            self.base + path,
            data=data,
            files=files,
            headers=self._cookie_header(),
            allow_redirects=False,
        )
        # The session, the CSRF token and the messages shown on the next page.
        self.cookies.update(response.cookies.get_dict())
        return response


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def restart_under_load(cluster: Cluster, base: str) -> list[str]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from assessment.models import Answer, Return
    from assessment.services import return_start
    from indicators.models import Period
    from partnerships.models import LearningPartnership

    print("1. PostgreSQL restarted while managers save, an officer and GO read")
    partnership = LearningPartnership.objects.get(name="Hull")
    period = Period.objects.filter(frameworks__isnull=False).order_by("-starts_on")[0]
    record = Return.objects.filter(partnership=partnership, period=period).first()
    if record is None or record.status not in ("draft", "returned"):
        Return.objects.filter(partnership=partnership, period=period).delete()
        user = get_user_model().objects.get(username="manager")
        record = return_start(partnership=partnership, period=period, user=user)
    codes = ["D1", "D2", "D3", "D4"]
    statuses: Counter[str] = Counter()
    breaches: list[str] = []
    # answer id -> the tokens of its acknowledged saves, in order
    tokens: dict[int, list[str]] = {}
    stop = threading.Event()
    lock = threading.Lock()

    def count(kind: str, response: requests.Response | None) -> None:
        with lock:
            if response is None:
                statuses[f"{kind} connection refused"] += 1
                return
            statuses[f"{kind} {response.status_code}"] += 1
            _check_page(response, breaches)

    # Everyone signs in before PostgreSQL goes away.
    managers = {code: Browser(base, "manager") for code in codes}
    readers = {username: Browser(base, username) for username in ("officer", "go")}

    def save_loop(code: str) -> None:
        # One session a dimension, as a manager with four tabs open, saving
        # its indicators' pages one after the other ("Save and continue"),
        # each save followed by the page it leads to. Versions are followed
        # from the answers (a save adds one), so that saving needs no database
        # of its own while it is down.
        manager = managers[code]
        answers = list(
            Answer.objects.filter(return_record=record, indicator__dimension__code=code)
            .order_by("indicator__order")
            .values_list("pk", "version", "indicator__code")
        )
        versions = {pk: version for pk, version, _ in answers}
        with lock:
            for pk, _, _ in answers:
                tokens[pk] = []
        number = position = 0  # saves tried; the indicator on screen
        while not stop.is_set():
            number += 1
            pk, _, indicator = answers[position % len(answers)]
            path = f"/returns/{record.pk}/dimensions/{code}/{indicator}/"
            token = f"{indicator}-save-{number}"
            data = {
                "action": "continue",
                f"version-{pk}": str(versions[pk]),
                f"evidence-{pk}": token,
                f"barriers-{pk}": token,
                f"score-{pk}": "2",
            }
            try:
                response = manager.post(path, data)
            except requests.ConnectionError:
                count("save", None)
                continue
            count("save", response)
            location = path  # not saved: the page again, as a reload would
            if response.status_code == 302:
                with lock:
                    tokens[pk].append(token)
                versions[pk] += 1
                position += 1  # on to the next indicator, as the redirect says
                location = urlsplit(response.headers.get("Location", "")).path
            try:
                count("page", manager.get(location or path))
            except requests.ConnectionError:
                count("page", None)

    def read_loop(username: str, kind: str, path: str) -> None:
        reader = readers[username]
        while not stop.is_set():
            try:
                count(kind, reader.get(path))
            except requests.ConnectionError:
                count(kind, None)
            time.sleep(0.2)

    threads = [threading.Thread(target=save_loop, args=(code,)) for code in codes]
    threads += [
        threading.Thread(target=read_loop, args=("officer", "queue", "/reviews/")),
        threading.Thread(target=read_loop, args=("go", "dashboard", "/dashboard/")),
    ]
    for thread in threads:
        thread.start()
    time.sleep(4)
    cluster.ctl("-m", "fast", "stop")
    print("   PostgreSQL stopped for 3 s")
    time.sleep(3)
    cluster.start()
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join()
    connection.close()
    manager = Browser(base, "manager")
    after = manager.get("/")
    print(f"   answers seen: {dict(sorted(statuses.items()))}")
    print(f"   after the restart, same gunicorn: home {after.status_code}")
    if after.status_code != 200:
        breaches.append(f"no recovery after the restart: {after.status_code}")
    if not any(key.endswith(" 503") for key in statuses):
        print("   (no request fell in the restart window this time)")
    rows = Answer.objects.filter(pk__in=list(tokens)).values_list(
        "pk", "evidence", "barriers"
    )
    stored = {pk: (evidence, barriers) for pk, evidence, barriers in rows}
    for code in codes:
        acknowledged = sum(
            len(tokens[pk])
            for pk in Answer.objects.filter(
                return_record=record, indicator__dimension__code=code
            ).values_list("pk", flat=True)
        )
        print(f"   {code}: {acknowledged} acknowledged saves")
    held = 0
    for pk, saved in sorted(tokens.items()):
        if not saved:
            continue
        evidence, barriers = stored[pk]
        if evidence != barriers:
            breaches.append(f"a half-saved answer {pk}: {evidence!r} / {barriers!r}")
        elif evidence != saved[-1]:
            breaches.append(
                f"answer {pk}: the last acknowledged save {saved[-1]} is not stored "
                f"({evidence!r})"
            )
        else:
            held += 1
    saved_answers = sum(1 for saved in tokens.values() if saved)
    print(
        f"   answers holding their last acknowledged save, whole: "
        f"{held} of {saved_answers}"
    )
    return breaches


def _check_page(response: requests.Response, breaches: list[str]) -> None:
    if response.status_code >= 500 and response.status_code != 503:
        breaches.append(f"{response.request.method} answered {response.status_code}")
    if "Traceback" in response.text or "OperationalError" in response.text:
        breaches.append("a stack trace was shown")
    if response.status_code == 503 and "unavailable for a moment" not in response.text:
        breaches.append("a 503 without the explanation page")


def kill_a_pack_worker(env: dict[str, str], base: str) -> list[str]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from assessment.models import Return
    from plans.models import DevelopmentPlan
    from plans.services import plan_create
    from reports.models import Pack

    print("2. A pack worker killed half-way")
    connection.close()
    latest = Return.objects.exclude(status="draft").order_by("-period__starts_on")[0]
    # Plans are started as someone who may start them: the demo's administrator.
    administrator = get_user_model().objects.get(username="admin")
    for record in Return.objects.filter(period=latest.period).exclude(status="draft"):
        if not DevelopmentPlan.objects.filter(
            partnership=record.partnership, period=record.period
        ).exists():
            plan_create(return_record=record, user=administrator)
    admin = Browser(base, "admin")
    page = admin.get("/packs/")
    admin.post(
        "/packs/", {"period": latest.period.code, "region": ""}, _csrf(page.text)
    )
    pack = Pack.objects.latest("pk")
    worker_command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay"]
    worker_log = tempfile.NamedTemporaryFile(  # noqa: SIM115
        "w+", prefix="faults-worker.", suffix=".log", delete=False
    )
    worker = subprocess.Popen(
        worker_command,
        cwd=ROOT,
        env=env,
        stdout=worker_log,
        stderr=worker_log,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        pack.refresh_from_db()
        if pack.total and 0 < pack.done < pack.total - 1:
            break
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    pack.refresh_from_db()
    print(f"   killed the worker at {pack.done} of {pack.total} plans ({pack.status})")
    time.sleep(1)
    subprocess.run(
        [sys.executable, "manage.py", "prune_packs"], cwd=ROOT, env=env, check=True
    )
    worker = subprocess.Popen(
        [*worker_command, "--batch"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker.wait(timeout=600)
    pack.refresh_from_db()
    breaches = []
    if pack.status == "complete":
        with zipfile.ZipFile(pack.file.path) as archive:
            pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
        print(
            f"   after prune_packs and a new worker: complete, {len(pdfs)} PDFs "
            f"for {pack.total} plans, {len(pack.failures)} listed as failed"
        )
        if len(pdfs) + len(pack.failures) != pack.total:
            breaches.append("a complete pack with plans missing")
    else:
        print(f"   after prune_packs and a new worker: {pack.status} ({pack.error})")
        if pack.status != "failed":
            breaches.append(f"the pack is still {pack.status}")
    if breaches:
        print(f"   the first worker's log: {worker_log.name}")
    return breaches


def kill_a_summary_worker(env: dict[str, str], base: str) -> list[str]:
    """The national summary PDF asked for through gunicorn (the request only
    queues it), its worker killed (SIGKILL) while WeasyPrint lays it out;
    after `prune_packs` and a new worker it is made, and downloadable."""
    from django.db import connection

    from reports.models import SummaryDocument

    print("5. A summary-PDF worker killed mid-build")
    connection.close()
    admin = Browser(base, "admin")
    page = admin.get("/dashboard/")
    started = time.perf_counter()
    asked = admin.post("/dashboard/summary/", {}, _csrf(page.text))
    seconds = time.perf_counter() - started
    document = SummaryDocument.objects.latest("pk")
    breaches: list[str] = []
    _check_page(asked, breaches)
    print(
        f"   asked for: {asked.status_code} to {asked.headers.get('Location')} "
        f"in {seconds:.2f} s ({document.status})"
    )
    if asked.headers.get("Location") != f"/summaries/{document.pk}/":
        breaches.append("asking for the summary did not go to its page")
    if seconds > 10:
        breaches.append(f"asking for the summary took {seconds:.1f} s")
    worker_command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay"]
    worker = subprocess.Popen(
        worker_command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Killed once WeasyPrint has the pages (step 3 of 5 or later).
    deadline = time.time() + 120
    while time.time() < deadline:
        document.refresh_from_db()
        if document.status != "queued" and document.step >= 3:
            break
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    document.refresh_from_db()
    print(
        f"   killed the worker at step {document.step} of 5 ({document.status}, "
        f"{document.pages} pages laid out)"
    )
    if document.status != "running":
        breaches.append(f"the worker was not killed mid-build ({document.status})")
    time.sleep(1)
    pruned = subprocess.run(
        [sys.executable, "manage.py", "prune_packs"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    taken_up = "1 stalled summaries taken up." in pruned.stdout
    worker = subprocess.Popen(
        [*worker_command, "--batch"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker.wait(timeout=600)
    document.refresh_from_db()
    download = admin.get(f"/summaries/{document.pk}/download/")
    _check_page(download, breaches)
    is_pdf = download.status_code == 200 and download.content.startswith(b"%PDF")
    print(
        f"   after prune_packs (taken up: {taken_up}) and a new worker: "
        f"{document.status}, retried {document.retried}, {document.pages} pages; "
        f"download {download.status_code}, a PDF: {is_pdf}"
    )
    if not taken_up:
        breaches.append("prune_packs did not take up the stalled summary")
    if document.status != "complete" or not is_pdf:
        breaches.append(f"the summary was not made again: {document.status}")
    return breaches


PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def evidence_on_a_full_disk(media: Path, base: str) -> list[str]:
    print("3. Evidence files on a full disk, then on a read-only one")
    folder = media / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        print(
            f"   skipped: cannot mount a small file system ({mounted.stderr.strip()})"
        )
        return []
    breaches: list[str] = []
    try:
        with open(folder / "filler", "wb", buffering=0) as filler:
            try:
                while True:
                    filler.write(b"\0" * 4096)
            except OSError:
                pass
        breaches += _upload_refused(base, "D2", "full")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        breaches += _upload_refused(base, "D3", "read-only")
    finally:
        subprocess.run(["umount", str(folder)], check=True)
    return breaches


def _upload_refused(base: str, code: str, state: str) -> list[str]:
    from assessment.models import Answer, EvidenceFile
    from partnerships.models import LearningPartnership

    partnership = LearningPartnership.objects.get(name="Hull")
    item = (
        Answer.objects.filter(
            return_record__partnership=partnership,
            return_record__status__in=("draft", "returned"),
            indicator__dimension__code=code,
        )
        .select_related("indicator")
        .order_by("indicator__order")
        .first()
    )
    if item is None:
        return [f"{state} disk: Hull has no draft to save"]
    path = f"/returns/{item.return_record_id}/dimensions/{code}/{item.indicator.code}/"
    token = f"{code}-{state}-disk"
    data = {
        "action": "continue",
        f"version-{item.pk}": str(item.version),
        f"evidence-{item.pk}": token,
        f"score-{item.pk}": "3",
    }
    before = EvidenceFile.objects.count()
    manager = Browser(base, "manager")
    response = manager.post(
        path,
        data,
        files={f"attachment-{item.pk}": ("minutes.pdf", PDF, "application/pdf")},
    )
    breaches: list[str] = []
    _check_page(response, breaches)
    # The redirect leads back to the same indicator's page, to say so.
    location = urlsplit(response.headers.get("Location", "")).path
    page = manager.get(location or path)
    _check_page(page, breaches)
    told = "could not be stored" in page.text
    stored = Answer.objects.get(pk=item.pk).evidence
    added = EvidenceFile.objects.count() - before
    print(
        f"   {state}: save {response.status_code} "
        f"to {response.headers.get('Location')}; "
        f"answer stored: {stored == token}; evidence files added: {added}; "
        f"the page says the file was not stored: {told}"
    )
    if response.status_code != 302:
        breaches.append(f"{state} disk: the save answered {response.status_code}")
    if stored != token:
        breaches.append(f"{state} disk: the answer was not saved: {stored!r}")
    if added:
        breaches.append(f"{state} disk: an evidence file row without its file")
    if not told:
        breaches.append(f"{state} disk: the manager was not told the file was lost")
    return breaches


def smtp_down(env: dict[str, str]) -> list[str]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    from assessment.models import Answer, EmailDelivery, Return
    from assessment.services import return_start
    from indicators.models import Period
    from partnerships.models import LearningPartnership

    print("4. The mail server down while a manager submits a return")
    connection.close()
    closed = free_port()  # bound once and let go: nothing listens there
    mail_env = {**env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(closed)}
    partnership = LearningPartnership.objects.get(name="Hull")
    period = Period.objects.filter(frameworks__isnull=False).order_by("-starts_on")[0]
    record = Return.objects.filter(partnership=partnership, period=period).first()
    if record is None or record.status not in ("draft", "returned"):
        Return.objects.filter(partnership=partnership, period=period).delete()
        user = get_user_model().objects.get(username="manager")
        record = return_start(partnership=partnership, period=period, user=user)
    Answer.objects.filter(return_record=record, score__isnull=True).update(score=2)
    before = set(EmailDelivery.objects.values_list("pk", flat=True))
    breaches: list[str] = []
    gunicorn, base = _serve(mail_env)
    try:
        manager = Browser(base, "manager")
        path = f"/returns/{record.pk}/check/"
        response = manager.post(path, {}, _csrf(manager.get(path).text))
        _check_page(response, breaches)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    record.refresh_from_db()
    emails = EmailDelivery.objects.exclude(pk__in=before)
    queued = sorted(emails.values_list("status", flat=True))
    print(
        f"   submit: {response.status_code} to {response.headers.get('Location')}; "
        f"the return is {record.status}; emails queued: {queued}"
    )
    if response.status_code != 302:
        breaches.append(f"SMTP down: submitting answered {response.status_code}")
    if record.status != "submitted":
        breaches.append(f"SMTP down: the return is {record.status}, not submitted")
    if not queued:
        breaches.append("SMTP down: no email was queued for the LLSC officers")
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=mail_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=300,
    )
    # Links point at the address the manager used when the middleware that
    # notes it is installed, at SITE_URL otherwise.
    middleware = "assessment.notifications.SiteAddressMiddleware"
    site = (
        f"https://{base[len('http://') :]}"
        if middleware in settings.MIDDLEWARE
        else settings.SITE_URL
    )
    for email in emails:
        print(
            f"   after a db_worker (exit {worker.returncode}): {email.status}, "
            f"{email.attempts} tries, next at {email.next_attempt_at}, "
            f"{email.last_error!r}"
        )
        if email.status != "retrying" or email.attempts != 1:
            breaches.append(
                f"SMTP down: email {email.pk} is {email.status} after "
                f"{email.attempts} tries, not waiting to try again"
            )
        if f"{site}/returns/{record.pk}/review/" not in email.body:
            breaches.append(f"SMTP down: email {email.pk} does not link to {site}")
    return breaches


if __name__ == "__main__":
    sys.exit(main())
