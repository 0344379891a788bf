"""Reads of frameworks and periods."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Count, Model, Prefetch, Q, QuerySet

from partnerships.models import Role
from partnerships.selectors import profile_of, role_of
from partnerships.users import AnyUser

from .models import (
    Category,
    CategoryList,
    Dimension,
    Framework,
    FrameworkRole,
    FrameworkStatus,
    Indicator,
    Period,
    Supplement,
)

_Row = TypeVar("_Row", bound=Model)

# The framework's own indicators: not a supplement's local statements.
NATIONAL = Q(supplement__isnull=True)


def national(queryset: QuerySet[_Row], *, through: str = "") -> QuerySet[_Row]:
    """The rows of ``queryset`` about national indicators only, leaving out
    supplements' local statements: what every national figure, comparison,
    framework page and file counts. ``through`` is the path from the rows to
    their indicator ("indicator__" for answers)."""
    return queryset.filter(**{f"{through}supplement__isnull": True})


def frameworks_for_user(user: AnyUser) -> QuerySet[Framework]:
    """Every user with a role sees published frameworks; administrators see drafts."""
    role = role_of(user)
    if role is None:
        return Framework.objects.none()
    if role == Role.NATIONAL_ADMIN:
        return Framework.objects.all()
    return Framework.objects.filter(status=FrameworkStatus.PUBLISHED)


def periods_for_user(user: AnyUser) -> QuerySet[Period]:
    """Periods are reference data, visible to every user with a role."""
    return Period.objects.all() if role_of(user) else Period.objects.none()


def framework_for_period(*, period: Period) -> Framework | None:
    """The newest published regeneration framework that applies to the
    period: the one its returns are made under (``Return.framework``)."""
    return (
        Framework.objects.filter(
            periods=period,
            status=FrameworkStatus.PUBLISHED,
            role=FrameworkRole.REGENERATION,
        )
        .order_by("-version", "-published_at")
        .first()
    )


ROLE_ORDER = {role.value: index for index, role in enumerate(FrameworkRole)}


def frameworks_for_period(*, period: Period | int) -> list[Framework]:
    """The published frameworks the period runs, one per role (the newest
    version of each), regeneration first; one query."""
    chosen: dict[str, Framework] = {}
    for framework in Framework.objects.filter(
        periods=period, status=FrameworkStatus.PUBLISHED
    ).order_by("-version", "-published_at"):
        chosen.setdefault(framework.role, framework)
    return sorted(chosen.values(), key=lambda f: ROLE_ORDER.get(f.role, 99))


def framework_category_lists(*, framework: Framework) -> list[CategoryList]:
    """The framework's category lists, each with its categories in order, in
    two queries."""
    return list(
        framework.category_lists.prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("order"))
        )
    )


def framework_dimensions(*, framework: Framework) -> list[Dimension]:
    """The framework's dimensions, each with its national indicators, in two
    queries."""
    return list(
        framework.dimensions.prefetch_related(
            Prefetch(
                "indicators", queryset=national(Indicator.objects.order_by("order"))
            )
        )
    )


def periods_with_returns_counted() -> list[Period]:
    """Every period, newest first, each with ``return_count`` (returns of any
    status) and ``framework_list`` (its frameworks, newest version first), in
    two queries. Returns belong to the layer above, counted by their
    relation's name."""
    return list(
        Period.objects.annotate(return_count=Count("returns", distinct=True))
        .order_by("-starts_on")
        .prefetch_related(
            Prefetch(
                "frameworks",
                queryset=Framework.objects.order_by("-version"),
                to_attr="framework_list",
            )
        )
    )


def period_latest() -> Period | None:
    """The period that starts last: the one a new period follows."""
    return Period.objects.order_by("-starts_on").first()


def period_latest_before(*, period: Period) -> Period | None:
    """The period that starts last before ``period``."""
    return (
        Period.objects.filter(starts_on__lt=period.starts_on)
        .order_by("-starts_on")
        .first()
    )


def period_base_framework(*, latest: Period | None) -> Framework | None:
    """The framework a new period starts from: the one the latest period is
    scored against, or else the newest published framework."""
    if latest is not None:
        framework = framework_for_period(period=latest)
        if framework is not None:
            return framework
    return (
        Framework.objects.filter(
            status=FrameworkStatus.PUBLISHED, role=FrameworkRole.REGENERATION
        )
        .order_by("-published_at", "-version")
        .first()
    )


def period_opened(*, period: Period) -> Any | None:
    """The history row of the period's creation (who opened it and when), if
    someone opened it since its history has been kept (not a framework file
    or a migration)."""
    return (
        period.history.filter(  # type: ignore[attr-defined]
            history_type="+", history_user__isnull=False
        )
        .select_related("history_user")
        .first()
    )


def supplements_for_user(user: AnyUser) -> QuerySet[Supplement]:
    """The supplements (local statements) a user may see: administrators all;
    a GO officer those of their region and of its local LSCs; an LLSC officer
    those of their local LSC and of its region; managers none (they meet
    their area's statements in their return)."""
    supplements = Supplement.objects.select_related(
        "framework", "period", "region", "local_lsc"
    )
    role = role_of(user)
    profile = profile_of(user)
    if role == Role.NATIONAL_ADMIN:
        return supplements
    if role == Role.GO_OFFICER and profile is not None and profile.region_id:
        return supplements.filter(
            Q(region_id=profile.region_id) | Q(local_lsc__region_id=profile.region_id)
        )
    if role == Role.LLSC_OFFICER and profile is not None and profile.llsc_id:
        return supplements.filter(
            Q(local_lsc_id=profile.llsc_id) | Q(region__llscs=profile.llsc_id)
        )
    return supplements.none()


def supplements_in_force(
    *, framework: Framework | int, period: Period | int
) -> list[Supplement]:
    """The newest published version of each area's supplement to the
    framework for the period, with its area: the local statements returns
    are scored against."""
    latest: dict[tuple[int | None, int | None], Supplement] = {}
    for supplement in (
        Supplement.objects.filter(
            framework=framework, period=period, status=FrameworkStatus.PUBLISHED
        )
        .select_related("region", "local_lsc")
        .order_by("-version")
    ):
        latest.setdefault((supplement.region_id, supplement.local_lsc_id), supplement)
    return list(latest.values())


def supplements_for_area(
    *,
    framework: Framework | int,
    period: Period | int,
    region_id: int | None,
    llsc_ids: set[int],
) -> list[Supplement]:
    """The supplements in force for a partnership in the region, linked to
    the local LSCs given."""
    return [
        s
        for s in supplements_in_force(framework=framework, period=period)
        if (s.region_id is not None and s.region_id == region_id)
        or (s.local_lsc_id is not None and s.local_lsc_id in llsc_ids)
    ]


def supplement_dimensions(
    *, supplement: Supplement
) -> list[tuple[Dimension, list[Indicator]]]:
    """The base framework's dimensions that have statements of the
    supplement, each with them in order, in one query."""
    grouped: dict[int, tuple[Dimension, list[Indicator]]] = {}
    for indicator in supplement.indicators.select_related("dimension").order_by(
        "dimension__order", "order"
    ):
        grouped.setdefault(indicator.dimension_id, (indicator.dimension, []))[1].append(
            indicator
        )
    return list(grouped.values())
