"""Documents people print and send: the development plan and the scored
return, as HTML pages and as PDFs from the same templates and the same scoping."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from assessment import selectors as assessment_selectors
from assessment.models import Return
from assessment.rules import check_may_read_answers
from indicators.models import Period
from partnerships.users import AuthenticatedHttpRequest
from plans.models import DevelopmentPlan
from plans.selectors import for_plan_document, plan_context, plans_for_user

from .audit import AUDIT_HEADERS, audit_name, audit_rows, audit_sheets
from .charts import trend_chart
from .exports import (
    csv_response,
    export_name,
    scores_csv_response,
    scores_ods_response,
    scores_xlsx_response,
    xlsx_response,
)
from .forms import AuditForm, DashboardFilterForm, PackForm
from .models import Pack, SummaryDocument
from .ods import ods_response
from .packs import pack_progress, pack_request, packs_for_user, packs_recover
from .pdf import pdf_response, render_pdf
from .progress import JobProgress
from .return_document import return_document_context
from .selectors import (
    Dashboard,
    DashboardFilters,
    regional_dashboard,
    regional_period,
    regional_summary_pages,
)
from .summaries import (
    summaries_recover,
    summary_filename,
    summary_progress,
    summary_request,
)
from .summary_figures import (
    filters_description,
    median_chart_of,
    partnership_radar,
    summaries_for_user,
    summary_filters,
)
from .trends import regional_trends


def _get_plan_for_user(request: HttpRequest, pk: int) -> DevelopmentPlan:
    """The plan, with what its document shows; 404 outside the user's scope."""
    return get_object_or_404(
        for_plan_document(plans_for_user(request.user)),
        pk=pk,
    )


def _get_return_for_user(request: HttpRequest, pk: int) -> Return:
    """The return, with what every return page shows; 404 outside the user's
    scope, 403 for a draft that is not the user's to read."""
    try:
        return_record = assessment_selectors.return_for_page(
            assessment_selectors.returns_for_user(request.user), pk
        )
    except Return.DoesNotExist as error:
        raise Http404("No such return") from error
    check_may_read_answers(request.user, return_record)
    return return_record


@require_safe
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request, pk)
    context = plan_context(plan=plan)
    content = render_pdf("reports/plan_pdf.html", context, request)
    name = f"development-plan-{slugify(plan.partnership.name)}-{plan.period.code}.pdf"
    return pdf_response(content, name)


@require_safe
def return_document(request: HttpRequest, pk: int) -> HttpResponse:
    return_record = _get_return_for_user(request, pk)
    context = return_document_context(user=request.user, return_record=return_record)
    return render(request, "reports/return_page.html", context)


@require_safe
def return_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return_record = _get_return_for_user(request, pk)
    context = return_document_context(user=request.user, return_record=return_record)
    content = render_pdf("reports/return_pdf.html", context, request)
    name = (
        f"self-assessment-{slugify(return_record.partnership.name)}-"
        f"{return_record.period.code}.pdf"
    )
    return pdf_response(content, name)


def _dashboard_inputs(
    request: HttpRequest, data: QueryDict | None = None
) -> tuple[DashboardFilterForm, Period | None, DashboardFilters]:
    if not request.user.has_perm("reports.view_dashboard"):
        raise PermissionDenied(
            "The regional view is for GO staff, LLSC officers and administrators."
        )
    form = DashboardFilterForm(
        (request.GET if data is None else data) or None, user=request.user
    )
    period, filters = form.filters()
    return form, period, filters


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    form, period, filters = _dashboard_inputs(request)
    # The periods the filter lists, read once, also give the latest with
    # returns and the one before the period shown.
    listed = form.periods()
    period = regional_period(chosen=period, periods=listed)
    if period is None:
        return render(request, "reports/dashboard.html", {"form": form, "data": None})
    data = regional_dashboard(
        user=request.user, period=period, filters=filters, periods=listed
    )
    chart = median_chart_of(data)
    periods, series = regional_trends(
        user=request.user, filters=filters, dimensions=data.dimensions
    )
    trends = trend_chart(
        title="Mean score by dimension over the years", periods=periods, series=series
    )
    query = request.GET.urlencode()
    # The downloads name the period shown, so they hold what the page shows
    # even when the page took the latest period.
    export_query = request.GET.copy()
    export_query["period"] = period.code
    return render(
        request,
        "reports/dashboard.html",
        {
            "export_query": export_query.urlencode(),
            "form": form,
            "data": data,
            "chart": chart,
            "trends": trends,
            "trend_periods": periods,
            "trend_series": series,
            "dimensions": data.dimensions,
            "query": query,
        },
    )


def _export_data(request: HttpRequest) -> Dashboard | None:
    """What the regional view shows with the same filters: its period (the
    latest with returns when none is asked for), scope and rows."""
    _, period, filters = _dashboard_inputs(request)
    period = regional_period(chosen=period)
    if period is None:
        return None
    return regional_dashboard(user=request.user, period=period, filters=filters)


@require_safe
def scores_csv(request: HttpRequest) -> StreamingHttpResponse:
    data = _export_data(request)
    return scores_csv_response(user=request.user, data=data, name=export_name(data))


@require_safe
def scores_xlsx(request: HttpRequest) -> FileResponse:
    data = _export_data(request)
    return scores_xlsx_response(user=request.user, data=data, name=export_name(data))


@require_safe
def scores_ods(request: HttpRequest) -> FileResponse:
    data = _export_data(request)
    return scores_ods_response(user=request.user, data=data, name=export_name(data))


