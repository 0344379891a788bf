"""Sending reminders from the service: national administrators (for England)
and GO officers (for their region) choose a period, see who would be told what,
send, and read the log of what was sent."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from indicators.models import Period
from partnerships.users import AuthenticatedHttpRequest

from .. import reminders
from ..progress import current_period

REFUSED = "National administrators and GO officers send reminders."


class ReminderPeriodForm(forms.Form):
    period = forms.ModelChoiceField(
        label="Period",
        queryset=Period.objects.order_by("-starts_on"),
        to_field_name="code",
        required=False,
        empty_label=None,
        error_messages={
            "invalid_choice": "There is no such period: showing the current one"
        },
    )


def _check(request: AuthenticatedHttpRequest) -> None:
    if not request.user.has_perm(reminders.SEND_REMINDERS):
        raise PermissionDenied(REFUSED)


@require_safe
def reminder_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _check(request)
    current = current_period()
    chosen = request.GET.get("period") or (current.code if current else "")
    form = ReminderPeriodForm({"period": chosen})
    period = form.cleaned_data["period"] if form.is_valid() else current
    context = {"form": form, "period": period}
    if period is not None:
        log, log_count = reminders.reminder_log(user=request.user, period=period)
        context |= {
            "preview": reminders.reminder_preview(user=request.user, period=period),
            "log": log,
            "log_count": log_count,
        }
    return render(request, "assessment/reminders.html", context)


@require_POST
def reminder_send(request: AuthenticatedHttpRequest) -> HttpResponse:
    _check(request)
    code = request.POST.get("period", "")
    if not code:
        messages.error(request, "Choose the period to send reminders about.")
        return redirect("assessment:reminders")
    # Through the form, which answers "no such period" for any text, where a
    # lookup by hand would send a NUL to PostgreSQL, which refuses it.
    form = ReminderPeriodForm({"period": code})
    if not form.is_valid() or form.cleaned_data["period"] is None:
        raise Http404("There is no such period.")
    period = form.cleaned_data["period"]
    sent = reminders.reminders_send(user=request.user, period=period)
    people = sum(item.recipients for item in sent)
    if sent:
        messages.success(
            request,
            f"{len(sent)} reminder{'s' if len(sent) != 1 else ''} sent about "
            f"{period.code}: {people} manager{'s' if people != 1 else ''} told by "
            "email and in the service.",
        )
    else:
        messages.info(
            request,
            f"No reminders sent about {period.code}: every partnership that has "
            "not submitted was reminded today already, or has no manager to tell.",
        )
    query = urlencode({"period": period.code})
    return redirect(f"{reverse('assessment:reminders')}?{query}#sent")
