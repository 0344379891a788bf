"""Development plan pages: the plan document, suggestions, and the edit pages
for priorities, actions, targets and progress; the approval workflow (the
manager's submission, the LLSC officer's queue and decision)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from assessment.selectors import returns_for_user
from partnerships.users import AuthenticatedHttpRequest

from . import selectors, services, workflow
from .forms import (
    APPROVE,
    COMMENT,
    ActionForm,
    ApprovalForm,
    PriorityForm,
    TargetForm,
    UpdateForm,
)
from .models import DevelopmentPlan, PlanAction, PlanStatus, Priority, Target

CHANGE_PLAN = "plans.change_plan"
APPROVE_PLAN = "plans.approve_plan"
DECIDABLE = {PlanStatus.SUBMITTED, PlanStatus.CHANGED}


def _get_plan_for_user(
    request: HttpRequest, pk: int, *, edit: bool = False
) -> DevelopmentPlan:
    """The plan, or 404 outside the user's scope; 403 when the user may read it
    but not change it."""
    plan = get_object_or_404(
        selectors.for_plan_document(selectors.plans_for_user(request.user)),
        pk=pk,
    )
    if edit and not request.user.has_perm(CHANGE_PLAN, plan):
        raise PermissionDenied("Only the partnership's managers change its plan.")
    return plan


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _plan_page_context(request: HttpRequest, plan: DevelopmentPlan) -> dict[str, Any]:
    context = selectors.plan_context(plan=plan)
    context.update(_workflow_context(request, plan, context["document"].priorities))
    context["can_edit"] = request.user.has_perm(CHANGE_PLAN, plan)
    context["can_approve"] = request.user.has_perm(APPROVE_PLAN, plan)
    # Only those who change the plan submit it: the others are spared asking.
    context["can_submit"] = context["can_edit"] and (
        PlanStatus.SUBMITTED in workflow.allowed_steps(request.user, plan)
    )
    return context


def _workflow_context(
    request: HttpRequest,
    plan: DevelopmentPlan,
    priorities: list[Priority] | None = None,
) -> dict[str, Any]:
    """The plan's workflow so far and what changed since its approval."""
    steps = selectors.plan_steps(plan=plan)
    returned = next(
        (s for s in reversed(steps) if s.to_status == PlanStatus.RETURNED), None
    )
    return {
        "steps": steps,
        "last_return": returned if plan.status == PlanStatus.RETURNED else None,
        "changes": selectors.plan_changes_since_approval(
            plan=plan, priorities=priorities
        )
        if plan.status != PlanStatus.APPROVED
        else None,
    }


@require_POST
def plan_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return_record = get_object_or_404(
        returns_for_user(request.user).select_related("period"), pk=pk
    )
    if not request.user.has_perm("plans.start_plan", return_record):
        raise PermissionDenied("Only the partnership's managers start its plan.")
    if return_record.is_editable:
        raise PermissionDenied(
            "A development plan starts from a submitted self-assessment: submit the "
            "return first."
        )
    plan = services.plan_create(return_record=return_record, user=request.user)
    return redirect(plan)


@require_safe
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request, pk)
    return render(request, "plans/plan.html", _plan_page_context(request, plan))


@require_http_methods(["GET", "POST"])
def plan_suggestions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request, pk, edit=request.method == "POST")
    if request.method == "POST":
        code = request.POST.get("code", "")
        if request.POST.get("action") == "dismiss":
            if services.suggestion_dismiss(plan=plan, user=request.user, code=code):
                messages.success(request, f"{code} will not be suggested again.")
            else:
                messages.error(request, f"{code} is no longer a suggestion.")
        else:
            priority = services.suggestion_accept(
                plan=plan, user=request.user, code=code
            )
            if priority is None:
                messages.error(request, f"{code} is no longer a suggestion.")
            else:
                messages.success(request, f"Priority added: {priority.title}")
        return redirect("plans:suggestions", pk=plan.pk)
    return render(
        request,
        "plans/plan_suggestions.html",
        {
            "plan": plan,
            "suggestions": selectors.plan_suggestions(plan=plan),
            "can_edit": request.user.has_perm(CHANGE_PLAN, plan),
        },
    )


