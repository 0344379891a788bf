"""Reads of frameworks and periods."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from partnerships.models import Role
from partnerships.selectors import role_of
from partnerships.users import AnyUser

from .models import Dimension, Framework, FrameworkStatus, Indicator, Period


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
    """The newest published framework that applies to the period."""
    return (
        Framework.objects.filter(periods=period, status=FrameworkStatus.PUBLISHED)
        .order_by("-version", "-published_at")
        .first()
    )


def framework_dimensions(*, framework: Framework) -> list[Dimension]:
    """The framework's dimensions, each with its indicators, in two queries."""
    return list(
        framework.dimensions.prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("order"))
        )
    )
