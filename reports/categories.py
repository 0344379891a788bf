"""The categories counted on the regional and national views: per category of
the framework's lists (barriers, impact, added value) and per dimension, how
many partnerships named it in their submitted return and what share of them,
with the change from the previous period in share points.

A partnership names a category in a dimension when any of its answers in the
dimension has it ticked; in "any dimension" when any answer has. Categories
and dimensions are matched by code from one period to the next, since each
framework version has its own rows. A draft is never counted: its answers may
still change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from assessment.models import Answer, Return, ReturnStatus
from indicators.models import Category, CategoryKind

from .cells import figure_text

# The column of the partnerships naming a category in any dimension.
ANY = "any"

_KIND_ORDER = {kind: position for position, kind in enumerate(CategoryKind.values)}


def _share(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


@dataclass(frozen=True)
class CategoryCell:
    """How many partnerships named a category (in a dimension, or in any),
    their share of the partnerships counted, and last period's share."""

    count: int
    share: float | None
    previous_share: float | None

    @property
    def change(self) -> float | None:
        """This period's share less the previous period's, in points."""
        if self.share is None or self.previous_share is None:
            return None
        return round(self.share - self.previous_share, 1)

    @property
    def share_text(self) -> str:
        return "–" if self.share is None else f"{figure_text(self.share, 0)}%"

    @property
    def change_text(self) -> str:
        """+25 points, -10 points, no change; a dash with nothing to compare."""
        change = self.change
        if change is None:
            return "–"
        if change == 0:
            return "no change"
        sign = "+" if change > 0 else "−"
        return f"{sign}{figure_text(abs(change), 0)} points"


@dataclass
class CategoryRow:
    kind: str
    kind_label: str
    code: str
    name: str
    # Per dimension code, then ANY.
    cells: dict[str, CategoryCell] = field(default_factory=dict)

    @property
    def any(self) -> CategoryCell:
        return self.cells[ANY]

    @property
    def dimension_cells(self) -> list[CategoryCell]:
        return [cell for code, cell in self.cells.items() if code != ANY]


@dataclass
class CategoryCounts:
    """The category counts over a set of partnerships for a period."""

    # Partnerships with a submitted return this period, and the previous one.
    partnerships: int
    previous_partnerships: int
    dimensions: list[str]
    rows: list[CategoryRow]

    def by_kind(self) -> list[tuple[str, list[CategoryRow]]]:
        """The rows grouped by list, barriers first."""
        groups: dict[str, list[CategoryRow]] = {}
        for row in self.rows:
            groups.setdefault(row.kind_label, []).append(row)
        return list(groups.items())

    @property
    def named_any(self) -> bool:
        """Whether any partnership counted named any category."""
        return any(row.any.count for row in self.rows)


def _submitted(returns: Iterable[Return]) -> list[Return]:
    return [r for r in returns if r.status != ReturnStatus.DRAFT]


def category_counts(
    *,
    returns: Iterable[Return],
    previous_returns: Iterable[Return],
    dimensions: Iterable[str],
) -> CategoryCounts:
    """Count the categories named in ``returns`` (a period's, one per
    partnership, already scoped to what the user may read) against those of
    ``previous_returns`` (the previous period's, of the same partnerships),
    per dimension code of ``dimensions`` and in any dimension. Drafts are
    left out. Two queries, whatever the number of returns: the categories of
    the returns' frameworks, and the categories ticked on both periods'
    answers."""
    current = _submitted(returns)
    previous = _submitted(previous_returns)
    codes = list(dimensions)
    categories = sorted(
        Category.objects.filter(
            category_list__framework_id__in={r.framework_id for r in current}
        ).select_related("category_list"),
        key=lambda c: (_KIND_ORDER.get(c.category_list.kind, 99), c.order),
    )
    # Per period side, per (kind, code, dimension or ANY): the partnerships.
    named: dict[bool, dict[tuple[str, str, str], set[int]]] = {True: {}, False: {}}
    this_period = {r.pk for r in current}
    partnership_of = {r.pk: r.partnership_id for r in (*current, *previous)}
    ticked = (
        Answer.categories.through.objects.filter(
            answer__return_record_id__in=list(partnership_of)
        )
        .values_list(
            "answer__return_record_id",
            "answer__indicator__dimension__code",
            "category__category_list__kind",
            "category__code",
        )
        .distinct()
    )
    for return_id, dimension, kind, code in ticked:
        side = named[return_id in this_period]
        partnership = partnership_of[return_id]
        side.setdefault((kind, code, dimension), set()).add(partnership)
        side.setdefault((kind, code, ANY), set()).add(partnership)
    rows: list[CategoryRow] = []
    seen: set[tuple[str, str]] = set()
    for category in categories:
        kind = category.category_list.kind
        if (kind, category.code) in seen:
            continue  # the same category in another framework version
        seen.add((kind, category.code))
        row = CategoryRow(
            kind=kind,
            kind_label=category.category_list.title,
            code=category.code,
            name=category.name,
        )
        for column in (*codes, ANY):
            now = len(named[True].get((kind, category.code, column), ()))
            before = len(named[False].get((kind, category.code, column), ()))
            row.cells[column] = CategoryCell(
                count=now,
                share=_share(now, len(current)),
                previous_share=_share(before, len(previous)),
            )
        rows.append(row)
    return CategoryCounts(
        partnerships=len(current),
        previous_partnerships=len(previous),
        dimensions=codes,
        rows=rows,
    )