def _form_page(
    request: HttpRequest,
    plan: DevelopmentPlan,
    form: Any,
    title: str,
    priority: Priority | None = None,
) -> HttpResponse:
    return render(
        request,
        "plans/plan_form.html",
        {"plan": plan, "form": form, "title": title, "priority": priority},
    )


@require_http_methods(["GET", "POST"])
def priority_edit(
    request: AuthenticatedHttpRequest, pk: int, priority_pk: int | None = None
) -> HttpResponse:
    plan = _get_plan_for_user(request, pk, edit=True)
    priority = (
        get_object_or_404(plan.priorities, pk=priority_pk) if priority_pk else None
    )
    form = PriorityForm(_posted(request), instance=priority, plan=plan)
    if request.method == "POST" and form.is_valid():
        services.priority_save(
            plan=plan, user=request.user, priority=priority, **form.cleaned_data
        )
        messages.success(request, "Priority saved.")
        return redirect(plan)
    return _form_page(
        request, plan, form, "Change the priority" if priority else "Add a priority"
    )


@require_http_methods(["GET", "POST"])
def action_edit(
    request: AuthenticatedHttpRequest,
    pk: int,
    priority_pk: int,
    action_pk: int | None = None,
) -> HttpResponse:
    plan = _get_plan_for_user(request, pk, edit=True)
    priority = get_object_or_404(plan.priorities, pk=priority_pk)
    action = get_object_or_404(priority.actions, pk=action_pk) if action_pk else None
    form = ActionForm(_posted(request), instance=action, plan=plan)
    if request.method == "POST" and form.is_valid():
        services.action_save(
            priority=priority, user=request.user, action=action, **form.cleaned_data
        )
        messages.success(request, "Action saved.")
        return redirect(f"{plan.get_absolute_url()}#priority-{priority.pk}")
    title = "Change the action" if action else "Add an action"
    return _form_page(request, plan, form, title, priority)


@require_http_methods(["GET", "POST"])
def target_edit(
    request: AuthenticatedHttpRequest,
    pk: int,
    priority_pk: int,
    target_pk: int | None = None,
) -> HttpResponse:
    plan = _get_plan_for_user(request, pk, edit=True)
    priority = get_object_or_404(plan.priorities, pk=priority_pk)
    target = get_object_or_404(priority.targets, pk=target_pk) if target_pk else None
    points = list(plan.monitoring_points.all())
    form = TargetForm(_posted(request), instance=target, plan=plan, points=points)
    if request.method == "POST" and form.is_valid():
        services.target_save(
            priority=priority,
            user=request.user,
            target=target,
            actuals=form.actuals(),
            **form.model_fields(),
        )
        messages.success(request, "Target saved.")
        return redirect(f"{plan.get_absolute_url()}#priority-{priority.pk}")
    title = "Change the target" if target else "Add a target"
    return _form_page(request, plan, form, title, priority)


PART_MODELS: dict[str, type[Priority] | type[PlanAction] | type[Target]] = {
    "priority": Priority,
    "action": PlanAction,
    "target": Target,
}


@require_http_methods(["GET", "POST"])
def plan_part_delete(
    request: AuthenticatedHttpRequest, pk: int, kind: str, part_pk: int
) -> HttpResponse:
    plan = _get_plan_for_user(request, pk, edit=True)
    model = PART_MODELS.get(kind)
    if model is None:
        raise Http404("No such part of a plan")
    lookup = "plan" if kind == "priority" else "priority__plan"
    part: Any = get_object_or_404(model.objects.filter(**{lookup: plan}), pk=part_pk)
    if request.method == "POST":
        if kind == "priority":
            services.priority_delete(priority=part, user=request.user)
        elif kind == "action":
            services.action_delete(action=part, user=request.user)
        else:
            services.target_delete(target=part, user=request.user)
        messages.success(request, f"The {kind} was removed.")
        return redirect(plan)
    return render(
        request,
        "plans/plan_confirm_delete.html",
        {"plan": plan, "object": part, "title": f"Remove this {kind}?"},
    )


