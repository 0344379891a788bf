"""The manager answering a return, one indicator to a page: a dimension's page
lists its indicators with their status; each indicator's page saves its answer
and goes on to the next."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from indicators.models import CategoryList, Dimension, ScoreLevel
from indicators.selectors import framework_category_lists
from partnerships.users import AuthenticatedHttpRequest

from .. import evidence, evidence_selectors, selectors, services
from ..forms import AnswerForm
from ..models import Answer, EvidenceFile, Return, ReturnStatus
from .returns import _can_edit as can_edit
from .returns import get_return_for_user

logger = logging.getLogger(__name__)


@require_safe
def return_dimension(
    request: AuthenticatedHttpRequest, pk: int, code: str
) -> HttpResponse:
    return_record = get_return_for_user(request, pk)
    if not can_edit(request, return_record):
        # The page leads to forms: readers read the answers on check answers.
        return redirect("assessment:check", pk=return_record.pk)
    dimension = selectors.return_dimension(return_record=return_record, code=code)
    tasks = selectors.dimension_tasks(return_record=return_record, dimension=dimension)
    first_open = next((t for t in tasks if t.status != selectors.COMPLETED), None)
    following = _following_dimension(return_record, dimension)
    returned = return_record.status == ReturnStatus.RETURNED
    return render(
        request,
        "assessment/dimension.html",
        {
            "return": return_record,
            "dimension": dimension,
            "tasks": tasks,
            "completed": sum(1 for t in tasks if t.status == selectors.COMPLETED),
            "first_open": first_open,
            "following": following,
            "returned": returned,
            "levels": {
                level.value: level
                for level in selectors.framework_levels(framework=dimension.framework)
            }
            if returned
            else {},
        },
    )


@require_http_methods(["GET", "POST"])
def return_indicator(
    request: AuthenticatedHttpRequest, pk: int, code: str, indicator: str
) -> HttpResponse:
    return_record = get_return_for_user(request, pk, edit=request.method == "POST")
    if not can_edit(request, return_record):
        return redirect("assessment:check", pk=return_record.pk)
    dimension = selectors.return_dimension(return_record=return_record, code=code)
    row: selectors.IndicatorRow | None = None
    try:
        if request.method == "POST":
            # A save needs only the answer: its files and last year's answer
            # are read when the page is shown again (an error, a conflict).
            answer = selectors.indicator_answer(
                return_record=return_record, dimension=dimension, code=indicator
            )
        else:
            row = selectors.indicator_row(
                return_record=return_record, dimension=dimension, code=indicator
            )
            answer = row.answer
    except Answer.DoesNotExist as error:
        raise Http404("No such indicator") from error
    # Each role's framework has its own (four-level) scale.
    levels = selectors.framework_levels(framework=dimension.framework)
    codes = selectors.indicator_codes(return_record=return_record, dimension=dimension)
    library = evidence_selectors.library_choices(
        partnership_id=return_record.partnership_id, answer=answer
    )
    # The lists of the indicator's own framework (each role has its own).
    category_lists = framework_category_lists(framework=dimension.framework)
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        answer=answer,
        levels=levels,
        library=library,
        category_lists=category_lists,
    )
    conflict: services.Conflict | None = None
    if request.method == "POST" and form.is_valid() and not _refused_upload(form):
        try:
            services.answer_save(
                return_record=return_record,
                answer=answer,
                values=form.values(),
                version=form.version(),
                user=request.user,
                categories=form.categories(),
            )
        except services.AnswerConflict as refused:
            conflict = refused.conflicts[0]
            form = _rebased_form(
                request, answer, conflict, levels, library, category_lists
            )
        except ValidationError as refused:
            _add_refusal(form, refused)
        else:
            return _after_save(request, form, return_record, dimension, codes)
    if row is None:
        row = selectors.indicator_row(
            return_record=return_record, dimension=dimension, code=indicator
        )
    position = codes.index(indicator) if indicator in codes else 0
    return render(
        request,
        "assessment/indicator.html",
        {
            "return": return_record,
            "dimension": dimension,
            "row": row,
            "f": form.named(),
            "categories": form.category_fields(),
            "beside_evidence": form.categories_beside_evidence(),
            "form": form,
            "levels": levels,
            "conflict": conflict,
            "position": position + 1,
            "count": len(codes),
            "returned": return_record.status == ReturnStatus.RETURNED,
            # Read once here: the select's options, and whether to show it.
            "library_files": list(library),
            "agreed_level": next(
                (lv for lv in levels if lv.value == answer.agreed_score), None
            ),
        },
    )


def _following_dimension(
    return_record: Return, dimension: Dimension
) -> Dimension | None:
    """The next dimension of the return: the next of its framework's, then
    the first of the next role's framework."""
    dimensions = list(selectors.return_dimensions_query(return_record))
    codes = [d.code for d in dimensions]
    index = codes.index(dimension.code) if dimension.code in codes else len(codes)
    return dimensions[index + 1] if index + 1 < len(dimensions) else None


