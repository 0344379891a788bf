"""Documents people print and send: the development plan and the scored
return, as HTML pages and as PDFs from the same templates and the same scoping."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from assessment import selectors as assessment_selectors
from assessment.models import Return
from assessment.plan_selectors import plans_for_user
from assessment.plan_views import plan_context

from .pdf import pdf_response, render_pdf


@require_safe
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(
        plans_for_user(request.user).select_related(
            "partnership", "period", "source_return__framework", "approved_by"
        ),
        pk=pk,
    )
    context = plan_context(request, plan)
    content = render_pdf("reports/plan_pdf.html", context, request)
    name = f"development-plan-{slugify(plan.partnership.name)}-{plan.period.code}.pdf"
    return pdf_response(content, name)


def _return_context(request: HttpRequest, pk: int) -> dict[str, object]:
    try:
        return_record = assessment_selectors.return_for_page(
            assessment_selectors.returns_for_user(request.user), pk
        )
    except Return.DoesNotExist as error:
        raise Http404("No such return") from error
    answers = {
        a.pk: a
        for a in return_record.answers.select_related("indicator").prefetch_related(
            "attachments"
        )
    }
    return {
        "return": return_record,
        "summaries": assessment_selectors.return_summary(return_record=return_record),
        "answers": answers,
    }


@require_safe
def return_document(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reports/return_page.html", _return_context(request, pk))


@require_safe
def return_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _return_context(request, pk)
    return_record = context["return"]
    assert isinstance(return_record, Return)  # noqa: S101
    content = render_pdf("reports/return_pdf.html", context, request)
    name = (
        f"self-assessment-{slugify(return_record.partnership.name)}-"
        f"{return_record.period.code}.pdf"
    )
    return pdf_response(content, name)
