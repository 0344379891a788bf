"""The manager's journey through a return: start, task list, check answers,
submit; plus history (answering is in answering.py, evidence files in
evidence.py)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_safe,
)

from partnerships.selectors import partnerships_for_user
from partnerships.users import AuthenticatedHttpRequest

from .. import review_notices, selectors, services, workflow
from ..forms import StartReturnForm
from ..models import Answer, Return
from ..rules import VIEW_ANSWERS, check_may_read_answers

CHANGE_RETURN = "assessment.change_return"


logger = logging.getLogger(__name__)


def get_return_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> Return:
    """The return, or 404 outside the user's scope; 403 when the user may see it
    but not change it, or when it has been submitted."""
    try:
        return_record = selectors.return_for_page(
            selectors.returns_for_user(request.user), pk
        )
    except Return.DoesNotExist as error:
        raise Http404("No such return") from error
    if edit:
        if not request.user.has_perm(CHANGE_RETURN, return_record):
            raise PermissionDenied("You can read this return but not change it.")
        if not return_record.is_editable:
            raise PermissionDenied(str(services.ReturnNotEditable(return_record)))
    return return_record


def get_return_to_read(request: AuthenticatedHttpRequest, pk: int) -> Return:
    """The return, for a page that shows what it says: 404 outside the user's
    scope; 403, saying how far it has got, for a draft that is not the user's
    to read (it is its managers' until they submit it)."""
    return_record = get_return_for_user(request, pk)
    check_may_read_answers(request.user, return_record)
    return return_record


def _can_edit(request: AuthenticatedHttpRequest, return_record: Return) -> bool:
    return return_record.is_editable and request.user.has_perm(
        CHANGE_RETURN, return_record
    )


@require_http_methods(["GET", "POST"])
def return_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = get_object_or_404(partnerships_for_user(request.user), pk=pk)
    if not request.user.has_perm("assessment.add_return", partnership):
        raise PermissionDenied("Only the partnership's managers can start its return.")
    periods = selectors.return_periods_to_start(partnership=partnership)
    can_carry = Return.objects.filter(partnership=partnership).exists()
    form = StartReturnForm(
        request.POST if request.method == "POST" else None,
        periods=periods,
        can_carry=can_carry,
    )
    if request.method == "POST" and periods and form.is_valid():
        return_record = services.return_start(
            partnership=partnership,
            period=form.cleaned_data["period"],
            user=request.user,
            carry_forward=form.cleaned_data.get("carry_forward", False),
        )
        return redirect(return_record)
    return render(
        request,
        "assessment/start.html",
        {"partnership": partnership, "form": form, "periods": periods},
    )


@require_safe
def return_tasks(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return_record = get_return_for_user(request, pk)
    if not request.user.has_perm(VIEW_ANSWERS, return_record):
        # Others in scope see where a draft stands, not what it says.
        return render(
            request,
            "assessment/draft_status.html",
            {
                "return": return_record,
                "progress": selectors.draft_progress(return_record=return_record),
            },
        )
    summaries = selectors.return_summary(return_record=return_record)
    can_edit = _can_edit(request, return_record)
    return render(
        request,
        "assessment/tasks.html",
        {
            "return": return_record,
            "summaries": summaries,
            "completed": sum(1 for s in summaries if s.status == selectors.COMPLETED),
            "can_edit": can_edit,
            # Why it came back, for those who make the changes.
            "returned": review_notices.returned_notices(returns=[return_record])
            if can_edit
            else [],
            "review_is_current": review_notices.review_is_current(return_record),
            "plan": return_record.partnership.plans.filter(
                period_id=return_record.period_id
            ).first(),
            # A plan starts from a submitted return.
            "can_plan": not return_record.is_editable
            and request.user.has_perm(
                "assessment.add_return", return_record.partnership
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def return_profile_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return_record = get_return_for_user(request, pk, edit=request.method == "POST")
    check_may_read_answers(request.user, return_record)
    if request.method == "POST":
        services.profile_confirm(return_record=return_record, user=request.user)
        messages.success(
            request, "Thank you: the partnership profile is marked as checked."
        )
        return redirect(return_record)
    return render(
        request,
        "assessment/profile_check.html",
        {"return": return_record, "can_edit": _can_edit(request, return_record)},
    )


@require_http_methods(["GET", "POST"])
def return_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return_record = get_return_for_user(request, pk, edit=request.method == "POST")
    check_may_read_answers(request.user, return_record)
    missing: list[Answer] = []
    if request.method == "POST":
        try:
            services.return_submit(return_record=return_record, user=request.user)
        except services.ReturnIncomplete as incomplete:
            missing = incomplete.missing
        except workflow.TransitionLost as lost:
            messages.error(request, str(lost))
            return redirect(return_record)
        else:
            return redirect("assessment:submitted", pk=return_record.pk)
    levels = selectors.framework_levels(framework=return_record.framework)
    can_edit = _can_edit(request, return_record)
    return render(
        request,
        "assessment/check.html",
        {
            "return": return_record,
            "summaries": selectors.return_summary(
                return_record=return_record,
                answers=list(
                    return_record.answers.select_related("indicator").prefetch_related(
                        selectors.answer_files(), selectors.ticked_categories()
                    )
                ),
                levels=levels,
            ),
            "levels": levels,
            "missing": missing,
            "can_edit": can_edit,
            "returned": review_notices.returned_notices(returns=[return_record])
            if can_edit
            else [],
            "review_is_current": review_notices.review_is_current(return_record),
        },
    )


@require_safe
def return_submitted(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return_record = get_return_for_user(request, pk)
    if return_record.is_editable:
        return redirect("assessment:check", pk=return_record.pk)
    partnership = return_record.partnership
    return render(
        request,
        "assessment/submitted.html",
        {
            "return": return_record,
            # Who reviews it: the partnership's local LSCs, when it has any.
            "llscs": list(partnership.llscs.all()),
            "plan": partnership.plans.filter(period_id=return_record.period_id).first(),
            "can_plan": request.user.has_perm("assessment.add_return", partnership),
        },
    )


@require_safe
def return_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return_record = get_return_to_read(request, pk)
    return render(
        request,
        "assessment/history.html",
        {
            "return": return_record,
            "changes": selectors.answer_changes(return_record=return_record),
            "transitions": selectors.return_transitions(return_record=return_record),
        },
    )
