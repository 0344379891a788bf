"""The regional view at ten times the real scale, and packs with 1 and 2 workers.

    DATABASE_URL=postgres://... python bench/regional.py [--requests 30]

Generates 110 partnerships in one region with 10 years of returns (once), gives
each a development plan, then prints: the dashboard's p50/p95 and query count,
the time of the regional summary PDF, and the time of the pack of the region's
plans built by 1 and then 2 `db_worker` processes (PostgreSQL only: workers
need a database several processes can share).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--partnerships", type=int, default=110)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument(
        "--no-packs", action="store_true", help="stop after the dashboard and PDF"
    )
    args = parser.parse_args()

    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'regional.sqlite3'}"
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
    region = Region.objects.get(code="YH")
    synthetic = LearningPartnership.objects.filter(name__startswith="Synthetic")
    # Idempotent: adds only the partnerships and returns that are missing.
    print(f"Scale data: {args.partnerships} partnerships x {args.years} years ...")
    with open(os.devnull, "w") as quiet:
        call_command(
            "generate_scale_data",
            partnerships=args.partnerships,
            years=args.years,
            region="YH",
            stdout=quiet,
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
        partnership__in=synthetic, period=latest
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
    for _ in range(args.requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    rows = synthetic.filter(region=region).count()
    print(
        f"\n{connection.vendor}: {rows} partnerships in one region, {args.years} years"
    )
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(
        f"dashboard: p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms "
        f"(target 300), {len(queries)} queries"
    )

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
