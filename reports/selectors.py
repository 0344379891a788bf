"""Reads for the regional and national views: one row per partnership and the
aggregates the 2003 study reported, from the same scoping selectors as every
other page; a draft's scores only for its managers and administrators (others
see its status). The trend over the years is in trends.py, the downloads in
exports.py."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Exists, FloatField, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from assessment.counting import counted_q
from assessment.models import Answer, EngagementRating, Return
from assessment.selectors import returns_with_answers, stage_label
from indicators.models import FrameworkRole, Period, ScoreLevel
from indicators.selectors import (
    ROLE_ORDER,
    framework_dimensions,
    frameworks_for_period,
    national,
)
from partnerships.models import (
    SIGNED_AGREEMENTS,
    AgreementStatus,
    LearningPartnership,
    LocalLSC,
    LSPRelationship,
    Recognition,
    Region,
)
from partnerships.selectors import partnerships_for_user
from partnerships.users import AnyUser
from plans.models import DevelopmentPlan, Priority
from plans.selectors import plans_for_user

from .categories import category_counts
from .cells import exact_mean
from .counts import (
    Means,
    local_statement_means,
    lsp_counts,
    median_of,
    national_medians,
    study_breakdowns,
)
from .dashboard_rows import (
    NOT_STARTED,
    OVERDUE,
    UNSUBMITTED,
    Dashboard,
    DashboardRow,
    RoleColumns,
    attach_links,
)

__all__ = [
    "NOT_STARTED",
    "OVERDUE",
    "UNSUBMITTED",
    "Dashboard",
    "DashboardRow",
    "RoleColumns",
]

# A partnership's local agreement and LSP recognition are shown at their
# strongest. Agreements are declared weakest first, and the two signed kinds
# (concordat, memorandum) rank alike; recognitions are declared strongest first.
AGREEMENT_RANK: dict[str, int] = {
    status: len(AgreementStatus) if status in SIGNED_AGREEMENTS else position
    for position, status in enumerate(AgreementStatus, start=1)
}
RECOGNITION_RANK: dict[str, int] = {
    recognition: len(Recognition) - position
    for position, recognition in enumerate(Recognition)
}


@dataclass
class DashboardFilters:
    region: Region | None = None
    llsc: LocalLSC | None = None
    structure_model: str = ""
    funded_lsp: bool = False
    status: str = ""


def _best(items: list[Any], attribute: str, rank: dict[str, int]) -> Any:
    return max(
        items, key=lambda item: rank.get(getattr(item, attribute), 0), default=None
    )


def _share(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


# A dimension code's place: its role's rank (regeneration first), its order
# in its framework, its name and its role.
Place = tuple[int, int, str, str]


def _dimension_means(
    returns: list[Return],
) -> tuple[dict[int, Means], dict[str, Place]]:
    """Per return, per dimension code: (mean self score, mean agreed score);
    and each dimension code's place (role, order in its framework) and name."""
    means: dict[int, Means] = {}
    places: dict[str, Place] = {}
    # Averaged as floats by the database, read as tuples: a region's rows
    # are some nine hundred (the values are the same as Decimal means
    # turned into floats here).
    self_mean = Cast(Avg("score", filter=counted_q()), FloatField())
    agreed_mean = Cast(Avg("agreed_score", filter=counted_q()), FloatField())
    for return_id, code, order, title, role, own, agreed in (
        # National indicators only, comparable with England's medians; local
        # statements have a section of their own.
        national(
            Answer.objects.filter(return_record_id__in=[r.pk for r in returns]),
            through="indicator__",
        )
        .values(
            "return_record_id",
            "indicator__dimension__code",
            "indicator__dimension__order",
            "indicator__dimension__title",
            "indicator__dimension__framework__role",
        )
        # Answers not applicable are left out of the means (not the rows, so
        # a dimension answered all not applicable still has its place).
        .annotate(self_mean=self_mean, agreed_mean=agreed_mean)
        .values_list(
            "return_record_id",
            "indicator__dimension__code",
            "indicator__dimension__order",
            "indicator__dimension__title",
            "indicator__dimension__framework__role",
            "self_mean",
            "agreed_mean",
        )
    ):
        means.setdefault(return_id, {})[code] = (own, agreed)
        places.setdefault(
            code, (ROLE_ORDER.get(role, len(ROLE_ORDER)), order, title, role)
        )
    return means, places


