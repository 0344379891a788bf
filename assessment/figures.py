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

from indicators.models import Framework, Period
from indicators.selectors import national

from .models import Answer, Return, ReturnStatus, ScoreFigure

# (region id or None for England, dimension id)
_Key = tuple[int | None, int]


@dataclass
class _Tally:
    """One scope's and dimension's figures while they are added up."""

    means: list[float] = field(default_factory=list)
    total: int = 0
    count: int = 0


def _pk(value: Period | Framework | int) -> int:
    return value if isinstance(value, int) else value.pk


@transaction.atomic(savepoint=False)
def figures_refresh(
    *, period: Period | int, framework: Framework | int
) -> list[ScoreFigure]:
    """Recompute the period's figures under the framework from its submitted
    returns (every status but draft), in the caller's transaction. The period's
    row is locked first, so two refreshes of a period follow one another and
    the later one reads what the earlier one wrote. Three queries, and one
    more for each kind of write needed (changed, added, removed figures);
    returns the figures written."""
    period_id, framework_id = _pk(period), _pk(framework)
    list(Period.objects.select_for_update().filter(pk=period_id).values("pk"))
    tallies: dict[_Key, _Tally] = defaultdict(_Tally)
    # National indicators only: a region's local statements never move
    # England's or a region's figures.
    per_return = (
        national(
            Answer.objects.filter(
                return_record__period_id=period_id,
                return_record__framework_id=framework_id,
            ),
            through="indicator__",
        )
        .exclude(return_record__status=ReturnStatus.DRAFT)
        .values(
            "return_record_id",
            "return_record__partnership__region_id",
            "return_record__partnership__is_active",
            "indicator__dimension_id",
        )
        .annotate(
            self_mean=Avg("score"),
            agreed_mean=Avg("agreed_score"),
            total=Sum(Coalesce("agreed_score", "score")),
            count=Count(Coalesce("agreed_score", "score")),
        )
        .order_by()
    )
    for row in per_return:
        dimension = row["indicator__dimension_id"]
        active = row["return_record__partnership__is_active"]
        scopes = [None, row["return_record__partnership__region_id"]]
        mean = (
            row["agreed_mean"] if row["agreed_mean"] is not None else row["self_mean"]
        )
        for region in scopes:
            if region is not None and not active:
                continue
            tally = tallies[(region, dimension)]
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
    return _store(period_id, framework_id, wanted)


_FIELDS = ("median", "returns", "score_total", "score_count")


def _store(
    period_id: int,
    framework_id: int,
    wanted: dict[_Key, tuple[float | None, int, int, int]],
) -> list[ScoreFigure]:
    """Write the figures that changed, add the new ones and delete those no
    longer there; a region whose figures did not change is not written."""
    kept = {
        (figure.region_id, figure.dimension_id): figure
        for figure in ScoreFigure.objects.filter(
            period_id=period_id, framework_id=framework_id
        )
    }
    changed, added = [], []
    for key, values in wanted.items():
        figure = kept.pop(key, None)
        if figure is None:
            region, dimension = key
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
    """Recompute the figures of every period and framework that has returns,
    and drop any left for one that has none; the number of pairs rebuilt."""
    pairs = set(Return.objects.values_list("period_id", "framework_id").distinct())
    stale = ScoreFigure.objects.values_list("period_id", "framework_id").distinct()
    for period_id, framework_id in sorted(set(stale) - pairs):
        ScoreFigure.objects.filter(
            period_id=period_id, framework_id=framework_id
        ).delete()
    for period_id, framework_id in sorted(pairs):
        figures_refresh(period=period_id, framework=framework_id)
    return len(pairs)
