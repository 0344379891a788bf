"""Indicator frameworks: their scale, dimensions and indicators. Published
frameworks for everyone with a role, drafts for administrators too
(indicators.selectors)."""

# No `from __future__ import annotations`: ninja reads the routes' and
# schemas' annotations at run time to build the requests and the document.

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from indicators.models import (
    Dimension,
    Framework,
    FrameworkStatus,
    Indicator,
    Period,
    Supplement,
)
from indicators.selectors import frameworks_for_user, national, supplements_for_user

from ..pagination import CursorPagination
from ..schemas import (
    MAX_ID,
    FrameworkDetailOut,
    FrameworkOut,
    Message,
    SupplementOut,
    Text,
)

router = Router(tags=["Frameworks"])


class FrameworkFilters(Schema):
    status: FrameworkStatus | None = None
    period: Text | None = None


def _with_periods(frameworks: QuerySet[Framework]) -> QuerySet[Framework]:
    return frameworks.prefetch_related(
        Prefetch("periods", queryset=Period.objects.order_by("starts_on"))
    )


@router.get(
    "/",
    response=list[FrameworkOut],
    summary="List frameworks",
    description="Filters: status (draft, published: drafts only for national "
    "administrators), period (code, e.g. 2003-04).",
)
@paginate(CursorPagination)
def list_frameworks(
    request: HttpRequest, filters: Query[FrameworkFilters]
) -> QuerySet[Framework]:
    rows = frameworks_for_user(request.user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.period:
        rows = rows.filter(periods__code=filters.period).distinct()
    return _with_periods(rows)


@router.get(
    "/{int:framework_id}",
    response={200: FrameworkDetailOut, 404: Message},
    summary="One framework, with its scale, dimensions and indicators",
)
def get_framework(
    request: HttpRequest, framework_id: int = Path(..., ge=1, le=MAX_ID)
) -> Framework:
    return get_object_or_404(
        _with_periods(frameworks_for_user(request.user)).prefetch_related(
            "score_levels",
            Prefetch(
                "dimensions",
                queryset=Dimension.objects.order_by("order").prefetch_related(
                    Prefetch(
                        "indicators",
                        queryset=national(Indicator.objects.order_by("order")),
                    )
                ),
            ),
        ),
        pk=framework_id,
    )


@router.get(
    "/{int:framework_id}/supplements",
    response={200: list[SupplementOut], 404: Message},
    summary="The local statements areas added to a framework",
    description="Each region's or local LSC's supplements to the framework (its "
    "indicators above are national ones only), as far as the user sees them: "
    "GO officers their region's and its local LSCs', LLSC officers their local "
    "LSC's and its region's, administrators all, managers none (their returns "
    "carry their area's statements). Read only.",
)
def list_supplements(
    request: HttpRequest, framework_id: int = Path(..., ge=1, le=MAX_ID)
) -> list[Supplement]:
    framework = get_object_or_404(frameworks_for_user(request.user), pk=framework_id)
    return list(
        supplements_for_user(request.user)
        .filter(framework=framework)
        .order_by("-period__starts_on", "region__name", "local_lsc__name", "-version")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("dimension").order_by(
                    "dimension__order", "order"
                ),
            )
        )
    )