def _period_dimensions(
    *,
    period: Period,
    returns: list[Return],
    means: dict[int, Means],
    places: dict[str, Place],
) -> dict[str, tuple[str, str]]:
    """The codes of the period's dimensions with their names and roles,
    regeneration's first, each in its framework's order: those of the
    frameworks its returns are scored against, as their answers carry them
    (read with the means, no query of their own); when the scope has no
    return for the period, those of the frameworks the period runs."""
    codes = {code for r in returns for code in means.get(r.pk, {})}
    if codes:
        return {
            code: (places[code][2], places[code][3])
            for code in sorted(codes, key=lambda code: (*places[code][:2], code))
        }
    return {
        dimension.code: (dimension.title, framework.role)
        for framework in frameworks_for_period(period=period)
        for dimension in framework_dimensions(framework=framework)
    }


def _rounded(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None


def _overall(scores: Means, counted: Collection[str] | None = None) -> float | None:
    """The mean across dimensions (those ``counted``, else all) of the agreed
    score, else the self score."""
    values = [
        float(agreed if agreed is not None else own)
        for code, (own, agreed) in scores.items()
        if (agreed if agreed is not None else own) is not None
        and (counted is None or code in counted)
    ]
    return round(exact_mean(values), 2) if values else None


def dashboard_partnerships(
    *, user: AnyUser, filters: DashboardFilters
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


def periods_newest_first() -> QuerySet[Period]:
    """Every period, newest first, each with ``has_returns``: the regional
    view's period filter, read once for its choices, the period chosen, the
    latest period with returns and the one before the period shown."""
    return Period.objects.annotate(
        has_returns=Exists(Return.objects.filter(period_id=OuterRef("pk")))
    ).order_by("-starts_on")


def regional_period(
    *, chosen: Period | None, periods: Sequence[Period] | None = None
) -> Period | None:
    """The period the regional view shows: the one chosen, else the latest
    that has returns; None when there are no returns at all. Found among
    ``periods`` (as periods_newest_first reads them) when given."""
    if chosen is not None:
        return chosen
    if periods is not None:
        return next((p for p in periods if p.has_returns), None)  # type: ignore[attr-defined]
    return Period.objects.filter(returns__isnull=False).order_by("-starts_on").first()


@dataclass
class _DashboardSources:
    """What the regional view reads for a period, before it is shaped into
    rows and aggregates."""

    period: Period
    partnerships: Sequence[LearningPartnership]
    previous: Period | None
    current: dict[int, Return]  # the period's return, per partnership
    last: dict[int, Return]  # the previous period's
    # Per return whose answers the user may read (a draft only its managers
    # and administrators), see _dimension_means.
    means: dict[int, Means]
    readable: set[int]  # those returns' ids
    ratings: dict[int, EngagementRating]
    plans: dict[int, DevelopmentPlan]  # the period's plan, per partnership
    levels: list[ScoreLevel]
    dimensions: dict[str, tuple[str, str]]  # code: (name, role), in order
    today: datetime.date

    @property
    def regeneration_codes(self) -> set[str] | None:
        """The regeneration dimensions' codes; None (count every one) when
        the period shows no other role's."""
        roles = {role for _, role in self.dimensions.values()}
        if roles <= {FrameworkRole.REGENERATION}:
            return None
        return {
            code
            for code, (_, role) in self.dimensions.items()
            if role == FrameworkRole.REGENERATION
        }


def regional_dashboard(
    *,
    user: AnyUser,
    period: Period,
    filters: DashboardFilters,
    today: datetime.date | None = None,
    periods: Sequence[Period] | None = None,
) -> Dashboard:
    """One row per partnership in the user's scope and the aggregates, in a
    fixed number of queries whatever the number of partnerships. A return not
    (re)submitted by the period's deadline, or not started by then, is
    overdue on ``today`` (the local date when not given). The period before
    is found among ``periods`` (every one, newest first) when given."""
    sources = _dashboard_sources(
        user=user, period=period, filters=filters, today=today, periods=periods
    )
    rows = _dashboard_rows(sources, status=filters.status)
    return _dashboard_aggregates(period=period, sources=sources, rows=rows)


def is_overdue(*, period: Period, status: str, today: datetime.date) -> bool:
    """Past the period's submission deadline and not yet (re)submitted: not
    started, a draft or returned for revision."""
    deadline = period.submission_deadline
    return bool(deadline and today > deadline and status in UNSUBMITTED)


def _dashboard_sources(
    *,
    user: AnyUser,
    period: Period,
    filters: DashboardFilters,
    today: datetime.date | None,
    periods: Sequence[Period] | None = None,
) -> _DashboardSources:
    """The partnerships with their links, both periods' returns and the
    dimension means of those the user may read, the GO ratings, the period's
    development plans and the score levels: ten queries."""
    partnerships = list(
        dashboard_partnerships(user=user, filters=filters)
        .select_related("region")
        .order_by("name")
    )
    ids = [p.pk for p in partnerships]
    attach_links(partnerships, ids)
    previous = (
        next((p for p in periods if p.starts_on < period.starts_on), None)
        if periods is not None
        else Period.objects.filter(starts_on__lt=period.starts_on)
        .order_by("-starts_on")
        .first()
    )
    period_ids = [p.pk for p in (period, previous) if p is not None]
    # Filtered by ids, not model instances: Django would read each instance's
    # key again for every query. A return's status, framework and keys are
    # all a row needs (its dates and review comment are its own pages'), so
    # only they are read.
    returns = list(
        Return.objects.filter(partnership_id__in=ids, period_id__in=period_ids).only(
            "id", "partnership_id", "period_id", "framework_id", "status"
        )
    )
    current = {r.partnership_id: r for r in returns if r.period_id == period.pk}
    last = {
        r.partnership_id: r for r in returns if previous and r.period_id == previous.pk
    }
    readable = returns_with_answers(user=user, returns=returns)
    means, places = _dimension_means(readable)
    # A row shows the rating itself; its rationale is the partnership's page.
    ratings = {
        r.partnership_id: r
        for r in EngagementRating.objects.filter(
            partnership_id__in=ids, period_id=period.pk
        ).only("id", "partnership_id", "period_id", "rating")
    }
    # A row links to its plan: its id is all that is read (not the snapshot
    # an approved plan keeps, a JSON document each).
    plans = {
        plan.partnership_id: plan
        for plan in plans_for_user(user)
        .filter(partnership_id__in=ids, period_id=period.pk)
        .only("id", "partnership_id", "period_id")
    }
    return _DashboardSources(
        period=period,
        partnerships=partnerships,
        previous=previous,
        current=current,
        last=last,
        means=means,
        readable={r.pk for r in readable},
        ratings=ratings,
        plans=plans,
        levels=_stage_levels(list(current.values())),
        dimensions=_period_dimensions(
            period=period, returns=list(current.values()), means=means, places=places
        ),
        today=today or timezone.localdate(),
    )


def _stage_levels(returns: list[Return]) -> list[ScoreLevel]:
    """The score levels of the returns' frameworks, lowest first."""
    framework_ids = {r.framework_id for r in returns}
    levels = list(
        ScoreLevel.objects.filter(framework_id__in=framework_ids).order_by("value")
    )
    # One framework per period in practice; its levels name the stages.
    return list({level.value: level for level in levels}.values())


def _dashboard_rows(sources: _DashboardSources, *, status: str) -> list[DashboardRow]:
    """A row per partnership whose return has the status asked for, or is
    overdue when that is asked for (every partnership when nothing is); no
    queries."""
    rows = []
    for partnership in sources.partnerships:
        row = _dashboard_row(sources, partnership, sources.current.get(partnership.pk))
        if status == OVERDUE and not row.overdue:
            continue
        if status and status != OVERDUE and row.status != status:
            continue
        rows.append(row)
    return rows


def _dashboard_row(
    sources: _DashboardSources,
    partnership: LearningPartnership,
    return_record: Return | None,
) -> DashboardRow:
    scores = sources.means.get(return_record.pk, {}) if return_record else {}
    # Overall, and its change, are of the regeneration dimensions: the years
    # before a period ran the collaboration framework have no others.
    counted = sources.regeneration_codes
    overall = _overall(scores, counted)
    previous_return = sources.last.get(partnership.pk)
    before = (
        _overall(sources.means.get(previous_return.pk, {}), counted)
        if previous_return
        else None
    )
    lsp_links = getattr(partnership, "lsp_links", [])
    return DashboardRow(
        partnership=partnership,
        return_record=return_record,
        self_scores={
            d: _rounded(scores.get(d, (None, None))[0]) for d in sources.dimensions
        },
        agreed_scores={
            d: _rounded(scores.get(d, (None, None))[1]) for d in sources.dimensions
        },
        overall=overall,
        stage=stage_label(overall, sources.levels),
        change=round(overall - before, 2)
        if overall is not None and before is not None
        else None,
        rating=sources.ratings.get(partnership.pk),
        agreement=_best(
            getattr(partnership, "llsc_links", []), "agreement_status", AGREEMENT_RANK
        ),
        recognition=_best(lsp_links, "recognition", RECOGNITION_RANK),
        lsp_links=lsp_links,
        overdue=is_overdue(
            period=sources.period,
            status=return_record.status if return_record else NOT_STARTED,
            today=sources.today,
        ),
        plan=sources.plans.get(partnership.pk),
        may_read=return_record is not None and return_record.pk in sources.readable,
    )


def _dashboard_aggregates(
    *, period: Period, sources: _DashboardSources, rows: list[DashboardRow]
) -> Dashboard:
    """The figures above and below the table, over the rows shown; the
    national medians are a query, the category counts two and the local
    statements' means one."""
    shown = [row.partnership for row in rows]
    shown_ids = {p.pk for p in shown}
    learning_arm, lead_agency, york = lsp_counts([row.lsp_links for row in rows])
    structures = Counter(p.get_structure_model_display() for p in shown)
    dimensions = list(sources.dimensions)
    readable_shown = [
        r
        for r in sources.current.values()
        if r.partnership_id in shown_ids and r.pk in sources.readable
    ]
    return Dashboard(
        period=period,
        previous=sources.previous,
        rows=rows,
        learning_arm_share=_share(learning_arm, len(shown)),
        lead_agency_share=_share(lead_agency, len(shown)),
        york_stages=york,
        structure_models=dict(structures.most_common()),
        regional_median=_regional_medians(rows, dimensions),
        national_median=national_medians(
            period=period,
            dimensions=dimensions,
            frameworks={r.framework_id for r in sources.current.values()},
        ),
        categories=category_counts(
            returns=readable_shown,
            previous_returns=[
                r
                for r in sources.last.values()
                if r.partnership_id in shown_ids and r.pk in sources.readable
            ],
            dimensions=dimensions,
        ),
        levels=sources.levels,
        dimensions=dimensions,
        dimension_names={code: name for code, (name, _) in sources.dimensions.items()},
        dimension_roles={code: role for code, (_, role) in sources.dimensions.items()},
        breakdowns=study_breakdowns(rows),
        local_statements=local_statement_means(returns=readable_shown),
    )


def _regional_medians(
    rows: list[DashboardRow], dimensions: Sequence[str]
) -> dict[str, float | None]:
    """Per dimension, the median over the rows of the agreed score, else the
    self score."""
    return {
        d: median_of(
            row.agreed_scores[d]
            if row.agreed_scores[d] is not None
            else row.self_scores[d]
            for row in rows
        )
        for d in dimensions
    }


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
