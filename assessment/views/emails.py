"""National administrators' page of the emails that failed or are waiting to
be sent, with a way to try a failed one again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from partnerships.users import AuthenticatedHttpRequest

from .. import notifications
from ..models import EmailDelivery, EmailStatus

REFUSED = "Only national administrators see the emails that were not sent."


def _check(request: AuthenticatedHttpRequest) -> None:
    if not request.user.has_perm(notifications.MANAGE):
        raise PermissionDenied(REFUSED)


@require_safe
def email_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _check(request)
    deliveries = list(notifications.emails_needing_attention())
    counts = dict(EmailDelivery.objects.values_list("status").annotate(n=Count("pk")))
    return render(
        request,
        "assessment/emails.html",
        {
            "deliveries": deliveries,
            "failed": counts.get(EmailStatus.FAILED, 0),
            "waiting": counts.get(EmailStatus.QUEUED, 0)
            + counts.get(EmailStatus.RETRYING, 0),
            "sent": counts.get(EmailStatus.SENT, 0),
            "max_attempts": notifications.MAX_ATTEMPTS,
        },
    )


@require_POST
def email_try_again(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _check(request)
    delivery = get_object_or_404(EmailDelivery, pk=pk)
    if notifications.email_try_again(delivery=delivery, user=request.user):
        messages.success(request, f"“{delivery.subject}” will be sent again.")
    else:
        messages.error(
            request,
            f"“{delivery.subject}” was not queued again: it has been sent or is "
            "still waiting for its next try.",
        )
    return redirect("assessment:emails")
