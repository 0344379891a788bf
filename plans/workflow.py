"""The development plan's approval workflow. Every change of status goes
through ``plan_transition``, which checks the role, the scope and the current
state, records the step, and tells the people concerned.

A draft is submitted for approval by the partnership's managers; its LLSC
officers approve it or return it with their reasons for changes; a returned
plan is submitted again. A change to what an approved plan commits the
partnership to (its priorities, actions and targets) moves it to "changed
since approval", back in the officers' queue."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assessment.models import EmailKind
from assessment.workflow import (
    Actor,
    TransitionLost,
    TransitionRefused,
    llsc_officers_of,
    notify,
)
from partnerships.users import AnyUser, User

from .models import DevelopmentPlan, PlanStatus, PlanTransition
from .selectors import plan_changes_since_approval, plan_priorities, plans_for_user
from .snapshots import plan_snapshot

__all__ = [
    "ALLOWED",
    "TransitionLost",
    "TransitionRefused",
    "allowed_steps",
    "plan_change_recorded",
    "plan_transition",
]

S = PlanStatus
CHANGE = "plans.change_plan"
APPROVE = "plans.approve_plan"


ALLOWED: dict[tuple[str, str], Actor] = {
    (S.DRAFT, S.SUBMITTED): Actor.MANAGER,
    (S.RETURNED, S.SUBMITTED): Actor.MANAGER,
    # Made by the change itself, not asked for (see plan_change_recorded).
    (S.APPROVED, S.CHANGED): Actor.MANAGER,
    (S.SUBMITTED, S.APPROVED): Actor.OFFICER,
    (S.SUBMITTED, S.RETURNED): Actor.OFFICER,
    (S.CHANGED, S.APPROVED): Actor.OFFICER,
    (S.CHANGED, S.RETURNED): Actor.OFFICER,
}

VERBS = {
    S.SUBMITTED: "submitted for approval",
    S.RETURNED: "returned for changes",
    S.APPROVED: "approved",
    S.CHANGED: "changed since approval",
}


def _may_act(user: AnyUser, actor: Actor, plan: DevelopmentPlan) -> bool:
    return bool(user.has_perm(CHANGE if actor is Actor.MANAGER else APPROVE, plan))


def allowed_steps(user: AnyUser, plan: DevelopmentPlan) -> list[str]:
    """The statuses this user may move the plan to now (the change since
    approval left out: nobody asks for it)."""
    return [
        to
        for (frm, to), actor in ALLOWED.items()
        if frm == plan.status and to != S.CHANGED and _may_act(user, actor, plan)
    ]


@transaction.atomic
def plan_transition(
    *, plan: DevelopmentPlan, to_status: str, user: User, reason: str = ""
) -> PlanTransition:
    """Move a plan to another status, if the user's role, scope and the plan's
    state allow it; exactly one of two simultaneous steps wins. An approval
    keeps the officer's comment and a copy of the plan's content; a return
    needs the reasons for changes."""
    if not plans_for_user(user).filter(pk=plan.pk).exists():
        raise PermissionDenied("This development plan is outside your area.")
    from_status = plan.status
    actor = ALLOWED.get((from_status, to_status))
    if actor is None:
        raise TransitionRefused(
            f"A development plan that is {plan.status_phrase} "
            f"cannot be {VERBS.get(S(to_status), to_status)}."
        )
    if not _may_act(user, actor, plan):
        raise PermissionDenied(f"Only {actor.value} can do this.")
    reason = reason.strip()
    if to_status == S.RETURNED and not reason:
        raise ValidationError(
            {"comment": "Enter the changes the plan needs before it is approved"}
        )
    now = timezone.now()
    # Only the first of two simultaneous steps finds the status it started from.
    moved = DevelopmentPlan.objects.filter(pk=plan.pk, status=from_status).update(
        status=to_status
    )
    if not moved:
        current = DevelopmentPlan.objects.get(pk=plan.pk)
        raise TransitionLost(
            "Someone else changed this development plan while you were working on "
            f"it: it is now {current.status_phrase}. Nothing you "
            "entered was saved."
        )
    changes: dict[str, Any] = {"status": to_status}
    if to_status == S.APPROVED:
        changes.update(
            approved_at=now,
            approved_by=user,
            officer_comment=reason,
            approved_snapshot=plan_snapshot(plan_priorities(plan=plan)),
        )
    for name, value in changes.items():
        setattr(plan, name, value)
    # Saved once more through the model, so that the plan's history has it.
    plan.save(update_fields=[*changes, "updated_at"])
    step = PlanTransition.objects.create(
        plan=plan,
        from_status=from_status,
        to_status=to_status,
        by=user,
        at=now,
        reason=reason,
    )
    _tell(plan, step, user)
    return step


@transaction.atomic
def plan_change_recorded(*, plan: DevelopmentPlan, user: User) -> bool:
    """After a change to the plan's priorities, actions or targets: an
    approved plan whose content now differs from what was approved moves to
    "changed since approval". True if it did."""
    current = DevelopmentPlan.objects.get(pk=plan.pk)
    if current.status != S.APPROVED:
        return False
    if not plan_changes_since_approval(plan=current):
        return False  # progress only, or a change undone
    try:
        plan_transition(plan=current, to_status=S.CHANGED, user=user)
    except TransitionLost:
        return False  # moved meanwhile by another step, which stands
    plan.status = current.status
    return True


def _tell(plan: DevelopmentPlan, step: PlanTransition, user: User) -> None:
    partnership = plan.partnership
    name = f"The development plan of {partnership.name} {plan.period.code}"
    review = reverse("plans:approve", args=[plan.pk])
    if step.to_status == S.SUBMITTED:
        users = llsc_officers_of(partnership)
        again = " again" if step.from_status == S.RETURNED else ""
        message = f"{name} was submitted{again} and is ready for your approval."
        url = review
    elif step.to_status == S.CHANGED:
        users = llsc_officers_of(partnership)
        who = user.get_full_name() or user.get_username()
        message = (
            f"{name} was changed since its approval (by {who}) and waits for "
            "your approval again."
        )
        url = review
    else:
        users = list(partnership.managers.filter(is_active=True))
        message = f"{name} was {VERBS[S(step.to_status)]} by the LLSC."
        if step.reason:
            label = "Reasons" if step.to_status == S.RETURNED else "Comment"
            message += f" {label}: {step.reason}"
        url = plan.get_absolute_url()
    # Each step its own subject, with the partnership and period.
    kind = {
        S.SUBMITTED: EmailKind.PLAN_TO_APPROVE,
        S.CHANGED: EmailKind.PLAN_TO_APPROVE,
        S.APPROVED: EmailKind.PLAN_APPROVED,
        S.RETURNED: EmailKind.PLAN_RETURNED,
    }.get(S(step.to_status), EmailKind.OTHER)
    subject = f"{kind.label}: {partnership.name} {plan.period.code}"
    notify(users, message[:300], url, kind=kind, subject=subject)
