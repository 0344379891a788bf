"""England's and each region's figures per period, framework and dimension
(ScoreFigure), kept up to date as answers, agreed scores and return statuses
change, so that the regional view reads a few rows instead of every answer in
England. Drafts are not counted: a draft's changes leave the figures as they
are and cost nothing here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

from django.db import transaction
from django.db.models import Avg, Count, Sum
from django.db.models.functions import Coalesce

from indicators.models import Period
from indicators.selectors import national

from .counting import counted_q
from .models import Answer, Return, ReturnStatus, ScoreFigure

# (framework id, region id or None for England, dimension id)
_Key = tuple[int, int | None, int]


@dataclass
class _Tally:
    """One scope's and dimension's figures while they are added up."""

    means: list[float] = field(default_factory=list)
    total: int = 0
    count: int = 0


def _pk(value: Period | int) -> int:
    return value if isinstance(value, int) else value.pk


@transaction.atomic(savepoint=False)
def figures_refresh(*, period: Period | int) -> list[ScoreFigure]:
    """Recompute the period's figures under each framework its answers are
    scored against (a period runs one per role: regeneration, collaboration)
    from its submitted returns (every status but draft), in the caller's
    transaction. The period's row is locked first, so two refreshes of a
    period follow one another and the later one reads what the earlier one
    wrote. Three queries whatever the number of frameworks, and one more for
    each kind of write needed (changed, added, removed figures); returns the
    figures written."""
    period_id = _pk(period)
    list(Period.objects.select_for_update().filter(pk=period_id).values("pk"))
    tallies: dict[_Key, _Tally] = defaultdict(_Tally)
    # National indicators only: a region's local statements never move
    # England's or a region's figures.
    per_return = (
        national(
            Answer.objects.filter(return_record__period_id=period_id),
            through="indicator__",
        )
        .exclude(return_record__status=ReturnStatus.DRAFT)
        .values(
            "return_record_id",
            "indicator__dimension__framework_id",
            "return_record__partnership__region_id",
            "return_record__partnership__is_active",
            "indicator__dimension_id",
        )
        .annotate(
            # Answers not applicable are left out of every figure.
            self_mean=Avg("score", filter=counted_q()),
            agreed_mean=Avg("agreed_score", filter=counted_q()),
            total=Sum(Coalesce("agreed_score", "score"), filter=counted_q()),
            count=Count(Coalesce("agreed_score", "score"), filter=counted_q()),
        )
        .order_by()
    )
    for row in per_return:
        dimension = row["indicator__dimension_id"]
        framework = row["indicator__dimension__framework_id"]
        active = row["return_record__partnership__is_active"]
        scopes = [None, row["return_record__partnership__region_id"]]
        mean = (
            row["agreed_mean"] if row["agreed_mean"] is not None else row["self_mean"]
        )
        for region in scopes:
            if region is not None and not active:
                continue
            tally = tallies[(framework, region, dimension)]
            if mean is not None:
                tally.means.append(float(mean))
            # England's trend counts active partnerships, as the view does.
            if active:
                tally.total += row["total"] or 0
                tally.count += row["count"]
    wanted = {
        key: (
            round(median(tally.means), 2) if tally.means else None,
            len(tally.means),
            tally.total,
            tally.count,
        )
        for key, tally in tallies.items()
    }
    return _store(period_id, wanted)


_FIELDS = ("median", "returns", "score_total", "score_count")


def _store(
    period_id: int, wanted: dict[_Key, tuple[float | None, int, int, int]]
) -> list[ScoreFigure]:
    """Write the figures that changed, add the new ones and delete those no
    longer there; a region whose figures did not change is not written."""
    kept = {
        (figure.framework_id, figure.region_id, figure.dimension_id): figure
        for figure in ScoreFigure.objects.filter(period_id=period_id)
    }
    changed, added = [], []
    for key, values in wanted.items():
        figure = kept.pop(key, None)
        if figure is None:
            framework_id, region, dimension = key
            added.append(
                ScoreFigure(
                    period_id=period_id,
                    framework_id=framework_id,
                    region_id=region,
                    dimension_id=dimension,
                    **dict(zip(_FIELDS, values, strict=True)),
                )
            )
        elif tuple(getattr(figure, name) for name in _FIELDS) != values:
            for name, value in zip(_FIELDS, values, strict=True):
                setattr(figure, name, value)
            changed.append(figure)
    if kept:
        ScoreFigure.objects.filter(pk__in=[f.pk for f in kept.values()]).delete()
    if changed:
        ScoreFigure.objects.bulk_update(changed, list(_FIELDS))
    return [*changed, *ScoreFigure.objects.bulk_create(added)]


def figures_rebuild() -> int:
    """Recompute the figures of every period that has returns, under each of
    its frameworks, and drop any left for a period that has none; the number
    of periods rebuilt."""
    periods = set(Return.objects.values_list("period_id", flat=True).distinct())
    ScoreFigure.objects.exclude(period_id__in=periods).delete()
    for period_id in sorted(periods):
        figures_refresh(period=period_id)
    return len(periods)
