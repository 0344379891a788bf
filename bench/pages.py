"""Server time and query count of the self-assessment's busiest pages.

    python bench/pages.py [--partnerships 1000] [--years 10] [--requests 60]

Uses DATABASE_URL when set (for PostgreSQL), otherwise SQLite in
bench/bench.sqlite3. Generates the scale data once (generate_scale_data) if the
database has none, then requests each page as the manager of one synthetic
partnership, in process, and prints p50, p95 and the query count; then the
moderation page of a dimension as the LLSC officer of a submitted return.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--partnerships", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()

    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessment.models import Return, ReturnStatus
    from partnerships.models import LearningPartnership, LocalLSC, Profile, Role

    call_command("migrate", verbosity=0)
    synthetic = LearningPartnership.objects.filter(name__startswith="Synthetic")
    if synthetic.count() < args.partnerships:
        print(f"Generating {args.partnerships} partnerships x {args.years} years ...")
        call_command(
            "generate_scale_data",
            partnerships=args.partnerships,
            years=args.years,
        )
    return_record = (
        Return.objects.filter(partnership__in=synthetic, status=ReturnStatus.DRAFT)
        .order_by("-period__starts_on", "partnership__name")
        .select_related("partnership")
        .first()
    )
    if return_record is None:
        sys.exit("No draft return among the synthetic partnerships.")
    user, _ = get_user_model().objects.get_or_create(username="bench-manager")
    Profile.objects.get_or_create(user=user, defaults={"role": Role.MANAGER})
    return_record.partnership.managers.add(user)

    first = (
        return_record.answers.filter(indicator__dimension__code="D1")
        .order_by("indicator__order")
        .select_related("indicator")
        .first()
    )
    if first is None:
        sys.exit("The draft return has no D1 answers.")
    submitted = (
        Return.objects.filter(partnership__in=synthetic, status=ReturnStatus.SUBMITTED)
        .order_by("-period__starts_on", "partnership__name")
        .first()
    )
    if submitted is None:
        sys.exit("No submitted return among the synthetic partnerships.")
    llsc = LocalLSC.objects.filter(relationships__partnership=submitted.partnership)[0]
    officer, _ = get_user_model().objects.get_or_create(username="bench-officer")
    Profile.objects.update_or_create(
        user=officer, defaults={"role": Role.LLSC_OFFICER, "llsc": llsc}
    )

    client = Client()
    client.force_login(user)
    officer_client = Client()
    officer_client.force_login(officer)
    dimension = f"/returns/{return_record.pk}/dimensions/D1/"
    pages = {
        "task list": (client, f"/returns/{return_record.pk}/"),
        "dimension page (D1)": (client, dimension),
        f"indicator page ({first.indicator.code})": (
            client,
            f"{dimension}{first.indicator.code}/",
        ),
        "check answers": (client, f"/returns/{return_record.pk}/check/"),
        "partnership profile": (
            client,
            f"/partnerships/{return_record.partnership.pk}/",
        ),
        "officer's D1 review": (
            officer_client,
            f"/returns/{submitted.pk}/review/D1/",
        ),
    }
    answers = return_record.answers.model.objects.count()
    print(
        f"\n{connection.vendor}: {synthetic.count()} partnerships, "
        f"{Return.objects.count()} returns, {answers} answers; "
        f"{args.requests} requests a page\n"
    )
    print(f"{'page':<24} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for name, (client, url) in pages.items():
        client.get(url)  # warm up
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(
            f"{name:<24} {statistics.median(timings):>8.1f} {p95:>8.1f} "
            f"{len(queries):>8}"
        )


if __name__ == "__main__":
    main()
