"""The LLSC officer's queue and taking a return into review (the moderation
itself is in ``moderation``); the Government Office's rating; everyone's
notifications."""

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
from ..forms import QueueFilterForm, RatingForm
from ..models import EngagementRating, Notification
from .returns import get_return_for_user


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
