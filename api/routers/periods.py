"""Periods: reference data for everyone with a role (indicators.selectors)."""

# No `from __future__ import annotations`: ninja reads the routes' and
# schemas' annotations at run time to build the requests and the document.

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router
from ninja.pagination import paginate

from indicators.models import Period
from indicators.selectors import periods_for_user

from ..pagination import CursorPagination
from ..schemas import Message, PeriodOut, Text

router = Router(tags=["Periods"])


@router.get("/", response=list[PeriodOut], summary="List periods")
@paginate(CursorPagination)
def list_periods(request: HttpRequest) -> QuerySet[Period]:
    return periods_for_user(request.user)


@router.get(
    "/{str:code}",
    response={200: PeriodOut, 404: Message},
    summary="One period, by its code (e.g. 2003-04)",
)
def get_period(request: HttpRequest, code: Path[Text]) -> Period:
    return get_object_or_404(periods_for_user(request.user), code=code)
