"""What a summary PDF is of: whose figures (the scope a user's role gives),
which filters, and a fingerprint of everything the figures are read from, so
that a summary already made for the same figures is served again; and the
charts it draws from the regional view's figures."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode

from assessment.models import Answer, EngagementRating, Return
from indicators.models import Period
from partnerships.models import (
    LSP,
    LearningPartnership,
    LLSCRelationship,
    LSPRelationship,
    Role,
    StructureModel,
)
from partnerships.selectors import profile_of, role_of
from partnerships.users import AnyUser, User
from plans.models import DevelopmentPlan

from .charts import Chart, median_chart, radar_chart
from .forms import STATUS_CHOICES, DashboardFilterForm
from .models import (
    SummaryDocument,
    SummaryScope,
)
from .selectors import (
    Dashboard,
    DashboardFilters,
    DashboardRow,
    dashboard_partnerships,
)

# Whose figures: (scope, region id, local LSC id).
Scope = tuple[str, int | None, int | None]


def summary_scope(user: AnyUser) -> Scope | None:
    """Whose figures the user's summaries hold: a GO officer's region, an LLSC
    officer's local LSC, England for national administrators; None for
    everyone else (and an officer whose profile names no area)."""
    role = role_of(user)
    if role == Role.NATIONAL_ADMIN:
        return (SummaryScope.ENGLAND, None, None)
    profile = profile_of(user)
    if profile is None:
        return None
    if role == Role.GO_OFFICER and profile.region_id:
        return (SummaryScope.REGION, profile.region_id, None)
    if role == Role.LLSC_OFFICER and profile.llsc_id:
        return (SummaryScope.LLSC, None, profile.llsc_id)
    return None


def summaries_for_user(user: AnyUser) -> QuerySet[SummaryDocument]:
    """Summaries of the user's scope: an officer's those of their area,
    national administrators every summary."""
    scope = summary_scope(user)
    if scope is None:
        return SummaryDocument.objects.none()
    if scope[0] == SummaryScope.ENGLAND:
        return SummaryDocument.objects.all()
    return SummaryDocument.objects.filter(**scope_fields(scope))


def scope_fields(scope: Scope) -> dict[str, Any]:
    """The summary's fields that say whose figures it holds (an empty area
    is NULL)."""
    kind, region_id, llsc_id = scope
    return {"scope": kind, "region_id": region_id, "llsc_id": llsc_id}


def filters_key(filters: DashboardFilters) -> str:
    """The dashboard's filters as its query string, in a fixed order: the
    same filters give the same key, and the form reads it back."""
    values = {
        "funded_lsp": "on" if filters.funded_lsp else "",
        "llsc": filters.llsc.pk if filters.llsc else "",
        "region": filters.region.pk if filters.region else "",
        "status": filters.status,
        "structure_model": filters.structure_model,
    }
    return urlencode({name: value for name, value in values.items() if value})


def summary_filters(document: SummaryDocument) -> DashboardFilters:
    """The filters a summary was asked for, read back by the dashboard's form."""
    return DashboardFilterForm(QueryDict(document.filters)).filters()[1]


def filters_description(filters: DashboardFilters) -> list[str]:
    """The filters, in words, for the summary's page."""
    words = []
    if filters.region is not None:
        words.append(f"Region: {filters.region.name}")
    if filters.llsc is not None:
        words.append(f"Local LSC: {filters.llsc.name}")
    if filters.structure_model:
        words.append(
            f"Structure model: {StructureModel(filters.structure_model).label}"
        )
    if filters.status:
        status = dict(STATUS_CHOICES).get(filters.status, filters.status)
        words.append(f"Return status: {status}")
    if filters.funded_lsp:
        words.append("Only partnerships linked to an NRF-funded LSP")
    return words


