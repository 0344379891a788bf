"""The regional view's figures: one row per partnership and the figures
around the table, read by reports.selectors with the view's own filter form,
so the API and the page show the same for the same filters."""

# No `from __future__ import annotations`: ninja reads the routes' and
# schemas' annotations at run time to build the requests and the document.

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import ValidationError

from reports.categories import ANY, CategoryCell, CategoryRow
from reports.forms import DashboardFilterForm
from reports.selectors import (
    Dashboard,
    DashboardRow,
    regional_dashboard,
    regional_period,
)

from ..schemas import Id, Invalid, Message, RegionalOut, Text

router = Router(tags=["Regional view"])


class RegionalFilters(Schema):
    period: Text | None = None
    region: Id | None = None
    llsc: Id | None = None
    structure_model: Text | None = None
    status: Text | None = None
    funded_lsp: bool | None = None


@router.get(
    "/",
    response={200: RegionalOut, 403: Message, 404: Message, 422: Invalid},
    summary="The regional view's figures",
    description="For GO officers (their region), LLSC officers (their local LSC) "
    "and national administrators. Filters as the page's: period (code; the latest "
    "with returns when not given), region (id), llsc (local LSC id), "
    "structure_model, status (not_started, draft, submitted, in_review, returned, "
    "accepted, overdue), funded_lsp. Scores of drafts are left out, as on the page.",
)
def get_regional(request: HttpRequest, filters: Query[RegionalFilters]) -> Any:
    if not request.user.has_perm("reports.view_dashboard"):
        raise PermissionDenied(
            "The regional view is for GO staff, LLSC officers and administrators."
        )
    data = {
        name: ("on" if value is True else str(value))
        for name, value in filters.model_dump().items()
        if value not in (None, False)
    }
    form = DashboardFilterForm(data or None, user=request.user)
    period, chosen = form.filters()
    if form.errors:
        raise ValidationError(
            [
                {"loc": ["query", name], "msg": " ".join(map(str, messages))}
                for name, messages in form.errors.items()
            ]
        )
    period = regional_period(chosen=period)
    if period is None:
        raise Http404("There are no returns yet.")
    return _figures(
        regional_dashboard(user=request.user, period=period, filters=chosen)
    )


def _row(row: DashboardRow) -> dict[str, Any]:
    return {
        "partnership_id": row.partnership.pk,
        "partnership_name": row.partnership.name,
        "region_code": row.partnership.region.code,
        "return_id": row.return_record.pk if row.return_record else None,
        "status": row.status,
        "overdue": row.overdue,
        "self_scores": row.self_scores,
        "agreed_scores": row.agreed_scores,
        "overall": row.overall,
        "stage": row.stage,
        "change": row.change,
        "go_rating": row.rating.rating if row.rating else None,
        "local_agreement": row.agreement.agreement_status if row.agreement else None,
        "lsp_recognition": row.recognition.recognition if row.recognition else None,
        "plan_id": row.plan.pk if row.plan else None,
    }


def _figures(data: Dashboard) -> dict[str, Any]:
    return {
        "period_code": data.period.code,
        "previous_period_code": data.previous.code if data.previous else None,
        "dimensions": data.dimension_names,
        "rows": [_row(row) for row in data.rows],
        "overdue": data.overdue_count,
        "learning_arm_share": data.learning_arm_share,
        "lead_agency_share": data.lead_agency_share,
        "median": data.regional_median,
        "england_median": data.national_median,
        "york_stages": data.york_stages,
        "structure_models": data.structure_models,
        "categories_counted": data.categories.partnerships,
        "categories": [_category(row) for row in data.categories.rows],
    }


def _category(row: CategoryRow) -> dict[str, Any]:
    def share(cell: CategoryCell) -> dict[str, Any]:
        return {
            "partnerships": cell.count,
            "share": cell.share,
            "previous_share": cell.previous_share,
            "change": cell.change,
        }

    return {
        "kind": row.kind,
        "code": row.code,
        "name": row.name,
        "any_dimension": share(row.any),
        "by_dimension": {
            code: share(cell) for code, cell in row.cells.items() if code != ANY
        },
    }