@require_http_methods(["GET", "POST"])
def update_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request, pk, edit=True)
    form = UpdateForm(_posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        services.update_add(plan=plan, user=request.user, **form.cleaned_data)
        messages.success(request, "Progress reported.")
        return redirect(f"{plan.get_absolute_url()}#monitoring")
    return _form_page(request, plan, form, "Report progress")


@require_http_methods(["GET", "POST"])
def plan_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request, pk, edit=True)
    if request.method == "POST":
        try:
            workflow.plan_transition(
                plan=plan, to_status=PlanStatus.SUBMITTED, user=request.user
            )
        except (workflow.TransitionRefused, workflow.TransitionLost) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                "The plan is submitted for approval. The partnership's LLSC "
                "officers have been told.",
            )
        return redirect(plan)
    return render(
        request,
        "plans/plan_submit.html",
        {
            "plan": plan,
            "can_submit": PlanStatus.SUBMITTED
            in workflow.allowed_steps(request.user, plan),
            **_workflow_context(request, plan),
        },
    )


@require_safe
def plan_queue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("plans.approve_plans"):
        raise PermissionDenied("The plans to approve are for LLSC officers.")
    return render(
        request,
        "plans/plan_queue.html",
        {"plans": list(selectors.plans_to_approve(user=request.user))},
    )


@require_http_methods(["GET", "POST"])
def plan_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan_for_user(request, pk)
    if not request.user.has_perm(APPROVE_PLAN, plan):
        raise PermissionDenied("The partnership's LLSC officers approve its plan.")
    decidable = plan.status in DECIDABLE
    form = ApprovalForm(
        _posted(request),
        decidable=decidable,
        # A decision starts blank; a comment alone changes the one standing.
        initial={
            "comment": "" if decidable else plan.officer_comment,
            "seen_status": plan.status,
        },
    )
    if request.method == "POST":
        if (
            not decidable
            and request.POST.get("decision") != COMMENT
            and request.POST.get("seen_status") in DECIDABLE
        ):
            # Opened while the plan waited, posted after a colleague decided.
            messages.error(
                request,
                "Someone else decided on this development plan while you were "
                f"reading it: it is now {plan.status_phrase}. "
                "Nothing you entered was saved.",
            )
            return redirect(plan)
        if form.is_valid():
            return _decide(request, plan, form)
    return render(
        request,
        "plans/plan_approve.html",
        {"plan": plan, "form": form, **_workflow_context(request, plan)},
    )


def _decide(
    request: AuthenticatedHttpRequest, plan: DevelopmentPlan, form: ApprovalForm
) -> HttpResponse:
    comment = form.cleaned_data["comment"].strip()
    decision = form.cleaned_data["decision"]
    if decision == COMMENT:
        services.plan_comment(plan=plan, user=request.user, comment=comment)
        messages.success(request, "Your comment is saved.")
        return redirect(plan)
    to_status = PlanStatus.APPROVED if decision == APPROVE else PlanStatus.RETURNED
    try:
        workflow.plan_transition(
            plan=plan, to_status=to_status, user=request.user, reason=comment
        )
    except (workflow.TransitionLost, workflow.TransitionRefused) as lost:
        messages.error(request, str(lost))
        return redirect(plan)
    if to_status == PlanStatus.APPROVED:
        messages.success(request, "The plan is approved. Its managers have been told.")
    else:
        messages.success(
            request,
            "The plan is returned for changes. Its managers have been told.",
        )
    return redirect("plans:queue")
