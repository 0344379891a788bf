"""Reads for the regional and national views: one row per partnership and the
aggregates the 2003 study reported (the score downloads are in exports.py).
The rows come from the same scoping selectors as every other page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean, median
from typing import Any

from django.db.models import Avg, Count, Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce

from assessment.models import Answer, EngagementRating, Return
from assessment.selectors import stage_label
from indicators.models import Indicator, Period, ScoreLevel
from partnerships.models import (
    LearningPartnership,
    LLSCRelationship,
    LocalLSC,
    LSPRelationship,
    Region,
    Role,
)
from partnerships.selectors import partnerships_for_user, role_of
from plans.models import Priority

AGREEMENT_RANK = {"mou": 3, "concordat": 3, "in_discussion": 2, "none": 1}
RECOGNITION_RANK = {"learning_arm": 4, "lead_agency": 3, "informal": 2, "none": 1}
DIMENSIONS = ("D1", "D2", "D3", "D4")


@dataclass
class DashboardFilters:
    region: Region | None = None
    llsc: LocalLSC | None = None
    structure_model: str = ""
    funded_lsp: bool = False
    status: str = ""


def heat_class(score: float | None) -> str:
    """The heatmap class of a score from 1 to 4; colour only adds to the number."""
    if score is None:
        return "app-heat-none"
    return f"app-heat-{min(max(int(score + 0.5), 1), 4)}"


def _figure(value: float | None, places: int) -> str:
    """As the floatformat filter shows it: halves rounded up, a dash for none."""
    if value is None:
        return "–"
    step = Decimal(1).scaleb(-places)
    return str(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ScoreCell:
    """One dimension's cell of the heatmap: "self / agreed", coloured by the
    agreed score, else the self score."""

    text: str
    heat: str


def score_cell(own: float | None, agreed: float | None) -> ScoreCell:
    return ScoreCell(
        text=f"{_figure(own, 1)} / {_figure(agreed, 1)}",
        heat=heat_class(agreed if agreed is not None else own),
    )


@dataclass
class DashboardRow:
    partnership: LearningPartnership
    return_record: Return | None
    self_scores: dict[str, float | None]
    agreed_scores: dict[str, float | None]
    overall: float | None
    stage: str
    change: float | None
    rating: EngagementRating | None
    agreement: LLSCRelationship | None
    recognition: LSPRelationship | None
    lsp_links: list[LSPRelationship] = field(default_factory=list)

    @property
    def cells(self) -> list[ScoreCell]:
        return [
            score_cell(self.self_scores[d], self.agreed_scores[d]) for d in DIMENSIONS
        ]

    @property
    def overall_heat(self) -> str:
        return heat_class(self.overall)

    @property
    def overall_text(self) -> str:
        return _figure(self.overall, 2)

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "–"
        return ("+" if self.change > 0 else "") + _figure(self.change, 2)


@dataclass
class Dashboard:
    period: Period
    previous: Period | None
    rows: list[DashboardRow]
    learning_arm_share: float | None
    lead_agency_share: float | None
    york_stages: dict[str, int]
    structure_models: dict[str, int]
    regional_median: dict[str, float | None]
    national_median: dict[str, float | None]
    barriers: list[tuple[str, int]]
    levels: list[ScoreLevel] = field(default_factory=list)


def _best(items: list[Any], attribute: str, rank: dict[str, int]) -> Any:
    return max(
        items, key=lambda item: rank.get(getattr(item, attribute), 0), default=None
    )


def _share(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


def _dimension_means(returns: list[Return]) -> dict[int, dict[str, tuple[Any, Any]]]:
    """Per return, per dimension code: (mean self score, mean agreed score)."""
    means: dict[int, dict[str, tuple[Any, Any]]] = {}
    for row in (
        Answer.objects.filter(return_record__in=returns)
        .values("return_record_id", "indicator__dimension__code")
        .annotate(self_mean=Avg("score"), agreed_mean=Avg("agreed_score"))
    ):
        means.setdefault(row["return_record_id"], {})[
            row["indicator__dimension__code"]
        ] = (
            row["self_mean"],
            row["agreed_mean"],
        )
    return means


def _rounded(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None


def _overall(scores: dict[str, tuple[Any, Any]]) -> float | None:
    """The mean across dimensions of the agreed score, else the self score."""
    values = [
        float(agreed if agreed is not None else own)
        for own, agreed in scores.values()
        if (agreed if agreed is not None else own) is not None
    ]
    return round(mean(values), 2) if values else None


def dashboard_partnerships(
    *, user: Any, filters: DashboardFilters
) -> QuerySet[LearningPartnership]:
    """The user's partnerships, filtered as the dashboard asks."""
    partnerships = partnerships_for_user(user).filter(is_active=True)
    if filters.region is not None:
        partnerships = partnerships.filter(region=filters.region)
    if filters.llsc is not None:
        partnerships = partnerships.filter(llsc_relationships__llsc=filters.llsc)
    if filters.structure_model:
        partnerships = partnerships.filter(structure_model=filters.structure_model)
    if filters.funded_lsp:
        partnerships = partnerships.filter(lsp_relationships__lsp__nrf_funded=True)
    return partnerships.distinct()