def _add_refusal(form: AnswerForm, refused: ValidationError) -> None:
    """A "not applicable" the service refused, on the field it is about."""
    pk = form.answer.pk
    fields = {
        "not_applicable": f"score-{pk}",
        "not_applicable_reason": f"not_applicable_reason-{pk}",
    }
    for name, problems in refused.message_dict.items():
        field = fields.get(name)
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _refused_upload(form: AnswerForm) -> bool:
    """Check the evidence file before anything is saved; an error goes on the form."""
    upload = form.upload()
    if not upload:
        return False
    try:
        evidence.check_upload(upload)
    except evidence.AttachmentRefused as error:
        form.add_error(form.attachment_field(), str(error))
        return True
    return False


def _rebased_form(
    request: AuthenticatedHttpRequest,
    answer: Answer,
    conflict: services.Conflict,
    levels: list[ScoreLevel],
    library: QuerySet[EvidenceFile],
    category_lists: list[CategoryList],
) -> AnswerForm:
    """The user's answer kept as typed, now based on the version just saved by
    someone else, so saving again is a deliberate choice."""
    data = request.POST.copy()
    data[f"version-{answer.pk}"] = str(conflict.answer.version)
    rebased = AnswerForm(
        data,
        answer=answer,
        levels=levels,
        library=library,
        category_lists=category_lists,
    )
    rebased.is_valid()
    rebased.add_error(
        None,
        "Someone else saved this indicator while you were editing it. Nothing of "
        "yours has been saved yet: compare below, then save again to keep your "
        "version.",
    )
    return rebased


def _store_upload(request: AuthenticatedHttpRequest, form: AnswerForm) -> bool:
    """Keep the evidence file in the library and link it, and link the library
    file chosen, once the answer is saved; say why when one could not be kept
    (storage full or not writable, or past a limit: files an answer, bytes a
    return). The answer stays saved either way."""
    answer = form.answer
    chosen = form.library_file()
    if chosen is not None:
        try:
            evidence.evidence_link(
                answer=answer, evidence_file=chosen, user=request.user
            )
        except evidence.AttachmentRefused as refused:
            messages.error(
                request,
                f"Your answer was saved, but “{chosen.title}” was not added to "
                f"{answer.indicator.code}. {refused}.",
            )
            return False
    upload = form.upload()
    if not upload:
        return True
    try:
        evidence.evidence_upload(answer=answer, upload=upload, user=request.user)
    except OSError:
        logger.exception("Evidence file for answer %s not stored", answer.pk)
        messages.error(
            request,
            f"Your answer was saved, but “{upload.name}” could not be stored: the "
            "service's file storage is full or cannot be written to. Attach the "
            "file again later; if this keeps happening, tell your national "
            "administrator.",
        )
        return False
    except evidence.AttachmentRefused as refused:
        messages.error(
            request,
            f"Your answer was saved, but “{upload.name}” was not attached to "
            f"{answer.indicator.code}. {refused}.",
        )
        return False
    return True


def _after_save(
    request: AuthenticatedHttpRequest,
    form: AnswerForm,
    return_record: Return,
    dimension: Dimension,
    codes: list[str],
) -> HttpResponse:
    """Store the evidence file, then go where the user asked: back to the task
    list, or on to the next indicator, and after the last to the dimension's
    page with every indicator's status."""
    code = form.answer.indicator.code
    if not _store_upload(request, form):
        return redirect(
            "assessment:indicator",
            pk=return_record.pk,
            code=dimension.code,
            indicator=code,
        )
    if request.POST.get("action") == "later":
        messages.success(
            request,
            f"Your answer to {code} has been saved. You can come back to it later.",
        )
        return redirect(return_record)
    position = codes.index(code) if code in codes else len(codes)
    if position + 1 < len(codes):
        return redirect(
            "assessment:indicator",
            pk=return_record.pk,
            code=dimension.code,
            indicator=codes[position + 1],
        )
    return redirect(
        reverse(
            "assessment:dimension",
            kwargs={"pk": return_record.pk, "code": dimension.code},
        )
    )
