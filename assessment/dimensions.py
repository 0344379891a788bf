"""A return's dimensions across the frameworks it is scored against: the
period's regeneration framework (``Return.framework``) and, where the period
runs one, the collaboration framework (001 section 4.4, 002 paragraph 3),
grouped by role, regeneration first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Prefetch, Q, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404

from indicators.models import Dimension, Framework, FrameworkRole, Indicator
from indicators.selectors import ROLE_ORDER

from .models import Answer, Return


def return_dimensions_query(return_record: Return) -> QuerySet[Dimension]:
    """The dimensions of the return's framework and of every other framework
    it has answers under (a period runs one per role), regeneration first."""
    answered = Answer.objects.filter(return_record=return_record).values(
        "indicator__dimension_id"
    )
    return (
        Dimension.objects.filter(
            Q(framework_id=return_record.framework_id) | Q(pk__in=Subquery(answered))
        )
        .select_related("framework")
        .annotate(
            role_rank=Case(
                *(
                    When(framework__role=role, then=Value(rank))
                    for role, rank in ROLE_ORDER.items()
                ),
                default=Value(len(ROLE_ORDER)),
            )
        )
        .order_by("role_rank", "framework__name", "order")
    )


def return_dimensions(*, return_record: Return) -> list[Dimension]:
    """The return's dimensions, grouped by role (regeneration, then
    collaboration) and in each framework's order, each with its framework
    and its indicators: two queries."""
    return list(
        return_dimensions_query(return_record).prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("order"))
        )
    )


def return_dimension(*, return_record: Return, code: str) -> Dimension:
    """One of the return's dimensions, by its code, with its framework; 404
    when the return has no such dimension. One query."""
    return get_object_or_404(return_dimensions_query(return_record), code=code)


@dataclass
class RoleDimensions:
    """One role's framework in a return and its dimensions."""

    framework: Framework
    dimensions: list[Any]

    @property
    def role_label(self) -> str:
        return str(FrameworkRole(self.framework.role).label)


def by_role(
    items: list[Any], dimension_of: Callable[[Any], Dimension] | None = None
) -> list[RoleDimensions]:
    """Dimensions (or items with one, read by ``dimension_of``) grouped by
    their framework, in the order given: no queries."""
    groups: list[RoleDimensions] = []
    for item in items:
        dimension = dimension_of(item) if dimension_of else item
        if not groups or groups[-1].framework.pk != dimension.framework_id:
            groups.append(RoleDimensions(framework=dimension.framework, dimensions=[]))
        groups[-1].dimensions.append(item)
    return groups


def return_frameworks(*, return_record: Return) -> list[Framework]:
    """The frameworks the return is scored against, one per role,
    regeneration first: one query."""
    return [
        group.framework
        for group in by_role(list(return_dimensions_query(return_record)))
    ]