def regional_period(*, chosen: Period | None) -> Period | None:
    """The period the regional view shows: the one chosen, else the latest
    that has returns; None when there are no returns at all."""
    if chosen is not None:
        return chosen
    return Period.objects.filter(returns__isnull=False).order_by("-starts_on").first()


def regional_dashboard(
    *, user: Any, period: Period, filters: DashboardFilters
) -> Dashboard:
    """One row per partnership in the user's scope and the aggregates, in a
    fixed number of queries whatever the number of partnerships."""
    partnerships = list(
        dashboard_partnerships(user=user, filters=filters)
        .select_related("region")
        .prefetch_related(
            # As plain lists (to_attr): read 3 times per partnership, and a
            # manager's .all() would build a queryset each time.
            Prefetch(
                "llsc_relationships",
                queryset=LLSCRelationship.objects.all(),
                to_attr="llsc_links",
            ),
            Prefetch(
                "lsp_relationships",
                queryset=LSPRelationship.objects.select_related("lsp"),
                to_attr="lsp_links",
            ),
        )
        .order_by("name")
    )
    previous = (
        Period.objects.filter(starts_on__lt=period.starts_on)
        .order_by("-starts_on")
        .first()
    )
    periods = [p for p in (period, previous) if p is not None]
    returns = list(
        Return.objects.filter(partnership__in=partnerships, period__in=periods)
    )
    current = {r.partnership_id: r for r in returns if r.period_id == period.pk}
    last = {
        r.partnership_id: r for r in returns if previous and r.period_id == previous.pk
    }
    means = _dimension_means(returns)
    ratings = {
        r.partnership_id: r
        for r in EngagementRating.objects.filter(
            partnership__in=partnerships, period=period
        )
    }
    framework_ids = {r.framework_id for r in current.values()}
    levels = list(
        ScoreLevel.objects.filter(framework_id__in=framework_ids).order_by("value")
    )
    # One framework per period in practice; its levels name the stages.
    levels = list({level.value: level for level in levels}.values())

    rows = []
    for partnership in partnerships:
        return_record = current.get(partnership.pk)
        status = return_record.status if return_record else "not_started"
        if filters.status and status != filters.status:
            continue
        scores = means.get(return_record.pk, {}) if return_record else {}
        overall = _overall(scores)
        previous_return = last.get(partnership.pk)
        before = (
            _overall(means.get(previous_return.pk, {})) if previous_return else None
        )
        rows.append(
            DashboardRow(
                partnership=partnership,
                return_record=return_record,
                self_scores={
                    d: _rounded(scores.get(d, (None, None))[0]) for d in DIMENSIONS
                },
                agreed_scores={
                    d: _rounded(scores.get(d, (None, None))[1]) for d in DIMENSIONS
                },
                overall=overall,
                stage=stage_label(overall, levels),
                change=round(overall - before, 2)
                if overall is not None and before is not None
                else None,
                rating=ratings.get(partnership.pk),
                agreement=_best(
                    getattr(partnership, "llsc_links", []),
                    "agreement_status",
                    AGREEMENT_RANK,
                ),
                recognition=_best(
                    getattr(partnership, "lsp_links", []),
                    "recognition",
                    RECOGNITION_RANK,
                ),
                lsp_links=getattr(partnership, "lsp_links", []),
            )
        )
    shown = [row.partnership for row in rows]
    shown_ids = {p.pk for p in shown}
    total = len(shown)
    links = [row.lsp_links for row in rows]
    learning_arm = sum(
        1 for ls in links if any(x.recognition == "learning_arm" for x in ls)
    )
    lead = sum(
        1
        for ls in links
        if any(x.recognition in ("learning_arm", "lead_agency") for x in ls)
    )
    york = {
        "Aligning with LSPs": sum(
            1 for ls in links if any(x.stage_aligning for x in ls)
        ),
        "Own structures linking into LSPs": sum(
            1 for ls in links if any(x.stage_own_structures for x in ls)
        ),
        "LSP-funded projects led by the partnership": sum(
            1 for ls in links if any(x.stage_funded_projects for x in ls)
        ),
    }
    structures = Counter(p.get_structure_model_display() for p in shown)
    regional = {
        d: _median(
            row.agreed_scores[d]
            if row.agreed_scores[d] is not None
            else row.self_scores[d]
            for row in rows
        )
        for d in DIMENSIONS
    }
    return Dashboard(
        period=period,
        previous=previous,
        rows=rows,
        learning_arm_share=_share(learning_arm, total),
        lead_agency_share=_share(lead, total),
        york_stages=york,
        structure_models=dict(structures.most_common()),
        regional_median=regional,
        national_median=national_medians(period=period),
        barriers=common_barriers(
            returns=[r for r in current.values() if r.partnership_id in shown_ids]
        ),
        levels=levels,
    )


