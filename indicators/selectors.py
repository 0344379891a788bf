"""Reads of frameworks and periods."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from partnerships.models import Role
from partnerships.selectors import role_of
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
)


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
    """The framework's dimensions, each with its indicators, in two queries."""
    return list(
        framework.dimensions.prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("order"))
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
