"""The demo's evidence library: Hull's files, used in last year's return and
carried forward into the open year's draft as links (never copies).

- the strategic plan is evidence for two indicators (D1.1 and D1.4) last year
  and again this year: kept as still current on D1.1, still to be confirmed
  on D1.4;
- the LSP board minutes (D4.1) were due for review three months ago: the
  library shows "Review due", and the open year asks "still current?";
- the learner survey was uploaded this year, for D2.3 only;
- an old flyer is in the library but no longer used anywhere: it can be
  deleted.

The demo manager (Alison Harper, ``manager``) sees the whole library and the
carried files on the open year's indicator pages; the Humberside officer and
the Yorkshire and the Humber GO officer see the files of last year's accepted
return. Idempotent: a Hull library with files is left as it is."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction

from assessment.models import (
    Answer,
    EvidenceFile,
    EvidenceLink,
    Return,
    attachment_storage,
)
from indicators.models import Period
from partnerships.models import LearningPartnership

from .years import Clock

PARTNERSHIP = "Hull"


@dataclass(frozen=True)
class DemoFile:
    title: str
    original_name: str
    # Days before today: the document's date, and its review-by date (negative:
    # after today).
    dated: int
    review: int | None
    last_year: tuple[str, ...]
    # This year's indicators: carried from last year, or linked anew.
    this_year: tuple[str, ...]
    kept: tuple[str, ...] = ()


FILES = (
    DemoFile(
        "Hull Learning Partnership strategic plan 2025-2028",
        "strategic-plan.pdf",
        dated=420,
        review=-480,
        last_year=("D1.1", "D1.4"),
        this_year=("D1.1", "D1.4"),
        kept=("D1.1",),
    ),
    DemoFile(
        "CityVision LSP board minutes, learning theme",
        "lsp-board-minutes.pdf",
        dated=400,
        review=90,
        last_year=("D4.1",),
        this_year=("D4.1",),
    ),
    DemoFile(
        "Learner voice survey, Preston Road",
        "learner-survey.pdf",
        dated=40,
        review=-365,
        last_year=(),
        this_year=("D2.3",),
        kept=("D2.3",),
    ),
    DemoFile(
        "Adult learners' week flyer",
        "flyer.pdf",
        dated=600,
        review=None,
        last_year=(),
        this_year=(),
    ),
)


def _pdf(title: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% "
        + title.encode()
        + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


@transaction.atomic
def load_demo_evidence(*, periods: list[Period], clock: Clock) -> int:
    """Hull's evidence library, linked to last year's return and carried into
    the open year's; returns how many files were added."""
    partnership = LearningPartnership.objects.filter(name=PARTNERSHIP).first()
    if (
        partnership is None
        or EvidenceFile.objects.filter(partnership=partnership).exists()
    ):
        return 0
    *_, last_period, open_period = periods
    returns = {
        r.period_id: r
        for r in Return.objects.filter(
            partnership=partnership, period__in=[last_period, open_period]
        )
    }
    last_year, this_year = returns.get(last_period.pk), returns.get(open_period.pk)
    if last_year is None or this_year is None:
        return 0
    answers = {
        (a.return_record_id, a.indicator.code): a
        for a in Answer.objects.filter(
            return_record__in=[last_year, this_year]
        ).select_related("indicator")
    }
    manager = partnership.managers.order_by("pk").first()
    today = clock.today
    storage = attachment_storage()
    for number, demo in enumerate(FILES):
        uploaded = clock.now - datetime.timedelta(days=min(demo.dated, 400) - number)
        evidence_file = EvidenceFile(
            partnership=partnership,
            title=demo.title,
            document_date=today - datetime.timedelta(days=demo.dated),
            review_by=None
            if demo.review is None
            else today - datetime.timedelta(days=demo.review),
            original_name=demo.original_name,
            content_type="application/pdf",
            size=len(_pdf(demo.title)),
            uploaded_at=uploaded,
            uploaded_by=manager,
        )
        evidence_file.file.name = storage.save(
            f"evidence/{partnership.pk}/demo-{number}.pdf",
            ContentFile(_pdf(demo.title)),
        )
        evidence_file.save()
        earlier = {
            code: EvidenceLink.objects.create(
                evidence_file=evidence_file,
                answer=answers[(last_year.pk, code)],
                linked_at=uploaded,
                linked_by=manager,
                confirmed_at=uploaded,
            )
            for code in demo.last_year
        }
        carried_on = clock.at(open_period, days=-25, base="now")
        for code in demo.this_year:
            EvidenceLink.objects.create(
                evidence_file=evidence_file,
                answer=answers[(this_year.pk, code)],
                linked_at=carried_on if code in earlier else uploaded,
                linked_by=manager,
                carried_from=earlier.get(code),
                confirmed_at=clock.at(open_period, days=-3, base="now")
                if code in demo.kept
                else None,
            )
    return len(FILES)
