"""England's and each region's figures per period, framework and dimension
(ScoreFigure), kept up to date as answers, agreed scores and return statuses
change, so that the regional view reads a few rows instead of every answer in
England. They are added up from each submitted return's own figures
(ReturnFigure): a change to one return recomputes that return's few rows from
its answers, then the period's figures from those small rows, so its cost
hardly grows with England. Drafts are not counted: a draft's changes leave the
figures as they are and cost nothing here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import median
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Avg, Count, F, IntegerField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from indicators.models import Period
from indicators.selectors import national

from .counting import counted_q
from .models import Answer, Return, ReturnFigure, ReturnStatus, ScoreFigure

# (framework id, region id or None for England, dimension id)
_Key = tuple[int, int | None, int]
# Where a return's partnership stands now: read, not kept, so that moving a
# partnership or making it inactive changes no return's figures.
_PLACE = (
    "return_record__partnership__region_id",
    "return_record__partnership__is_active",
)
_VALUES = ("self_mean", "agreed_mean", "score_total", "score_count")
# A return's figures in a dimension as England's and the regions' add them up:
# framework, dimension, region, active, mean score (agreed, else self), the
# sum and number of its scores.
_Counted = tuple[int, int, int, bool, float | None, int, int]
# A figure's median, number of returns, sum and number of scores.
_Figure = tuple[float | None, int, int, int]


class _Row(NamedTuple):
    """One return's figures in one dimension, computed from its answers
    (``kept`` None) or as kept (``kept`` the ReturnFigure's id)."""

    return_id: int
    period_id: int
    framework_id: int
    dimension_id: int
    region_id: int
    active: bool
    self_mean: float | None
    agreed_mean: float | None
    score_total: int | None
    score_count: int
    kept: int | None

    @property
    def values(self) -> tuple[float | None, float | None, int, int]:
        return (
            self.self_mean,
            self.agreed_mean,
            self.score_total or 0,
            self.score_count,
        )

    @property
    def counted(self) -> _Counted:
        mean = self.self_mean if self.agreed_mean is None else self.agreed_mean
        return (
            self.framework_id,
            self.dimension_id,
            self.region_id,
            self.active,
            mean,
            self.score_total or 0,
            self.score_count,
        )


@dataclass
class _Tally:
    """One scope's and dimension's figures while they are added up."""

    means: list[float] = field(default_factory=list)
    total: int = 0
    count: int = 0


def _pk(value: Period | int) -> int:
    return value if isinstance(value, int) else value.pk


def _lock(period_id: int) -> None:
    """Lock the period's row: two refreshes of a period follow one another,
    and the later one reads what the earlier one wrote."""
    list(Period.objects.select_for_update().filter(pk=period_id).values("pk"))


def _kept(figures: QuerySet[ReturnFigure]) -> QuerySet[Any]:
    """The returns' figures as kept, as rows."""
    return (
        figures.values_list(
            "return_record_id",
            "period_id",
            "framework_id",
            "dimension_id",
            *_PLACE,
            *_VALUES,
        )
        .annotate(kept=F("pk"))
        .order_by()
    )


def _computed_and_kept(
    answers: QuerySet[Answer], figures: QuerySet[ReturnFigure]
) -> list[_Row]:
    """The figures of the returns of ``answers`` computed from their national
    answers, submitted returns only, beside those kept in ``figures``; in one
    query, so that finding nothing changed costs one query."""
    # National indicators only: a region's local statements never move
    # England's or a region's figures. The columns are _kept's, in its order:
    # the union lines them up by position.
    computed = (
        national(answers, through="indicator__")
        .exclude(return_record__status=ReturnStatus.DRAFT)
        .values_list(
            "return_record_id",
            "return_record__period_id",
            "indicator__dimension__framework_id",
            "indicator__dimension_id",
            *_PLACE,
        )
        .annotate(
            # Answers not applicable are left out of every figure.
            self_mean=Avg("score", filter=counted_q()),
            agreed_mean=Avg("agreed_score", filter=counted_q()),
            score_total=Sum(Coalesce("agreed_score", "score"), filter=counted_q()),
            score_count=Count(Coalesce("agreed_score", "score"), filter=counted_q()),
            kept=Value(None, output_field=IntegerField()),
        )
        .order_by()
    )
    return [_Row(*row) for row in computed.union(_kept(figures), all=True)]


def _returns_store(rows: list[_Row]) -> tuple[list[_Row], set[int]]:
    """Write the returns' figures that changed or are new, delete those no
    longer there (a return taken back to draft); the figures computed, and
    the dimensions of those written or deleted."""
    kept = {(row.return_id, row.dimension_id): row for row in rows if row.kept}
    computed = [row for row in rows if row.kept is None]
    written = [
        row
        for row in computed
        if (old := kept.pop((row.return_id, row.dimension_id), None)) is None
        or (old.period_id, old.values) != (row.period_id, row.values)
    ]
    if kept:
        ReturnFigure.objects.filter(pk__in=[row.kept for row in kept.values()]).delete()
    if written:
        # New and changed figures alike, in one statement.
        ReturnFigure.objects.bulk_create(
            [
                ReturnFigure(
                    return_record_id=row.return_id,
                    period_id=row.period_id,
                    framework_id=row.framework_id,
                    dimension_id=row.dimension_id,
                    **dict(zip(_VALUES, row.values, strict=True)),
                )
                for row in written
            ],
            update_conflicts=True,
            unique_fields=["return_record", "dimension"],
            update_fields=["period", "framework", *_VALUES],
        )
    return computed, {row.dimension_id for row in [*kept.values(), *written]}


@transaction.atomic(savepoint=False)
def figures_refresh(*, period: Period | int) -> list[ScoreFigure]:
    """Recompute the period's figures, every return's (ReturnFigure) and
    England's and each region's (ScoreFigure) under each framework its answers
    are scored against (a period runs one per role: regeneration,
    collaboration), from its submitted returns' answers (every status but
    draft), in the caller's transaction: what the rebuild and the migrations
    run. The period's row is locked first. Three queries when nothing
    changed, and one more for each kind of write needed; returns England's
    and the regions' figures written."""
    period_id = _pk(period)
    _lock(period_id)
    computed, _ = _returns_store(
        _computed_and_kept(
            Answer.objects.filter(return_record__period_id=period_id),
            ReturnFigure.objects.filter(period_id=period_id),
        )
    )
    return _store(period_id, _wanted(row.counted for row in computed))


@transaction.atomic(savepoint=False)
def return_figures_refresh(*, return_record: Return) -> list[ScoreFigure]:
    """After a change to one return's answers, agreed scores or status:
    recompute that return's figures from its own answers (none for a draft)
    and, when they changed, the period's from every return's kept figures;
    the same figures as ``figures_refresh``, at a cost that hardly grows with
    England. Only the dimensions whose figures changed are recounted: an
    officer's save of one dimension reads that dimension's rows. The period's
    row is locked first, as there. Two queries when nothing changed; returns
    England's and the regions' figures written."""
    period_id = return_record.period_id
    _lock(period_id)
    _, dimensions = _returns_store(
        _computed_and_kept(
            Answer.objects.filter(return_record=return_record.pk),
            ReturnFigure.objects.filter(return_record=return_record.pk),
        )
    )
    return _recount(period_id, dimensions) if dimensions else []


@transaction.atomic(savepoint=False)
def figures_recount(*, period: Period | int) -> list[ScoreFigure]:
    """Recompute England's and each region's figures of the period from its
    returns' kept figures, when only which returns count, or where, changed:
    a partnership moved to another region or made active or inactive, a
    return deleted. The period's row is locked first, as in
    ``figures_refresh``; returns the figures written."""
    period_id = _pk(period)
    _lock(period_id)
    return _recount(period_id)


def _recount(period_id: int, dimensions: set[int] | None = None) -> list[ScoreFigure]:
    figures = ReturnFigure.objects.filter(period_id=period_id)
    if dimensions is not None:
        figures = figures.filter(dimension_id__in=dimensions)
    counted = figures.values_list(
        "framework_id",
        "dimension_id",
        *_PLACE,
        Coalesce("agreed_mean", "self_mean"),
        "score_total",
        "score_count",
    ).order_by()
    return _store(period_id, _wanted(counted), dimensions)


def _wanted(rows: Iterable[_Counted]) -> dict[_Key, _Figure]:
    """England's and each region's figures added up from the returns'."""
    tallies: dict[_Key, _Tally] = defaultdict(_Tally)
    for framework, dimension, region, active, mean, total, count in rows:
        # A region counts its active partnerships only; England's median
        # counts every one, its trend active ones, as the view does.
        for key in (
            ((framework, None, dimension), (framework, region, dimension))
            if active
            else ((framework, None, dimension),)
        ):
            tally = tallies[key]
            if mean is not None:
                tally.means.append(mean)
            if active:
                tally.total += total
                tally.count += count
    return {
        key: (
            round(median(tally.means), 2) if tally.means else None,
            len(tally.means),
            tally.total,
            tally.count,
        )
        for key, tally in tallies.items()
    }


_FIELDS = ("median", "returns", "score_total", "score_count")


def _store(
    period_id: int, wanted: dict[_Key, _Figure], dimensions: set[int] | None = None
) -> list[ScoreFigure]:
    """Write the figures that changed, add the new ones and delete those no
    longer there, of the given dimensions (every one when None); a region
    whose figures did not change is not written."""
    figures = ScoreFigure.objects.filter(period_id=period_id)
    if dimensions is not None:
        figures = figures.filter(dimension_id__in=dimensions)
    kept = {
        (figure.framework_id, figure.region_id, figure.dimension_id): figure
        for figure in figures
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
    """Recompute every return's figures and England's and each region's, of
    every period that has returns, under each of its frameworks, and drop any
    left for a period that has none; the number of periods rebuilt."""
    periods = set(Return.objects.values_list("period_id", flat=True).distinct())
    ScoreFigure.objects.exclude(period_id__in=periods).delete()
    for period_id in sorted(periods):
        figures_refresh(period=period_id)
    return len(periods)