@require_safe
def audit(request: HttpRequest) -> HttpResponseBase:
    """The audit trail's form; with a period, region and format chosen, the
    download."""
    if not request.user.has_perm("reports.export_audit"):
        raise PermissionDenied("The audit trail is for national administrators.")
    form = AuditForm(request.GET or None)
    if not form.is_valid():
        return render(request, "reports/audit.html", {"form": form})
    period, region = form.cleaned_data["period"], form.cleaned_data["region"]
    name = audit_name(period=period, region=region)
    file_format = form.cleaned_data["format"]
    if file_format == "csv":
        rows = audit_rows(user=request.user, period=period, region=region)
        return csv_response(headers=AUDIT_HEADERS, rows=rows, name=name)
    sheets = audit_sheets(user=request.user, period=period, region=region)
    if file_format == "xlsx":
        return xlsx_response(sheets=sheets, name=name)
    return ods_response(sheets=sheets, name=name)


@require_POST
def summary_request_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for the summary PDF of the figures the dashboard shows: made in the
    background, or served at once when already made for the same figures."""
    _, period, filters = _dashboard_inputs(request, data=request.POST)
    period = regional_period(chosen=period)
    if period is None:
        raise Http404("There are no returns yet.")
    document, existing = summary_request(
        user=request.user, period=period, filters=filters
    )
    if existing and document.status == SummaryDocument.Status.COMPLETE:
        return redirect("reports:summary_download", pk=document.pk)
    return redirect(document)


def _get_summary_for_user(request: HttpRequest, pk: int) -> SummaryDocument:
    """The summary; 404 outside the user's scope."""
    return get_object_or_404(
        summaries_for_user(request.user).select_related("period"), pk=pk
    )


@require_safe
def summary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get_summary_for_user(request, pk)
    # The page people watch takes up a stalled summary even where no
    # `prune_packs` runs from cron.
    if summaries_recover():
        document.refresh_from_db()
    filters = summary_filters(document)
    query = urlencode({"period": document.period.code})
    if document.filters:
        query += "&" + document.filters
    return render(
        request,
        "reports/summary.html",
        {
            "document": document,
            "progress": summary_progress(document),
            "filters": filters_description(filters),
            "dashboard_query": query,
        },
    )


@require_safe
def summary_progress_json(request: HttpRequest, pk: int) -> JsonResponse:
    document = _get_summary_for_user(request, pk)
    if summaries_recover():
        document.refresh_from_db()
    return _progress_response(summary_progress(document))


@require_safe
def summary_download(request: HttpRequest, pk: int) -> FileResponse:
    document = _get_summary_for_user(request, pk)
    if (
        document.status != SummaryDocument.Status.COMPLETE
        or not document.file
        or document.is_expired
    ):
        raise Http404("This summary is not ready, or it has expired.")
    return FileResponse(
        document.file.open("rb"),
        filename=summary_filename(document),
        content_type="application/pdf",
    )


def _progress_response(progress: JobProgress) -> JsonResponse:
    response = JsonResponse(progress.as_json())
    # Polled: always asked again, never kept.
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def pack_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_perm("reports.build_pack"):
        raise PermissionDenied("Packs are for GO staff and national administrators.")
    national = request.user.has_perm("reports.see_england")
    form = PackForm(
        request.POST if request.method == "POST" else None, national=national
    )
    if request.method == "POST" and form.is_valid():
        pack = pack_request(
            user=request.user,
            period=form.cleaned_data["period"],
            region=form.cleaned_data.get("region"),
        )
        return redirect(pack)
    packs = packs_for_user(request.user).select_related("period", "region")[:50]
    return render(request, "reports/packs.html", {"form": form, "packs": packs})


def _get_pack_for_user(request: HttpRequest, pk: int) -> Pack:
    return get_object_or_404(
        packs_for_user(request.user).select_related("period", "region"), pk=pk
    )


@require_safe
def pack_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _get_pack_for_user(request, pk)
    # The page people watch while a pack is built takes up a stalled pack even
    # where no `prune_packs` runs from cron.
    if packs_recover():
        pack.refresh_from_db()
    return render(
        request, "reports/pack.html", {"pack": pack, "progress": pack_progress(pack)}
    )


@require_safe
def pack_progress_json(request: HttpRequest, pk: int) -> JsonResponse:
    pack = _get_pack_for_user(request, pk)
    if packs_recover():
        pack.refresh_from_db()
    return _progress_response(pack_progress(pack))


@require_safe
def pack_download(request: HttpRequest, pk: int) -> FileResponse:
    pack = _get_pack_for_user(request, pk)
    if pack.status != Pack.Status.COMPLETE or not pack.file or pack.is_expired:
        raise Http404("This pack is not ready, or it has expired.")
    return FileResponse(
        pack.file.open("rb"),
        as_attachment=True,
        filename=f"{slugify(str(pack))}.zip",
        content_type="application/zip",
    )


@require_safe
def dashboard_partnership(request: HttpRequest, pk: int) -> HttpResponse:
    """One partnership of the regional view: radar against the regional median."""
    _, period, filters = _dashboard_inputs(request)
    period = regional_period(chosen=period)
    if period is None:
        raise Http404("There are no returns yet.")
    data = regional_dashboard(user=request.user, period=period, filters=filters)
    item = next(
        (
            p
            for p in regional_summary_pages(dashboard=data)
            if p.row.partnership.pk == pk
        ),
        None,
    )
    if item is None:
        raise Http404("No such partnership in your view")
    return render(
        request,
        "reports/dashboard_partnership.html",
        {
            "data": data,
            "page": item,
            "row": item.row,
            "radar": partnership_radar(item.row, data),
            "dimensions": data.dimensions,
            "query": request.GET.urlencode(),
        },
    )
