"""Development plans with their priorities, actions and targets, scoped by
plans.selectors as the plan pages are."""

# No `from __future__ import annotations`: ninja reads the routes' and
# schemas' annotations at run time to build the requests and the document.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from plans.models import DevelopmentPlan, PlanStatus
from plans.selectors import plan_priorities, plans_for_user

from ..pagination import CursorPagination
from ..schemas import MAX_ID, Id, Message, PlanDetailOut, PlanOut, Text

router = Router(tags=["Development plans"])


class PlanFilters(Schema):
    period: Text | None = None
    partnership: Id | None = None
    status: PlanStatus | None = None


@router.get(
    "/",
    response=list[PlanOut],
    summary="List development plans",
    description="Filters: period (code), partnership (id), status.",
)
@paginate(CursorPagination)
def list_plans(
    request: HttpRequest, filters: Query[PlanFilters]
) -> QuerySet[DevelopmentPlan]:
    rows = plans_for_user(request.user).select_related("period")
    if filters.period:
        rows = rows.filter(period__code=filters.period)
    if filters.partnership is not None:
        rows = rows.filter(partnership_id=filters.partnership)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows


@router.get(
    "/{int:plan_id}",
    response={200: PlanDetailOut, 404: Message},
    summary="One development plan, with its priorities, actions and targets",
)
def get_plan(request: HttpRequest, plan_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    plan = get_object_or_404(
        plans_for_user(request.user).select_related("period"), pk=plan_id
    )
    priorities = plan_priorities(plan=plan)
    for priority in priorities:
        priority.indicator_codes = [  # type: ignore[attr-defined]
            indicator.code for indicator in priority.indicators.all()
        ]
    plan.priorities_list = priorities  # type: ignore[attr-defined]
    return plan
