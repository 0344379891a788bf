"""The LLSC officer's moderation of a return: the task list of its dimensions,
a page per dimension with the agreed scores and comments, and the check page
with the decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from indicators.models import Dimension
from partnerships.users import AuthenticatedHttpRequest

from .. import moderation, selectors, services, workflow
from ..models import Answer, Return, ReturnStatus
from ..review_forms import DecisionForm, ModerationForm
from ..rules import check_may_read_answers
from .returns import get_return_for_user


@dataclass
class IndicatorRow:
    """One indicator on the moderation pages: the answer, whether it was
    moderated for this submission, its gap, and what a resubmission changed."""

    answer: Answer
    moderated: bool
    gap: int | None
    changes: list[tuple[str, Any, Any]] | None


def get_return_to_review(request: AuthenticatedHttpRequest, pk: int) -> Return:
    """The return, for its reviewers: 404 outside the user's scope, 403 for
    anyone who does not review it or a draft not yet theirs to read."""
    return_record = get_return_for_user(request, pk)
    if not request.user.has_perm(workflow.REVIEW, return_record):
        raise PermissionDenied(
            "Only the partnership's LLSC officers review its return."
        )
    check_may_read_answers(request.user, return_record)
    return return_record


def _can_decide(return_record: Return) -> bool:
    return return_record.status in moderation.DECIDABLE


def _rows(
    return_record: Return,
    answers: list[Answer],
    changes: dict[str, list[tuple[str, Any, Any]]],
) -> list[IndicatorRow]:
    return [
        IndicatorRow(
            answer=answer,
            moderated=moderation.is_moderated(answer, return_record),
            gap=moderation.answer_gap(answer),
            changes=changes.get(answer.indicator.code),
        )
        for answer in answers
    ]


@require_safe
def return_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return_record = get_return_to_review(request, pk)
    levels = selectors.framework_levels(framework=return_record.framework)
    summaries = selectors.return_summary(return_record=return_record, levels=levels)
    dimensions = moderation.dimension_moderation(
        return_record=return_record, summaries=summaries
    )
    changes = selectors.submission_changes(return_record=return_record)
    return render(
        request,
        "assessment/review.html",
        {
            "return": return_record,
            "summaries": summaries,
            "dimensions": dimensions,
            "moderated": sum(1 for d in dimensions if d.state == moderation.MODERATED),
            "can_decide": _can_decide(return_record),
            "changes": changes,
            "changed": {
                s.dimension.pk
                for s in summaries
                if any(a.indicator.code in changes for a in s.answers)
            },
        },
    )


@require_http_methods(["GET", "POST"])
def review_dimension(
    request: AuthenticatedHttpRequest, pk: int, code: str
) -> HttpResponse:
    return_record = get_return_to_review(request, pk)
    dimension = selectors.return_dimension(return_record=return_record, code=code)
    can_decide = _can_decide(return_record)
    if request.method == "POST" and not can_decide:
        return _decided_meanwhile(request, return_record)
    answers = list(
        return_record.answers.filter(indicator__dimension=dimension)
        .select_related(*selectors.WITH_AREA)
        .prefetch_related(selectors.answer_files(), selectors.ticked_categories())
    )
    levels = selectors.framework_levels(framework=return_record.framework)
    form = ModerationForm(
        request.POST if request.method == "POST" else None,
        answers=answers,
        levels=levels,
    )
    conflicts: list[services.Conflict] = []
    if request.method == "POST" and form.is_valid():
        try:
            moderation.review_scores_save(
                return_record=return_record,
                dimension=dimension,
                agreed=form.agreed(),
                versions=form.versions(),
                user=request.user,
            )
        except moderation.ReviewClosed as closed:
            messages.error(request, str(closed))
            return redirect("assessment:review", pk=return_record.pk)
        except services.AnswerConflict as conflict:
            conflicts = conflict.conflicts
            form = _rebased_form(request, conflicts, answers, levels)
        else:
            return _after_save(request, return_record, dimension)
    changes = selectors.submission_changes(return_record=return_record)
    return render(
        request,
        "assessment/moderation_dimension.html",
        {
            "return": return_record,
            "dimension": dimension,
            "rows": _rows(return_record, answers, changes),
            "fields": form.rows(),
            "form": form,
            "levels": levels,
            "can_decide": can_decide,
            "changes": changes,
            "conflicts": moderation.conflicts_by_answer(conflicts),
            "dimension_gap": moderation.dimension_gap(answers),
        },
    )


def _rebased_form(
    request: AuthenticatedHttpRequest,
    conflicts: list[services.Conflict],
    answers: list[Answer],
    levels: list[Any],
) -> ModerationForm:
    """What the officer typed, kept, now based on the versions the other
    officer saved, so that saving again is a deliberate choice."""
    data = request.POST.copy()
    for conflict in conflicts:
        data[f"version-{conflict.answer.pk}"] = str(conflict.answer.version)
    rebased = ModerationForm(data, answers=answers, levels=levels)
    rebased.is_valid()
    rebased.add_error(
        None,
        "Another officer saved agreed scores on this page while you were "
        "moderating it. Nothing of yours has been saved yet: compare their "
        "version below, then save again to keep yours.",
    )
    return rebased


def _after_save(
    request: AuthenticatedHttpRequest, return_record: Return, dimension: Dimension
) -> HttpResponse:
    """Back to the task list, or on to the next dimension not yet moderated
    (after this one, then from the start), or to the check page."""
    if request.POST.get("action") == "later":
        messages.success(
            request,
            f"The agreed scores for {dimension.code} {dimension.title} have been "
            "saved. You can come back to them later.",
        )
        return redirect("assessment:review", pk=return_record.pk)
    summaries = selectors.return_summary(return_record=return_record, levels=[])
    states = moderation.dimension_moderation(
        return_record=return_record, summaries=summaries
    )
    waiting = [s.dimension for s in states if s.state != moderation.MODERATED]
    following = [d for d in waiting if d.order > dimension.order] or waiting
    if following:
        return redirect(
            "assessment:review_dimension", pk=return_record.pk, code=following[0].code
        )
    return redirect("assessment:review_check", pk=return_record.pk)


@require_http_methods(["GET", "POST"])
def review_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return_record = get_return_to_review(request, pk)
    can_decide = _can_decide(return_record)
    if request.method == "POST" and not can_decide:
        return _decided_meanwhile(request, return_record)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.review_decide(
                return_record=return_record,
                user=request.user,
                overall_comment=form.cleaned_data["overall_comment"].strip(),
                decision=form.cleaned_data["decision"],
                reasons=form.reasons_given(),
                seen_version=form.cleaned_data["seen_version"],
            )
        except (moderation.ReviewClosed, workflow.TransitionLost) as lost:
            messages.error(request, str(lost))
            return redirect("assessment:review", pk=return_record.pk)
        except (moderation.ScoresChanged, moderation.NotApplicableRejected) as refused:
            form.add_error(None, str(refused))
        else:
            return _decided(request, return_record)
    levels = selectors.framework_levels(framework=return_record.framework)
    answers = list(return_record.answers.select_related(*selectors.WITH_AREA))
    summaries = selectors.return_summary(
        return_record=return_record, answers=answers, levels=levels
    )
    dimensions = moderation.dimension_moderation(
        return_record=return_record, summaries=summaries
    )
    changes: dict[str, list[tuple[str, Any, Any]]] = {}
    return render(
        request,
        "assessment/moderation_check.html",
        {
            "return": return_record,
            "summaries": summaries,
            "dimensions": [
                (item, _rows(return_record, item.summary.answers, changes))
                for item in dimensions
            ],
            "waiting": [d for d in dimensions if d.state != moderation.MODERATED],
            "levels": levels,
            "form": form,
            "can_decide": can_decide,
            # The version the decision is taken on: posted back, and renewed
            # when the scores changed meanwhile.
            "seen_version": moderation.answers_version(answers),
        },
    )


def _decided(request: AuthenticatedHttpRequest, return_record: Return) -> HttpResponse:
    verb = "accepted" if return_record.status == ReturnStatus.ACCEPTED else "returned"
    messages.success(
        request,
        f"The self-assessment of {return_record.partnership.name} was {verb}. "
        "Its managers have been told.",
    )
    return redirect("assessment:queue")


def _decided_meanwhile(
    request: AuthenticatedHttpRequest, return_record: Return
) -> HttpResponse:
    """A save or decision posted on a return no longer waiting for one. The
    page says which status it was opened at: a page opened before a colleague
    decided gets an explanation, anything else is refused."""
    if request.POST.get("seen_status") in moderation.DECIDABLE:
        messages.error(request, str(moderation.ReviewClosed(return_record)))
        return redirect("assessment:review", pk=return_record.pk)
    raise PermissionDenied(
        f"This return is {return_record.get_status_display().lower()}: "
        "there is nothing to decide."
    )
