"""The LLSC officer's review: the queue, the review page and its decision;
the Government Office's rating; everyone's notifications."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from indicators.models import Period
from partnerships.selectors import partnerships_for_user
from partnerships.users import AuthenticatedHttpRequest

from .. import progress, selectors, services, workflow
from ..forms import QueueFilterForm, RatingForm, ReviewForm
from ..models import EngagementRating, Notification, Return, ReturnStatus
from ..rules import check_may_read_answers
from .returns import get_return_for_user

DECIDABLE = (ReturnStatus.SUBMITTED, ReturnStatus.IN_REVIEW)


@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("assessment.review_returns"):
        raise PermissionDenied("The review queue is for LLSC officers.")
    form = QueueFilterForm(request.GET or None)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    rows = selectors.review_queue(
        user=request.user,
        status=cleaned.get("status", ""),
        period=cleaned.get("period"),
    )
    return render(
        request,
        "assessment/queue.html",
        {
            "form": form,
            "rows": rows,
            "is_filtered": bool(cleaned.get("status") or cleaned.get("period")),
            "overdue": progress.overdue_for_user(
                user=request.user, period=cleaned.get("period")
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def return_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return_record = get_return_for_user(request, pk)
    if not request.user.has_perm(workflow.REVIEW, return_record):
        raise PermissionDenied(
            "Only the partnership's LLSC officers review its return."
        )
    check_may_read_answers(request.user, return_record)
    can_decide = return_record.status in DECIDABLE
    if request.method == "POST" and not can_decide:
        return _decided_meanwhile(request, return_record)
    answers = list(
        return_record.answers.select_related("indicator").prefetch_related(
            "attachments"
        )
    )
    levels = selectors.framework_levels(framework=return_record.framework)
    summaries = selectors.return_summary(
        return_record=return_record, answers=answers, levels=levels
    )
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        answers=answers,
        levels=levels,
    )
    if request.method == "POST" and form.is_valid():
        return _decide(request, return_record, form)
    by_answer = {a.pk: a for a in answers}
    return render(
        request,
        "assessment/review.html",
        {
            "return": return_record,
            "summaries": summaries,
            "answers": by_answer,
            "fields": form.rows() if can_decide else {},
            "form": form,
            "levels": levels,
            "can_decide": can_decide,
            "changes": selectors.submission_changes(return_record=return_record),
        },
    )


@require_POST
def review_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return_record = get_return_for_user(request, pk)
    try:
        services.review_start(return_record=return_record, user=request.user)
    except (workflow.TransitionRefused, workflow.TransitionLost) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The return is marked as in review by you.")
    return redirect("assessment:review", pk=return_record.pk)


@require_http_methods(["GET", "POST"])
def rating_edit(
    request: AuthenticatedHttpRequest, pk: int, period: str
) -> HttpResponse:
    partnership = get_object_or_404(partnerships_for_user(request.user), pk=pk)
    period_record = get_object_or_404(Period, code=period)
    if not request.user.has_perm("assessment.rate_partnership", partnership):
        raise PermissionDenied("Government Office officers rate partnerships.")
    rating = EngagementRating.objects.filter(
        partnership=partnership, period=period_record
    ).first()
    form = RatingForm(
        request.POST if request.method == "POST" else None, instance=rating
    )
    if request.method == "POST" and form.is_valid():
        services.rating_save(
            partnership=partnership,
            period=period_record,
            user=request.user,
            rating=form.cleaned_data["rating"],
            rationale=form.cleaned_data["rationale"],
        )
        messages.success(request, f"Rating for {period_record} saved.")
        return redirect(partnership)
    return render(
        request,
        "assessment/rating.html",
        {"partnership": partnership, "period": period_record, "form": form},
    )


@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = list(request.user.notifications.all()[:100])  # type: ignore[union-attr]
    unread = [n.pk for n in notifications if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(
        request,
        "assessment/notifications.html",
        {"notifications": notifications, "unread": set(unread)},
    )


def _decided_meanwhile(
    request: AuthenticatedHttpRequest, return_record: Return
) -> HttpResponse:
    """A decision posted on a return no longer waiting for one. The page says
    which status it was opened at: a page opened before a colleague decided
    gets an explanation, anything else is refused."""
    if request.POST.get("seen_status") in DECIDABLE:
        messages.error(
            request,
            "Someone else changed this return while you were reviewing it: it is "
            f"now {return_record.get_status_display().lower()}. Nothing you "
            "entered was saved.",
        )
        return redirect("assessment:review", pk=return_record.pk)
    raise PermissionDenied(
        f"This return is {return_record.get_status_display().lower()}: "
        "there is nothing to decide."
    )


def _decide(
    request: AuthenticatedHttpRequest, return_record: Return, form: ReviewForm
) -> HttpResponse:
    """Record the agreed scores and the decision; tell the officer how it went."""
    decision = form.cleaned_data["decision"]
    try:
        services.return_review(
            return_record=return_record,
            user=request.user,
            agreed=form.agreed(),
            overall_comment=form.cleaned_data["overall_comment"].strip(),
            decision=decision,
            # Reasons belong to a return for revision, not to an acceptance.
            reasons=form.cleaned_data["reasons"]
            if decision == ReturnStatus.RETURNED
            else "",
        )
    except workflow.TransitionLost as lost:
        messages.error(request, str(lost))
        return redirect("assessment:review", pk=return_record.pk)
    verb = "accepted" if return_record.status == ReturnStatus.ACCEPTED else "returned"
    messages.success(
        request,
        f"The self-assessment of {return_record.partnership.name} was {verb}. "
        "Its managers have been told.",
    )
    return redirect("assessment:queue")
