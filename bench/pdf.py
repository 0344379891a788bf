"""Time to produce the development plan PDF, against WeasyPrint alone.

    python bench/pdf.py [--runs 10] [--actions 60]

Builds (once, in bench/pdf.sqlite3 unless DATABASE_URL is set) the demo data and
a development plan of ``--actions`` actions, then times the whole PDF view
path (queries, chart, template, WeasyPrint) and WeasyPrint alone rendering the
same HTML string already built. The ratio is the overhead of everything that
is not WeasyPrint (target 1.15 or less).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--actions", type=int, default=60)
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'pdf.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    import django

    django.setup()
    from django.core.management import call_command
    from django.template.loader import render_to_string
    from pypdf import PdfReader

    from plans.models import ActionStatus, DevelopmentPlan, ImprovementArea
    from plans.selectors import plan_context
    from plans.services import action_save
    from reports.pdf import html_to_pdf, render_pdf

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    # Hull's latest plan with priorities: the demo dates its years around today.
    plan = (
        DevelopmentPlan.objects.select_related(
            "partnership", "period", "source_return__framework", "approved_by"
        )
        .filter(partnership__name="Hull", priorities__isnull=False)
        .distinct()
        .order_by("-period__starts_on")
        .first()
    )
    if plan is None:
        sys.exit("The demo data has no development plan with priorities for Hull.")
    priorities = list(plan.priorities.all())
    existing = sum(p.actions.count() for p in priorities)
    for number in range(existing, args.actions):
        action_save(
            priority=priorities[number % len(priorities)],
            user=plan.partnership.managers.first(),
            description=f"Benchmark action {number + 1}: extend outreach to a new ward",
            lead_person="Partnership manager",
            improvement_area=ImprovementArea.SERVICES,
            starts_on=plan.period.starts_on,
            due_on=plan.period.ends_on,
            success_measure="Reported at each monitoring point",
            status=list(ActionStatus)[number % 5],
        )

    def whole() -> bytes:
        return render_pdf("reports/plan_pdf.html", plan_context(plan=plan))

    html = render_to_string(
        "reports/plan_pdf.html", {**plan_context(plan=plan), "for_pdf": True}
    )
    whole()  # warm up fonts and templates
    full, floor = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        content = whole()
        full.append(time.perf_counter() - started)
        started = time.perf_counter()
        html_to_pdf(html)
        floor.append(time.perf_counter() - started)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    full_ms, floor_ms = statistics.median(full) * 1000, statistics.median(floor) * 1000
    actions = sum(p.actions.count() for p in plan.priorities.all())
    name = plan.partnership.name
    print(f"\nDevelopment plan of {name}: {actions} actions, {pages} pages")
    print(f"{'':<30} {'median ms':>10} {'ms/page':>8}")
    for label, ms in (
        ("whole PDF (view path)", full_ms),
        ("WeasyPrint alone", floor_ms),
    ):
        print(f"{label:<30} {ms:>10.0f} {ms / pages:>8.1f}")
    print(f"ratio {full_ms / floor_ms:.2f} (target 1.15 or less)")


if __name__ == "__main__":
    main()
