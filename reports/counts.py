"""The figures the regional view gives over many partnerships: the counts the
2003 studies report (partnerships by York's stages of activity with LSPs, host
organisation, coterminosity with the local LSC, local agreement and GO rating),
each with its share of the partnerships shown; the medians. The categories
named are counted in categories.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count
from django.db.models.functions import Coalesce

from assessment.models import Answer, EngagementRating, Return, ScoreFigure
from indicators.models import Period
from partnerships.models import (
    AgreementStatus,
    BodyKind,
    HostType,
    LSPRelationship,
    Recognition,
    StructureModel,
)

if TYPE_CHECKING:
    from .selectors import DashboardRow

# Per dimension code: (mean self score, mean agreed score).
Means = dict[str, tuple[Any, Any]]

# York's stages of regeneration activity with an LSP (not necessarily
# hierarchical: a partnership may have reached several).
YORK_STAGES = (
    ("stage_aligning", "Aligning with LSPs"),
    ("stage_own_structures", "Own structures linking into LSPs"),
    ("stage_funded_projects", "LSP-funded projects led by the partnership"),
)


@dataclass(frozen=True)
class Tally:
    label: str
    count: int
    share: float | None  # per cent of the partnerships shown

    @property
    def share_text(self) -> str:
        return "" if self.share is None else f"{self.share:.0f}%"


@dataclass(frozen=True)
class Breakdown:
    """One count the studies report: partnerships by some property."""

    title: str
    tallies: list[Tally]
    # Said under the table when the groups overlap or need explaining.
    note: str = ""


def share(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


def _tallies(counts: Iterable[tuple[str, int]], total: int) -> list[Tally]:
    return [Tally(label, count, share(count, total)) for label, count in counts]


def lsp_counts(
    links: list[list[LSPRelationship]],
) -> tuple[int, int, dict[str, int]]:
    """Of the partnerships (their LSP relationships given): how many are
    formally the learning arm of an LSP, how many are recognised as lead
    agency on learning (a learning arm is), and how many reached each of
    York's stages of activity with at least one LSP."""
    learning_arm = sum(
        1 for ls in links if any(x.recognition == Recognition.LEARNING_ARM for x in ls)
    )
    lead_agency = sum(
        1
        for ls in links
        if any(
            x.recognition in (Recognition.LEARNING_ARM, Recognition.LEAD_AGENCY)
            for x in ls
        )
    )
    york = {
        label: sum(1 for ls in links if any(getattr(x, name) for x in ls))
        for name, label in YORK_STAGES
    }
    return learning_arm, lead_agency, york


def study_breakdowns(rows: Sequence[DashboardRow]) -> list[Breakdown]:
    """The counts the studies report over the rows shown, from what the rows
    already hold (no query)."""
    total = len(rows)
    _, _, york = lsp_counts([row.lsp_links for row in rows])
    partnerships = [row.partnership for row in rows]
    return [
        Breakdown(
            "Stage of development with LSPs",
            _tallies(york.items(), total),
            note="York's stages of activity, reached with at least one LSP; "
            "a partnership may have reached several.",
        ),
        Breakdown(
            "Structure model",
            _tallies(
                (
                    (model.label, sum(p.structure_model == model for p in partnerships))
                    for model in StructureModel
                ),
                total,
            ),
        ),
        Breakdown(
            "Host organisation",
            _tallies(
                (
                    (host.label, count)
                    for host in HostType
                    if (count := sum(p.host_type == host for p in partnerships))
                ),
                total,
            ),
        ),
        Breakdown("Coterminous with the local LSC", _coterminosity(rows, total)),
        Breakdown(
            "Local agreement with the local LSC",
            _agreements(rows, total),
            note="The strongest agreement a partnership has with any of its "
            "local LSCs.",
        ),
        Breakdown("GO rating of engagement with regeneration", _ratings(rows, total)),
        Breakdown(
            "Relationships with other regeneration bodies",
            _body_links(rows, total),
            note="Partnerships with at least one relationship with a body of "
            "each kind; a partnership may have several.",
        ),
    ]


