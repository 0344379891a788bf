"""Period pages for national administrators: the list of periods, opening a
new one in a guided flow (one question a page, then check answers), and
changing a period's dates and submission deadline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.views.decorators.http import require_http_methods, require_safe

from . import period_checks, period_flow, selectors, services
from .models import FrameworkUse, Period
from .period_flow import CHANGE_SESSION_KEY, SESSION_KEY, STEPS, known
from .period_forms import PeriodChangeForm

OPEN = "indicators.open_period"
CHANGE = "indicators.change_period"


def _refuse_unless(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(
            "Only national administrators can open or change periods."
        )


def _get_period_for_user(request: HttpRequest, pk: int) -> Period:
    period = get_object_or_404(selectors.periods_for_user(request.user), pk=pk)
    _refuse_unless(request, CHANGE)
    return period


def _step_url(step: str, *, change: bool = False) -> str:
    url = reverse("periods:open", args=[step])
    return f"{url}?change=1" if change else url


@require_safe
def period_list(request: HttpRequest) -> HttpResponse:
    _refuse_unless(request, OPEN)
    return render(
        request,
        "indicators/period_list.html",
        {"periods": selectors.periods_with_returns_counted()},
    )


@require_http_methods(["GET", "POST"])
def period_open(request: HttpRequest, step: str) -> HttpResponse:
    _refuse_unless(request, OPEN)
    if step not in STEPS:
        raise Http404("No such question.")
    opening = period_flow.read(request.session, today=timezone.localdate())
    if not opening.reaches(step):
        return redirect(_step_url(opening.first_missing or STEPS[0]))
    change = request.GET.get("change") == "1"
    index = STEPS.index(step)
    back = (
        reverse("periods:open_check")
        if change
        else (_step_url(STEPS[index - 1]) if index else reverse("periods:list"))
    )
    context: dict[str, Any] = {"step": step, "opening": opening, "back": back}
    if step == "framework" and opening.base is None:
        context["title"] = "There is no published framework to use"
        return render(request, "indicators/period_open_step.html", context)
    if request.method == "POST":
        form = period_flow.form_for(step, opening, request.POST)
        if form.is_valid():
            period_flow.keep(
                request.session,
                SESSION_KEY,
                step,
                period_flow.posted_answer(form, request.POST),
            )
            opening = period_flow.read(request.session, today=timezone.localdate())
            if change or index == len(STEPS) - 1:
                return redirect(
                    reverse("periods:open_check")
                    if opening.first_missing is None
                    else _step_url(opening.first_missing, change=change)
                )
            return redirect(_step_url(STEPS[index + 1]))
    else:
        form = period_flow.form_for(step, opening, opening.stored.get(step))
    context["form"] = form
    context["title"] = (
        f"When does {opening.code} start and end?"
        if step == "dates"
        else strip_tags(str(next(iter(form.fields.values())).label))
    )
    context["action"] = _step_url(step, change=change)
    return render(request, "indicators/period_open_step.html", context)


@require_http_methods(["GET", "POST"])
def period_open_check(request: HttpRequest) -> HttpResponse:
    _refuse_unless(request, OPEN)
    opening = period_flow.read(request.session, today=timezone.localdate())
    if opening.first_missing is not None:
        return redirect(_step_url(opening.first_missing))
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        framework_use = known(opening.framework_use)
        try:
            period = services.period_open(
                user=request.user,
                code=known(opening.code),
                starts_on=known(opening.starts_on),
                ends_on=known(opening.ends_on),
                submission_deadline=known(opening.submission_deadline),
                framework=known(opening.base),
                framework_use=framework_use,
            )
        except ValidationError as error:
            # Something changed since the answers were checked (another
            # administrator opened the same period): say what, and where.
            pages = {"code": "code", "framework": "framework"}
            problems = [
                (_step_url(pages.get(name, "dates"), change=True), message)
                for name, field_messages in error.message_dict.items()
                for message in field_messages
            ]
        else:
            period_flow.forget(request.session, SESSION_KEY)
            messages.success(request, _opened_message(period, framework_use))
            return redirect("periods:list")
    return render(
        request,
        "indicators/period_open_check.html",
        {
            "opening": opening,
            "problems": problems,
            "FrameworkUse": FrameworkUse,
            "change": {step: _step_url(step, change=True) for step in STEPS},
            "back": _step_url(STEPS[-1]),
        },
    )


def _opened_message(period: Period, use: FrameworkUse) -> str:
    if use == FrameworkUse.DRAFT:
        return (
            f"{period.code} is open. Its framework is a draft: publish it from "
            "Frameworks before managers can start their returns."
        )
    return f"{period.code} is open. Managers can start their returns for it."


def _change_answer(request: HttpRequest, period: Period) -> dict[str, str] | None:
    return request.session.get(CHANGE_SESSION_KEY, {}).get(str(period.pk))


@require_http_methods(["GET", "POST"])
def period_change(request: HttpRequest, pk: int) -> HttpResponse:
    period = _get_period_for_user(request, pk)
    if request.method == "POST":
        form = PeriodChangeForm(request.POST, period=period)
        if form.is_valid():
            period_flow.keep(
                request.session,
                CHANGE_SESSION_KEY,
                str(period.pk),
                period_flow.posted_answer(form, request.POST),
            )
            return redirect("periods:change_check", pk=period.pk)
    else:
        # The answer kept for the check page is shown again only when coming
        # back from it; otherwise the page starts from the period as it is.
        kept = _change_answer(request, period) if "edit" in request.GET else None
        form = PeriodChangeForm(
            kept,
            period=period,
            initial={
                "starts_on": period.starts_on,
                "ends_on": period.ends_on,
                "submission_deadline": period.submission_deadline,
            },
        )
    return render(
        request,
        "indicators/period_change.html",
        {
            "period": period,
            "form": form,
            "opened": selectors.period_opened(period=period),
            "last_submitted": period_checks.last_submission_day(period),
        },
    )


@require_http_methods(["GET", "POST"])
def period_change_check(request: HttpRequest, pk: int) -> HttpResponse:
    period = _get_period_for_user(request, pk)
    form = PeriodChangeForm(_change_answer(request, period), period=period)
    if not form.is_valid():
        edit = "?edit=1" if _change_answer(request, period) else ""
        return redirect(reverse("periods:change", args=[period.pk]) + edit)
    new = form.cleaned_data
    if request.method == "POST":
        # The form checked the same rules; the service asks them again, and
        # a return submitted since is caught by the form above.
        try:
            services.period_change_dates(
                user=request.user,
                period=period,
                starts_on=new["starts_on"],
                ends_on=new["ends_on"],
                submission_deadline=new["submission_deadline"],
            )
        except ValidationError:
            # Something changed in between: the form page shows what.
            return redirect(reverse("periods:change", args=[period.pk]) + "?edit=1")
        period_flow.forget(request.session, CHANGE_SESSION_KEY, str(period.pk))
        messages.success(request, f"The dates of {period.code} are changed.")
        return redirect("periods:list")
    return render(
        request,
        "indicators/period_change_check.html",
        {
            "period": period,
            "rows": [
                ("Start date", period.starts_on, new["starts_on"]),
                ("End date", period.ends_on, new["ends_on"]),
                (
                    "Submission deadline",
                    period.submission_deadline,
                    new["submission_deadline"],
                ),
            ],
        },
    )
