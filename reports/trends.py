"""The regional view's trend over the years: per period, the mean score of
each dimension over the selected partnerships' submitted returns. For a whole
region, or England, read from the figures kept per period (ScoreFigure); for
an area or a filtered selection, added up from its answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from assessment.counting import counted_q
from assessment.models import Answer, ReturnStatus, ScoreFigure
from indicators.models import Indicator
from indicators.selectors import national
from partnerships.models import LearningPartnership, Role
from partnerships.selectors import profile_of, role_of
from partnerships.users import AnyUser

from .selectors import DashboardFilters, dashboard_partnerships


def regional_trends(
    *, user: AnyUser, filters: DashboardFilters, dimensions: Sequence[str] | None = None
) -> tuple[list[str], dict[str, list[float | None]]]:
    """Per period (oldest first), the mean per dimension of every answer's
    agreed score, else its self score, over the selected partnerships'
    submitted returns. Per the dimension codes given, else per dimension the
    answers fall in (in their framework's order)."""
    scope = _whole_scope(user=user, filters=filters)
    if scope is not None:
        return _kept_trends(scope, dimensions)
    totals = _trend_totals(dashboard_partnerships(user=user, filters=filters))
    indicator_ids = {pk for by_indicator in totals.values() for pk in by_indicator}
    dimension_of: dict[int, str] = {}
    places: dict[str, int] = {}
    for pk, dimension_code, place in Indicator.objects.filter(
        pk__in=indicator_ids
    ).values_list("pk", "dimension__code", "dimension__order"):
        dimension_of[pk] = dimension_code
        places.setdefault(dimension_code, place)
    by_period: dict[str, dict[str, list[int]]] = {}
    for starts_on, code_of_period in sorted(totals):
        sums = by_period.setdefault(code_of_period, {})
        for indicator_id, (total, count) in totals[(starts_on, code_of_period)].items():
            code = dimension_of.get(indicator_id)
            if code is not None:
                added = sums.setdefault(code, [0, 0])
                added[0] += total
                added[1] += count
    return _series(by_period, places, dimensions)


def _series(
    by_period: dict[str, dict[str, list[int]]],
    places: dict[str, int],
    dimensions: Sequence[str] | None,
) -> tuple[list[str], dict[str, list[float | None]]]:
    """The periods in the order given and, per dimension (those given, else
    every one found in its framework's order), the mean of each period's
    summed scores (None where it has none)."""
    if dimensions is None:
        dimensions = sorted(places, key=lambda code: (places[code], code))
    series: dict[str, list[float | None]] = {d: [] for d in dimensions}
    for sums in by_period.values():
        for d in dimensions:
            total, count = sums.get(d, (0, 0))
            series[d].append(round(total / count, 2) if count else None)
    return list(by_period), series


def _trend_totals(
    partnerships: QuerySet[LearningPartnership],
) -> dict[tuple[Any, str], dict[int, list[int]]]:
    """Per period (its start and code) and indicator, the sum and the number
    of the submitted answers' agreed, else self, scores."""
    # Summed per period and indicator (joining answers to returns and their
    # few periods only), then folded into dimensions by the caller: far
    # cheaper than joining every answer to its indicator and dimension.
    score = Coalesce("agreed_score", "score")
    sums = (
        national(
            Answer.objects.filter(return_record__partnership__in=partnerships),
            through="indicator__",
        )
        .exclude(return_record__status=ReturnStatus.DRAFT)
        .values(
            "return_record__period__starts_on",
            "return_record__period__code",
            "indicator_id",
        )
        .annotate(
            total=Sum(score, filter=counted_q()), count=Count(score, filter=counted_q())
        )
        .order_by()
    )
    totals: dict[tuple[Any, str], dict[int, list[int]]] = {}
    for row in sums:
        period = (
            row["return_record__period__starts_on"],
            row["return_record__period__code"],
        )
        totals.setdefault(period, {})[row["indicator_id"]] = [
            row["total"] or 0,
            row["count"],
        ]
    return totals


@dataclass(frozen=True)
class _WholeScope:
    """A selection that is a whole region (or England, no region)."""

    region_id: int | None


def _whole_scope(*, user: AnyUser, filters: DashboardFilters) -> _WholeScope | None:
    """The region (or England) the selection is, when it is one whole: a GO
    officer's region, or an administrator's region or England, with no other
    filter than the region; None for an area or a narrower selection."""
    if filters.llsc is not None or filters.structure_model or filters.funded_lsp:
        return None
    chosen = filters.region.pk if filters.region is not None else None
    role = role_of(user)
    if role == Role.NATIONAL_ADMIN:
        return _WholeScope(chosen)
    profile = profile_of(user)
    own = profile.region_id if profile is not None else None
    if role == Role.GO_OFFICER and own and chosen in (None, own):
        return _WholeScope(own)
    return None


def _kept_trends(
    scope: _WholeScope, dimensions: Sequence[str] | None
) -> tuple[list[str], dict[str, list[float | None]]]:
    """As regional_trends, from the figures kept for the region or England:
    one query of a few rows per period, whatever the number of answers."""
    by_period: dict[str, dict[str, list[int]]] = {}
    places: dict[str, int] = {}
    figures = (
        ScoreFigure.objects.filter(region__isnull=True)
        if scope.region_id is None
        else ScoreFigure.objects.filter(region_id=scope.region_id)
    )
    for code, dimension_code, place, total, count in figures.order_by(
        "period__starts_on", "framework_id"
    ).values_list(
        "period__code",
        "dimension__code",
        "dimension__order",
        "score_total",
        "score_count",
    ):
        added = by_period.setdefault(code, {}).setdefault(dimension_code, [0, 0])
        added[0] += total
        added[1] += count
        places.setdefault(dimension_code, place)
    # England's figures also hold inactive partnerships' medians; a period
    # with no active partnership's score is not in the trend.
    scored = {
        code: sums
        for code, sums in by_period.items()
        if any(count for _, count in sums.values())
    }
    return _series(scored, places, dimensions)