def _median(values: Any) -> float | None:
    present = [v for v in values if v is not None]
    return round(median(present), 2) if present else None


def national_medians(*, period: Period) -> dict[str, float | None]:
    """The median across every partnership in England of each dimension's mean
    (agreed, else self) score in the period."""
    per_return: dict[int, dict[str, tuple[Any, Any]]] = {}
    for row in (
        Answer.objects.filter(return_record__period=period)
        .exclude(return_record__status="draft")
        .values("return_record_id", "indicator__dimension__code")
        .annotate(self_mean=Avg("score"), agreed_mean=Avg("agreed_score"))
    ):
        per_return.setdefault(row["return_record_id"], {})[
            row["indicator__dimension__code"]
        ] = (row["self_mean"], row["agreed_mean"])
    return {
        d: _median(
            float(s[d][1] if s[d][1] is not None else s[d][0])
            if d in s and (s[d][1] is not None or s[d][0] is not None)
            else None
            for s in per_return.values()
        )
        for d in DIMENSIONS
    }


def common_barriers(*, returns: list[Return], limit: int = 5) -> list[tuple[str, int]]:
    """The barriers recorded most often in the returns, with how often."""
    return [
        (row["barriers"], row["times"])
        for row in Answer.objects.filter(return_record__in=returns)
        .exclude(barriers="")
        .values("barriers")
        .annotate(times=Count("pk"))
        .order_by("-times", "barriers")[:limit]
    ]


def has_dashboard(user: Any) -> bool:
    """GO officers, LLSC officers and national administrators compare partnerships."""
    return role_of(user) in (Role.GO_OFFICER, Role.LLSC_OFFICER, Role.NATIONAL_ADMIN)


def regional_trends(
    *, user: Any, filters: DashboardFilters
) -> tuple[list[str], dict[str, list[float | None]]]:
    """Per period (oldest first), the mean per dimension of every answer's
    agreed score, else its self score, over the selected partnerships'
    submitted returns."""
    partnerships = dashboard_partnerships(user=user, filters=filters)
    # Summed per period and indicator (joining answers to returns only), then
    # folded into dimensions here: far cheaper than joining every answer to
    # its indicator, dimension and period.
    score = Coalesce("agreed_score", "score")
    sums = (
        Answer.objects.filter(return_record__partnership__in=partnerships)
        .exclude(return_record__status="draft")
        .values("return_record__period_id", "indicator_id")
        .annotate(total=Sum(score), count=Count(score))
        .order_by()
    )
    totals: dict[int, dict[int, list[int]]] = {}
    indicator_ids = set()
    for row in sums:
        indicator_ids.add(row["indicator_id"])
        totals.setdefault(row["return_record__period_id"], {})[row["indicator_id"]] = [
            row["total"] or 0,
            row["count"],
        ]
    dimension_of = dict(
        Indicator.objects.filter(pk__in=indicator_ids).values_list(
            "pk", "dimension__code"
        )
    )
    periods: list[str] = []
    series: dict[str, list[float | None]] = {d: [] for d in DIMENSIONS}
    for period in Period.objects.filter(pk__in=totals).order_by("starts_on"):
        by_dimension = {d: [0, 0] for d in DIMENSIONS}
        for indicator_id, (total, count) in totals[period.pk].items():
            code = dimension_of.get(indicator_id)
            if code in by_dimension:
                by_dimension[code][0] += total
                by_dimension[code][1] += count
        periods.append(period.code)
        for d in DIMENSIONS:
            total, count = by_dimension[d]
            series[d].append(round(total / count, 2) if count else None)
    return periods, series


@dataclass
class PartnershipPage:
    row: DashboardRow
    priorities: list[Any]
    lsp_links: list[LSPRelationship]


def regional_summary_pages(*, dashboard: Dashboard) -> list[PartnershipPage]:
    """Per partnership of the dashboard: its development plan's priorities for
    the period and its LSP relationships (already loaded), in one query."""
    ids = [row.partnership.pk for row in dashboard.rows]
    priorities: dict[int, list[Any]] = {}
    for priority in (
        Priority.objects.filter(
            plan__partnership_id__in=ids, plan__period=dashboard.period
        )
        .select_related("dimension", "plan")
        .order_by("order", "pk")
    ):
        priorities.setdefault(priority.plan.partnership_id, []).append(priority)
    return [
        PartnershipPage(
            row=row,
            priorities=priorities.get(row.partnership.pk, []),
            lsp_links=row.lsp_links,
        )
        for row in dashboard.rows
    ]