def _digest(rows: Any) -> str:
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def summary_fingerprint(
    *, user: AnyUser, period: Period, filters: DashboardFilters
) -> str:
    """A digest of everything the summary's figures are made from, as it is
    now: any change to an answer (self or agreed score, barriers), a return
    (started, its status moved), a GO rating or a development plan of the
    period or the year before, anywhere in England (the national medians read
    them all), or to the partnerships of the summary and their local LSC and
    LSP links, gives another digest. Seven small queries, whatever the number
    of partnerships: no figure is computed."""
    previous = (
        Period.objects.filter(starts_on__lt=period.starts_on)
        .order_by("-starts_on")
        .values_list("pk", flat=True)
        .first()
    )
    periods = [p for p in (period.pk, previous) if p is not None]
    # Every save of an answer writes a history row, including the officer's
    # agreed scores (saved without touching updated_at).
    history = Answer.history.model  # type: ignore[attr-defined]
    answers = history.objects.filter(return_record__period__in=periods).aggregate(
        last=Max("history_id")
    )
    # A status moves by an update and a transition row.
    returns = Return.objects.filter(period__in=periods).aggregate(
        count=Count("pk", distinct=True),
        last=Max("pk"),
        moved=Max("transitions__pk"),
    )
    ratings = EngagementRating.objects.filter(period_id=period.pk).aggregate(
        count=Count("pk"), changed=Max("rated_at")
    )
    # A plan's updated_at is touched by every change to its priorities.
    plans = DevelopmentPlan.objects.filter(period_id=period.pk).aggregate(
        count=Count("pk"), changed=Max("updated_at")
    )
    # Names and links have no timestamp: their rows are digested whole.
    partnerships = dashboard_partnerships(user=user, filters=filters)
    fields = [f.attname for f in LearningPartnership._meta.concrete_fields]
    links = [f.attname for f in LLSCRelationship._meta.concrete_fields]
    lsp_links = [f.attname for f in LSPRelationship._meta.concrete_fields] + [
        f"lsp__{f.attname}" for f in LSP._meta.concrete_fields
    ]
    deadline = period.submission_deadline
    figures = [
        period.pk,
        filters_key(filters),
        # Which returns are overdue: the deadline, and whether it has passed.
        str(deadline),
        bool(deadline and timezone.localdate() > deadline),
        answers,
        returns,
        ratings,
        plans,
        _digest(partnerships.order_by("pk").values_list(*fields)),
        _digest(
            LLSCRelationship.objects.filter(partnership__in=partnerships)
            .order_by("pk")
            .values_list(*links)
        ),
        _digest(
            LSPRelationship.objects.filter(partnership__in=partnerships)
            .order_by("pk")
            .values_list(*lsp_links)
        ),
    ]
    return _digest(figures)


def summary_title(scope: Scope, filters: DashboardFilters, user: User) -> str:
    """What the summary is of, as the cover names it: the region filtered on,
    else the officer's area, else England."""
    if filters.region is not None:
        return filters.region.name
    profile = profile_of(user)
    if scope[0] == SummaryScope.REGION and profile is not None and profile.region:
        return str(profile.region)
    if scope[0] == SummaryScope.LLSC and profile is not None and profile.llsc:
        return str(profile.llsc)
    return "England"


def median_chart_of(data: Dashboard) -> Chart:
    """The regional median against England's, per dimension."""
    return median_chart(
        title=f"Median score by dimension, {data.period.code}",
        axes=data.dimensions,
        regional=[data.regional_median[d] for d in data.dimensions],
        national=[data.national_median[d] for d in data.dimensions],
    )


def partnership_radar(row: DashboardRow, data: Dashboard) -> Chart:
    """One partnership's self and agreed scores against the regional median."""
    return radar_chart(
        title=f"{row.partnership.name}, {data.period.code}",
        axes=data.dimensions,
        series={
            "Self score": [row.self_scores[d] for d in data.dimensions],
            "Agreed score": [row.agreed_scores[d] for d in data.dimensions],
            "Median of the selected partnerships": [
                data.regional_median[d] for d in data.dimensions
            ],
        },
        maximum=4,
    )
