"""The regional view at ten times the real scale, and packs with 1 and 2 workers.

    DATABASE_URL=postgres://... python bench/regional.py [--requests 30]

Generates 1,000 partnerships across England's nine regions with 10 years of
returns (once), gives the largest region's a development plan each, then
prints, beside their goals: the largest region's dashboard p50/p95, its query
count, the CPU time a request takes in this process and its bytes per row,
the time to refresh England's figures after a change (in full, and for the
one return changed), the time of the regional summary PDF, and the time of
the pack of the region's plans built by 1 and then 2 `db_worker` processes
(PostgreSQL only: workers need a database several processes can share). The
machine's load average is printed beside the timings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indicators.models import Period

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# Before the rows were made short, on this data (1,000 partnerships, 10
# years, 112 rows in the largest region): 2,417 bytes per heatmap row, the
# page 3,050 bytes per row (334 KB).
ROW_BYTES_BEFORE = 2417
PAGE_BYTES_BEFORE = 3050


def _load() -> str:
    """The machine's load average over 1, 5 and 15 minutes (it is shared)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _figures_refresh_timings(period: Period, england: int, rounds: int = 7) -> None:
    """What an officer's decision costs the figures: a submitted return's
    agreed scores changed (one in every dimension, as a decision agrees them
    all), then the period's figures refreshed in full (``figures_refresh``,
    from every answer in England: what every change cost before) and for that
    return alone (``return_figures_refresh``, what the services run now);
    and for that return after one dimension's agreed score is saved (the
    officer's save of a dimension). Each round runs in a transaction rolled
    back, so the database is left as it was; medians of wall and CPU time."""
    from functools import partial

    from django.db import transaction

    from assessment.figures import figures_refresh, return_figures_refresh
    from assessment.models import Answer, Return, ReturnStatus

    record = (
        Return.objects.filter(period=period)
        .exclude(status=ReturnStatus.DRAFT)
        .order_by("pk")
        .first()
    )
    assert record is not None
    by_dimension: dict[int, list[Answer]] = {}
    for answer in (
        Answer.objects.filter(return_record=record, not_applicable=False)
        .filter(indicator__supplement__isnull=True)
        .select_related("indicator")
        .order_by("pk")
    ):
        by_dimension.setdefault(answer.indicator.dimension_id, []).append(answer)
    in_full = partial(figures_refresh, period=period)
    one_return = partial(return_figures_refresh, return_record=record)
    runs = [
        ("in full after a decision", len(by_dimension), in_full),
        ("for the one return after a decision", len(by_dimension), one_return),
        ("for the one return after a dimension's save", 1, one_return),
    ]
    for name, dimensions, refresh in runs:
        walls, cpus = [], []
        for round_ in range(rounds):
            with transaction.atomic():
                for answers in list(by_dimension.values())[:dimensions]:
                    answer = answers[round_ % len(answers)]
                    agreed = (answer.agreed_score or answer.score or 1) % 4 + 1
                    Answer.objects.filter(pk=answer.pk).update(agreed_score=agreed)
                wall, cpu = time.perf_counter(), time.process_time()
                refresh()
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
                transaction.set_rollback(True)
        print(
            f"figures of {period.code} refreshed {name}: median "
            f"{statistics.median(walls):.1f} ms wall, "
            f"{statistics.median(cpus):.1f} ms CPU ({england} partnerships); "
            f"load average {_load()}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--partnerships", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument(
        "--no-packs", action="store_true", help="stop after the dashboard and PDF"
    )
    parser.add_argument(
        "--no-summary", action="store_true", help="stop after the dashboard"
    )
    args = parser.parse_args()

    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'regional-england.sqlite3'}"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.conf import settings

    # Timed as served in production: no debug templates or query log.
    settings.DEBUG = False
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from assessment.models import Return
    from partnerships.models import LearningPartnership, Profile, Region, Role
    from plans.models import DevelopmentPlan
    from plans.selectors import plan_suggestions
    from plans.services import plan_create, suggestion_accept
    from reports.models import Pack, SummaryDocument
    from reports.packs import build_pack
    from reports.summaries import build_summary

    call_command("migrate", verbosity=0)
    synthetic = LearningPartnership.objects.filter(name__startswith="Synthetic")
    # Idempotent: adds only the partnerships and returns that are missing.
    print(f"Scale data: {args.partnerships} partnerships x {args.years} years ...")
    with open(os.devnull, "w") as quiet:
        call_command(
            "generate_scale_data",
            partnerships=args.partnerships,
            years=args.years,
            stdout=quiet,
        )
    # The largest region, as its GO officer sees it.
    region = Region.objects.get(
        pk=synthetic.values("region")
        .annotate(n=Count("pk"))
        .order_by("-n", "region")[0]["region"]
    )
    latest = (
        Return.objects.filter(partnership__in=synthetic)
        .order_by("-period__starts_on")[0]
        .period
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-go")
    Profile.objects.update_or_create(
        user=user, defaults={"role": Role.GO_OFFICER, "region": region}
    )
    # Plans are made as a national administrator would.
    loader, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True}
    )
    for return_record in Return.objects.filter(
        partnership__in=synthetic.filter(region=region), period=latest
    ):
        if not DevelopmentPlan.objects.filter(
            partnership=return_record.partnership, period=latest
        ).exists():
            plan = plan_create(return_record=return_record, user=loader)
            for suggestion in plan_suggestions(plan=plan)[:3]:
                suggestion_accept(plan=plan, user=loader, code=suggestion.code)

    client = Client()
    client.force_login(user)
    url = f"/dashboard/?period={latest.code}"
    client.get(url)
    timings = []
    # CPU time of this process (the view, templates and the database
    # client), not the database server's: what a request takes from the
    # other workers of a busy machine.
    cpu = []
    for _ in range(args.requests):
        started = time.perf_counter()
        cpu_started = time.process_time()
        response = client.get(url)
        cpu.append((time.process_time() - cpu_started) * 1000)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    timings.sort()
    rows = synthetic.filter(region=region).count()
    england = LearningPartnership.objects.count()
    print(
        f"\n{connection.vendor}: the largest region ({region.name}) has {rows} of "
        f"England's {england} partnerships, {args.years} years; "
        f"load average {_load()}"
    )
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    page = response.content.decode()
    body = page[page.index("<tbody") : page.index("</tbody>")]
    per_row = len(body) / rows
    print(
        f"dashboard: p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms "
        f"(goal 150 ms or less), {len(queries)} queries (goal 20 or fewer); "
        f"CPU in process p50 {statistics.median(cpu):.0f} ms per request"
    )
    print(
        f"HTML: {per_row:.0f} bytes per heatmap row, "
        f"{per_row / ROW_BYTES_BEFORE:.2f} of the {ROW_BYTES_BEFORE} before "
        f"(goal 0.50 or less); the page {len(page) / 1024:.0f} KB, "
        f"{len(page) / rows:.0f} bytes per row ({PAGE_BYTES_BEFORE} before)"
    )
    _figures_refresh_timings(latest, england)
    if args.no_summary:
        return

    # The request only queues the summary; a worker makes it (timed here
    # in this process, as `db_worker` would run it).
    SummaryDocument.objects.all().delete()
    started = time.perf_counter()
    response = client.post("/dashboard/summary/", {"period": latest.code})
    asked = time.perf_counter() - started
    assert response.status_code == 302
    document = SummaryDocument.objects.get()
    started = time.perf_counter()
    build_summary.call(document.pk)
    made = time.perf_counter() - started
    document.refresh_from_db()
    print(
        f"regional summary PDF: asked in {asked * 1000:.0f} ms, made in "
        f"{made:.1f} s ({document.status}, {document.pages} pages)"
    )
    started = time.perf_counter()
    response = client.post("/dashboard/summary/", {"period": latest.code})
    assert response["Location"].endswith(f"/summaries/{document.pk}/download/")
    print(
        "the same summary asked again: served in "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )

    if args.no_packs:
        return
    if connection.vendor != "postgresql":
        print("packs: skipped (several workers need PostgreSQL; set DATABASE_URL)")
        return
    results = {}
    for workers in (1, 2):
        Pack.objects.all().delete()
        DBTaskResult.objects.all().delete()
        client.post("/packs/", {"period": latest.code})
        pack = Pack.objects.get()
        started = time.perf_counter()
        # Split the pack into its per-plan tasks first, so that every worker
        # finds work waiting (a --batch worker stops when the queue is empty).
        build_pack.call(pack.pk)
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--batch",
                    "--no-startup-delay",
                ],
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        for process in processes:
            process.wait(timeout=1800)
        elapsed = time.perf_counter() - started
        pack.refresh_from_db()
        results[workers] = elapsed
        print(
            f"pack of {pack.total} plans, {workers} worker(s): {elapsed:.1f} s "
            f"({pack.status}, {len(pack.failures)} failed)"
        )
    print(f"speed-up with 2 workers: {results[1] / results[2]:.2f}x")


if __name__ == "__main__":
    main()
