"""The regional view's trend over the years: per period, the mean score of
each dimension over the selected partnerships' submitted returns."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from assessment.models import Answer, ReturnStatus
from indicators.models import Indicator, Period
from partnerships.models import LearningPartnership
from partnerships.users import AnyUser

from .selectors import DashboardFilters, dashboard_partnerships


def regional_trends(
    *, user: AnyUser, filters: DashboardFilters, dimensions: Sequence[str] | None = None
) -> tuple[list[str], dict[str, list[float | None]]]:
    """Per period (oldest first), the mean per dimension of every answer's
    agreed score, else its self score, over the selected partnerships'
    submitted returns. Per the dimension codes given, else per dimension the
    answers fall in (in their framework's order)."""
    totals = _trend_totals(dashboard_partnerships(user=user, filters=filters))
    indicator_ids = {pk for by_indicator in totals.values() for pk in by_indicator}
    dimension_of: dict[int, str] = {}
    places: dict[str, int] = {}
    for pk, dimension_code, place in Indicator.objects.filter(
        pk__in=indicator_ids
    ).values_list("pk", "dimension__code", "dimension__order"):
        dimension_of[pk] = dimension_code
        places.setdefault(dimension_code, place)
    if dimensions is None:
        dimensions = sorted(places, key=lambda code: (places[code], code))
    periods: list[str] = []
    series: dict[str, list[float | None]] = {d: [] for d in dimensions}
    for period in Period.objects.filter(pk__in=totals).order_by("starts_on"):
        by_dimension = {d: [0, 0] for d in dimensions}
        for indicator_id, (total, count) in totals[period.pk].items():
            code = dimension_of.get(indicator_id)
            if code in by_dimension:
                by_dimension[code][0] += total
                by_dimension[code][1] += count
        periods.append(period.code)
        for d in dimensions:
            total, count = by_dimension[d]
            series[d].append(round(total / count, 2) if count else None)
    return periods, series


def _trend_totals(
    partnerships: QuerySet[LearningPartnership],
) -> dict[int, dict[int, list[int]]]:
    """Per period and indicator, the sum and the number of the submitted
    answers' agreed, else self, scores."""
    # Summed per period and indicator (joining answers to returns only), then
    # folded into dimensions by the caller: far cheaper than joining every
    # answer to its indicator, dimension and period.
    score = Coalesce("agreed_score", "score")
    sums = (
        Answer.objects.filter(return_record__partnership__in=partnerships)
        .exclude(return_record__status=ReturnStatus.DRAFT)
        .values("return_record__period_id", "indicator_id")
        .annotate(total=Sum(score), count=Count(score))
        .order_by()
    )
    totals: dict[int, dict[int, list[int]]] = {}
    for row in sums:
        totals.setdefault(row["return_record__period_id"], {})[row["indicator_id"]] = [
            row["total"] or 0,
            row["count"],
        ]
    return totals
