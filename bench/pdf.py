"""Time per page of the documents' PDFs: the path in use against the former one.

    python bench/pdf.py [--runs 3] [--actions 60] [--profile]

Builds (once, in bench/pdf.sqlite3 unless DATABASE_URL is set) the demo data and
a development plan of ``--actions`` actions, renders the plan's HTML and the
regional summary's HTML for England once each, then times on that same HTML:

- new: ``reports.pdf.html_to_pdf``, the documents' stylesheets parsed once per
  process and the fonts loaded once;
- former: the full GOV.UK Frontend stylesheet linked from the page, the print
  layout inline and pygal's stylesheet in every chart, all parsed (and the
  fonts found) again for every document, as the PDFs were made before (table
  tags finished as now);
- plain: ``weasyprint.HTML(string=html).write_pdf()`` on the same HTML, with no
  stylesheet but WeasyPrint's own and no PDF/UA tagging.

Figures are CPU milliseconds per page (``time.process_time``, steadier than the
clock on a shared machine; wall clock beside it), median and least of ``--runs``
with the paths taking turns. The goal: new / former at most 0.33 per page.
``--profile`` prints where the new path spends its time on the plan.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL = 0.33


def former_html(html: str) -> str:
    """The document as it was made before: GOV.UK Frontend's whole stylesheet
    linked, the print layout in a style element (charts drawn as before by
    `former_charts`)."""
    print_css = (ROOT / "templates" / "reports" / "includes" / "print.css").read_text()
    head = (
        '<link rel="stylesheet" href="/static/govuk/govuk-frontend.min.css">'
        f"<style>{print_css}</style></head>"
    )
    return html.replace("</head>", head, 1)


@contextmanager
def former_charts() -> Iterator[None]:
    """Charts drawn as before: pygal's style element in every chart."""
    from unittest import mock

    from reports import charts

    drawn = (charts.radar_chart, charts.median_chart, charts.trend_chart)
    for chart in drawn:
        chart.cache_clear()  # type: ignore[attr-defined]
    with mock.patch.object(charts, "_styled_by_attributes", lambda svg: svg):
        yield
    for chart in drawn:
        chart.cache_clear()  # type: ignore[attr-defined]


def timed(
    paths: dict[str, Callable[[], bytes]], runs: int
) -> dict[str, tuple[float, float, float, bytes]]:
    """Each path's median and least CPU milliseconds, median wall milliseconds
    and last PDF. The paths take turns in each round, so a burst of other
    work on the machine falls on all of them alike."""
    cpu: dict[str, list[float]] = {label: [] for label in paths}
    wall: dict[str, list[float]] = {label: [] for label in paths}
    content: dict[str, bytes] = {}
    for _ in range(runs):
        for label, function in paths.items():
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            content[label] = function()
            cpu[label].append((time.process_time() - started_cpu) * 1000)
            wall[label].append((time.perf_counter() - started_wall) * 1000)
    return {
        label: (
            statistics.median(cpu[label]),
            min(cpu[label]),
            statistics.median(wall[label]),
            content[label],
        )
        for label in paths
    }


def plan_html(actions: int) -> str:
    from django.template.loader import render_to_string

    from plans.models import ActionStatus, DevelopmentPlan, ImprovementArea
    from plans.selectors import plan_context
    from plans.services import action_save

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
    for number in range(existing, actions):
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
    return render_to_string(
        "reports/plan_pdf.html", {**plan_context(plan=plan), "for_pdf": True}
    )


def regional_html() -> str:
    """The HTML of the regional summary of England, as its worker renders it."""
    from unittest import mock

    from partnerships.models import Role
    from partnerships.users import User
    from reports import summaries
    from reports.models import SummaryDocument
    from reports.selectors import regional_period
    from reports.summary_figures import scope_fields, summary_scope

    user = User.objects.filter(profile__role=Role.NATIONAL_ADMIN).first()
    scope = summary_scope(user) if user is not None else None
    period = regional_period(chosen=None)
    if user is None or scope is None or period is None:
        sys.exit("The demo data has no national administrator or no returns.")
    document = SummaryDocument.objects.create(
        period=period, **scope_fields(scope), title="England", created_by=user
    )
    rendered: list[str] = []

    def keep(html: str) -> bytes:
        rendered.append(html)
        return b""

    with mock.patch.object(summaries.pdf, "html_to_pdf", keep):
        summaries._make_summary(document, summaries._Progress(document.pk))
    document.delete()
    return rendered[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--actions", type=int, default=60)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'pdf.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    import django

    django.setup()
    import weasyprint
    from django.core.management import call_command
    from pypdf import PdfReader

    from reports.pdf import StaticOnlyFetcher, html_to_pdf
    from reports.pdf_tags import tags_finished

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)

    def former(html: str) -> bytes:
        document = weasyprint.HTML(
            string=html,
            base_url="file:///",
            url_fetcher=StaticOnlyFetcher(),
        )
        return tags_finished(bytes(document.write_pdf(pdf_variant="pdf/ua-1")))

    def plain(html: str) -> bytes:
        return bytes(weasyprint.HTML(string=html, base_url="file:///").write_pdf())

    documents = {
        "Development plan": plan_html(args.actions),
        "Regional summary (England)": regional_html(),
    }
    with former_charts():
        former_documents = {
            "Development plan": former_html(plan_html(args.actions)),
            "Regional summary (England)": former_html(regional_html()),
        }
    html_to_pdf(documents["Development plan"])  # first document: parse, find fonts
    ratios = []
    for title, html in documents.items():
        paths: dict[str, Callable[[], bytes]] = {
            "new (html_to_pdf)": lambda html=html: html_to_pdf(html),
            "former (full GOV.UK CSS)": lambda html=former_documents[title]: former(
                html
            ),
            "plain write_pdf, same HTML": lambda html=html: plain(html),
        }
        figures = timed(paths, args.runs)
        print(f"\n{title}: {args.runs} runs of each, taking turns")
        print(
            f"{'':<28} {'pages':>5} {'CPU ms/page':>12} {'least CPU':>10}"
            f" {'wall ms/page':>13}"
        )
        pages = {}
        for label, (cpu, least, wall, content) in figures.items():
            pages[label] = len(PdfReader(io.BytesIO(content)).pages)
            count = pages[label]
            print(
                f"{label:<28} {count:>5} {cpu / count:>12.1f} {least / count:>10.1f}"
                f" {wall / count:>13.1f}"
            )
        new, old = "new (html_to_pdf)", "former (full GOV.UK CSS)"
        for kind, index in (("median", 0), ("least", 1)):
            ratio = (figures[new][index] / pages[new]) / (
                figures[old][index] / pages[old]
            )
            ratios.append(ratio)
            met = "met" if ratio <= GOAL else "NOT met"
            print(
                f"new / former per page, {kind} CPU: {ratio:.2f}"
                f" (goal {GOAL} or less: {met})"
            )
    print(f"\nWorst new / former: {max(ratios):.2f} (goal {GOAL} or less)")
    if args.profile:
        profile(html_to_pdf, documents["Development plan"])


def profile(function: Callable[[str], Any], html: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    function(html)
    profiler.disable()
    print("\nWhere the new path spends its time on the plan (cumulative):")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
