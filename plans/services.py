"""Writes to development plans. A change to the priorities, actions or
targets of an approved plan moves it to "changed since approval" (see
plans.workflow); progress reported during the year does not."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from assessment.models import Return
from partnerships.rules import check_perm
from partnerships.users import User

from .models import (
    DevelopmentPlan,
    MonitoringPoint,
    PlanAction,
    PlanStatus,
    Priority,
    ProgressUpdate,
    Target,
    TargetValue,
)
from .selectors import plan_priorities, plan_suggestions
from .snapshots import plan_snapshot
from .workflow import plan_change_recorded

APPROVE = "plans.approve_plan"
APPROVERS_ONLY = "The partnership's LLSC officers approve its plan."

# Three monitoring points a year by default: end of July, November and March.
DEFAULT_POINTS = ((7, 31), (11, 30), (3, 31))


@transaction.atomic
def plan_create(*, return_record: Return, user: User) -> DevelopmentPlan:
    """The partnership's plan for the return's period, started from the return,
    with three monitoring points; an existing plan is returned as it is."""
    check_perm(
        user,
        "plans.start_plan",
        return_record,
        message="Only the partnership's managers start its plan.",
    )
    existing = DevelopmentPlan.objects.filter(
        partnership_id=return_record.partnership_id, period_id=return_record.period_id
    ).first()
    if existing is not None:
        return existing
    plan = DevelopmentPlan.objects.create(
        partnership_id=return_record.partnership_id,
        period_id=return_record.period_id,
        source_return=return_record,
    )
    start = return_record.period.starts_on.year
    for number, (month, day) in enumerate(DEFAULT_POINTS, start=1):
        year = start if month >= 4 else start + 1
        MonitoringPoint.objects.create(
            plan=plan,
            label=f"Monitoring point {number}",
            due_on=datetime.date(year, month, day),
        )
    return plan


def _check_change(user: User, plan: DevelopmentPlan) -> None:
    check_perm(
        user,
        "plans.change_plan",
        plan,
        message="Only the partnership's managers change its plan.",
    )


def _touch(plan: DevelopmentPlan) -> None:
    DevelopmentPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())


def _keep_approved_copy(plan: DevelopmentPlan) -> None:
    """Before a change: a plan approved before approvals kept a copy of its
    content gets one now, while it still is what was approved."""
    if plan.status == PlanStatus.APPROVED and plan.approved_snapshot is None:
        plan.approved_snapshot = plan_snapshot(plan_priorities(plan=plan))
        DevelopmentPlan.objects.filter(pk=plan.pk).update(
            approved_snapshot=plan.approved_snapshot
        )


def _content_changed(plan: DevelopmentPlan, user: User) -> None:
    _touch(plan)
    plan_change_recorded(plan=plan, user=user)


def _save(
    instance: models.Model, fields: dict[str, Any], plan: DevelopmentPlan, user: User
) -> Any:
    _keep_approved_copy(plan)
    many = {k: v for k, v in fields.items() if k == "indicators"}
    for name, value in fields.items():
        if name not in many:
            setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    for name, value in many.items():
        getattr(instance, name).set(value)
    _content_changed(plan, user)
    return instance


@transaction.atomic
def priority_save(
    *,
    plan: DevelopmentPlan,
    user: User,
    priority: Priority | None = None,
    **fields: Any,
) -> Priority:
    """Add a priority to the plan, or change one."""
    _check_change(user, plan)
    if priority is None:
        last = plan.priorities.aggregate(models.Max("order"))["order__max"] or 0
        priority = Priority(plan=plan, order=last + 1)
    return _save(priority, fields, plan, user)


@transaction.atomic
def suggestion_accept(
    *, plan: DevelopmentPlan, user: User, code: str
) -> Priority | None:
    """Make a suggested priority real, with the indicator's barriers and planned
    action as its description. None if the suggestion no longer stands."""
    _check_change(user, plan)
    suggestion = next((s for s in plan_suggestions(plan=plan) if s.code == code), None)
    if suggestion is None:
        return None
    answer = suggestion.answer
    description = "\n\n".join(
        part
        for part in (
            ""
            if suggestion.title_is_whole
            else f"Indicator {suggestion.code}: {answer.indicator.statement}",
            f"Barriers recorded: {answer.barriers}" if answer.barriers else "",
            f"Planned action: {answer.planned_action}" if answer.planned_action else "",
        )
        if part
    )
    return priority_save(
        plan=plan,
        user=user,
        title=suggestion.title[:200],
        description=description,
        dimension=answer.indicator.dimension,
        indicators=[answer.indicator],
    )


@transaction.atomic
def suggestion_dismiss(*, plan: DevelopmentPlan, user: User, code: str) -> bool:
    """Stop suggesting an indicator for this plan. False, and nothing kept,
    when the code is not a suggestion now: only codes the plan suggests are
    stored, never whatever was posted."""
    _check_change(user, plan)
    if code not in {suggestion.code for suggestion in plan_suggestions(plan=plan)}:
        return False
    plan.dismissed_suggestions = [*plan.dismissed_suggestions, code]
    plan.save(update_fields=["dismissed_suggestions", "updated_at"])
    return True


@transaction.atomic
def priority_delete(*, priority: Priority, user: User) -> None:
    """Remove a priority with its actions and targets."""
    plan = priority.plan
    _check_change(user, plan)
    _keep_approved_copy(plan)
    priority.delete()
    _content_changed(plan, user)


@transaction.atomic
def action_save(
    *,
    priority: Priority,
    user: User,
    action: PlanAction | None = None,
    **fields: Any,
) -> PlanAction:
    """Add an action to a priority, or change one."""
    _check_change(user, priority.plan)
    return _save(action or PlanAction(priority=priority), fields, priority.plan, user)


@transaction.atomic
def action_delete(*, action: PlanAction, user: User) -> None:
    """Remove an action."""
    plan = action.priority.plan
    _check_change(user, plan)
    _keep_approved_copy(plan)
    action.delete()
    _content_changed(plan, user)


@transaction.atomic
def target_save(
    *,
    priority: Priority,
    user: User,
    target: Target | None = None,
    actuals: dict[int, Decimal | None],
    **fields: Any,
) -> Target:
    """Add or change a target and its actual value at each monitoring point."""
    _check_change(user, priority.plan)
    target = _save(target or Target(priority=priority), fields, priority.plan, user)
    for point_id, actual in actuals.items():
        if actual is None:
            TargetValue.objects.filter(target=target, point_id=point_id).delete()
        else:
            TargetValue.objects.update_or_create(
                target=target, point_id=point_id, defaults={"actual": actual}
            )
    return target


@transaction.atomic
def target_delete(*, target: Target, user: User) -> None:
    """Remove a target with its actual values."""
    plan = target.priority.plan
    _check_change(user, plan)
    _keep_approved_copy(plan)
    target.delete()
    _content_changed(plan, user)


@transaction.atomic
def update_add(
    *,
    plan: DevelopmentPlan,
    point: MonitoringPoint,
    status: str,
    narrative: str,
    soft_outcomes: list[str],
    user: User,
) -> ProgressUpdate:
    """Report progress at a monitoring point."""
    _check_change(user, plan)
    update = ProgressUpdate(
        plan=plan,
        point=point,
        status=status,
        narrative=narrative,
        soft_outcomes=soft_outcomes,
        created_by=user,
    )
    update.full_clean()
    update.save()
    _touch(plan)
    return update


@transaction.atomic
def plan_comment(*, plan: DevelopmentPlan, user: User, comment: str) -> DevelopmentPlan:
    """The LLSC officer's comment, at any status, without a decision (approving
    and returning are steps of plans.workflow)."""
    check_perm(user, APPROVE, plan, message=APPROVERS_ONLY)
    plan.officer_comment = comment
    plan.save(update_fields=["officer_comment"])
    return plan