def _coterminosity(rows: Sequence[DashboardRow], total: int) -> list[Tally]:
    links = [getattr(row.partnership, "llsc_links", []) for row in rows]
    coterminous = sum(1 for ls in links if any(x.is_coterminous for x in ls))
    unlinked = sum(1 for ls in links if not ls)
    return _tallies(
        [
            ("Coterminous with its local LSC", coterminous),
            ("Not coterminous", total - coterminous - unlinked),
            ("No local LSC recorded", unlinked),
        ],
        total,
    )


def _body_links(rows: Sequence[DashboardRow], total: int) -> list[Tally]:
    kinds = [
        {link.kind for link in getattr(row.partnership, "regeneration_links", [])}
        for row in rows
    ]
    return _tallies(
        [
            *((kind.label, sum(1 for ks in kinds if kind in ks)) for kind in BodyKind),
            ("None recorded", sum(1 for ks in kinds if not ks)),
        ],
        total,
    )


def _agreements(rows: Sequence[DashboardRow], total: int) -> list[Tally]:
    statuses = [row.agreement.agreement_status if row.agreement else "" for row in rows]
    # Signed ones first, the way the studies count them.
    order = [
        AgreementStatus.MOU,
        AgreementStatus.CONCORDAT,
        AgreementStatus.IN_DISCUSSION,
        AgreementStatus.NONE,
    ]
    counts = [(status.label, statuses.count(status)) for status in order]
    counts.append(("No local LSC recorded", statuses.count("")))
    return _tallies(counts, total)


def _ratings(rows: Sequence[DashboardRow], total: int) -> list[Tally]:
    ratings = [row.rating.rating if row.rating else None for row in rows]
    counts = [
        (str(choice.label), ratings.count(choice.value))
        for choice in sorted(EngagementRating.Rating, key=lambda c: -c.value)
    ]
    counts.append(("Not rated for this period", ratings.count(None)))
    return _tallies(counts, total)


def median_of(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(median(present), 2) if present else None


def national_medians(
    *, period: Period, dimensions: Sequence[str], frameworks: Iterable[int] = ()
) -> dict[str, float | None]:
    """The median across every partnership in England of each dimension's mean
    (agreed, else self) score in the period, as kept by the figures: one small
    query whatever England's size. Where the period's returns were made under
    several frameworks, the figures of those given come first."""
    preferred = set(frameworks)
    found: dict[str, tuple[bool, float | None]] = {}
    for framework_id, code, value in ScoreFigure.objects.filter(
        period=period, region__isnull=True, dimension__code__in=list(dimensions)
    ).values_list("framework_id", "dimension__code", "median"):
        rank = framework_id in preferred
        if code not in found or (rank and not found[code][0]):
            found[code] = (rank, value)
    return {d: found[d][1] if d in found else None for d in dimensions}


@dataclass
class LocalStatementMean:
    """One local statement on the regional view: its area's label, and the
    mean (agreed, else self) score of the partnerships shown that answer it."""

    label: str
    code: str
    statement: str
    mean: float | None
    scored: int


def local_statement_means(*, returns: list[Return]) -> list[LocalStatementMean]:
    """Per local statement the returns answer, the mean of its agreed (else
    self) scores and how many are scored: one query. Kept apart from every
    dimension figure, which counts national indicators only."""
    score = Coalesce("agreed_score", "score")
    rows = (
        Answer.objects.filter(
            return_record_id__in=[r.pk for r in returns],
            indicator__supplement__isnull=False,
        )
        .values(
            "indicator_id",
            "indicator__code",
            "indicator__statement",
            "indicator__supplement__region__name",
            "indicator__supplement__local_lsc__name",
        )
        .annotate(mean=Avg(score), scored=Count(score))
        .order_by(
            "indicator__supplement__region__name",
            "indicator__supplement__local_lsc__name",
            "indicator__dimension__order",
            "indicator__order",
        )
    )
    return [
        LocalStatementMean(
            label="Local statement: "
            + (
                row["indicator__supplement__region__name"]
                or f"{row['indicator__supplement__local_lsc__name']} LSC"
            ),
            code=row["indicator__code"],
            statement=row["indicator__statement"],
            mean=round(float(row["mean"]), 2) if row["mean"] is not None else None,
            scored=row["scored"],
        )
        for row in rows
    ]
