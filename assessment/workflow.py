"""The return's workflow. Every change of status goes through
``return_transition``, which checks the role, the scope and the current state,
records the step, and tells the people concerned."""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from partnerships.models import LearningPartnership, Role
from partnerships.users import AnyUser, User

from . import notifications
from .figures import return_figures_refresh
from .models import Answer, EmailKind, Return, ReturnStatus, Transition
from .selectors import returns_for_user

S = ReturnStatus
REVIEW = "assessment.review_return"


class Actor(Enum):
    MANAGER = "the partnership's managers"
    OFFICER = "the partnership's LLSC officers"


ALLOWED: dict[tuple[str, str], Actor] = {
    (S.DRAFT, S.SUBMITTED): Actor.MANAGER,
    (S.RETURNED, S.SUBMITTED): Actor.MANAGER,
    (S.SUBMITTED, S.IN_REVIEW): Actor.OFFICER,
    (S.SUBMITTED, S.RETURNED): Actor.OFFICER,
    (S.SUBMITTED, S.ACCEPTED): Actor.OFFICER,
    (S.IN_REVIEW, S.RETURNED): Actor.OFFICER,
    (S.IN_REVIEW, S.ACCEPTED): Actor.OFFICER,
}

VERBS = {
    S.SUBMITTED: "submitted",
    S.IN_REVIEW: "taken into review",
    S.RETURNED: "returned for revision",
    S.ACCEPTED: "accepted",
}


class TransitionRefused(Exception):
    """A step the workflow does not allow from the return's current state."""


class TransitionLost(Exception):
    """Someone else moved the return first; this step was not made."""


def _may_act(user: AnyUser, actor: Actor, return_record: Return) -> bool:
    perm = "assessment.change_return" if actor is Actor.MANAGER else REVIEW
    return bool(user.has_perm(perm, return_record))


def allowed_steps(user: AnyUser, return_record: Return) -> list[str]:
    """The statuses this user may move the return to now."""
    return [
        to
        for (frm, to), actor in ALLOWED.items()
        if frm == return_record.status and _may_act(user, actor, return_record)
    ]


def answers_snapshot(return_record: Return) -> dict[str, dict[str, Any]]:
    """The answers as they stand, by indicator code, for comparing submissions."""
    return {
        answer.indicator.code: {
            "score": answer.score,
            "evidence": answer.evidence,
            "barriers": answer.barriers,
            "planned_action": answer.planned_action,
        }
        for answer in Answer.objects.filter(return_record=return_record).select_related(
            "indicator"
        )
    }


@transaction.atomic
def return_transition(
    *, return_record: Return, to_status: str, user: User, reason: str = ""
) -> Transition:
    """Move a return to another status, if the user's role, scope and the
    return's state allow it; exactly one of two simultaneous steps wins."""
    if not returns_for_user(user).filter(pk=return_record.pk).exists():
        raise PermissionDenied("This return is outside your area.")
    from_status = return_record.status
    actor = ALLOWED.get((from_status, to_status))
    if actor is None:
        raise TransitionRefused(
            f"A return that is {return_record.get_status_display().lower()} cannot be "
            f"{VERBS.get(S(to_status), to_status)}."
        )
    if not _may_act(user, actor, return_record):
        raise PermissionDenied(f"Only {actor.value} can do this.")
    if to_status == S.RETURNED and not reason.strip():
        raise ValidationError(
            {"reason": "Give the reasons for returning the self-assessment"}
        )
    now = timezone.now()
    changes: dict[str, Any] = {"status": to_status}
    if to_status == S.SUBMITTED:
        changes.update(submitted_at=now, submitted_by=user)
    # Only the first of two simultaneous steps finds the status it started from.
    moved = Return.objects.filter(pk=return_record.pk, status=from_status).update(
        **changes
    )
    if not moved:
        current = Return.objects.get(pk=return_record.pk)
        raise TransitionLost(
            "Someone else changed this return while you were working on it: it is now "
            f"{current.get_status_display().lower()}. Nothing you entered was saved."
        )
    for name, value in changes.items():
        setattr(return_record, name, value)
    # Only a draft's first submission (or a step back to draft) changes which
    # returns the figures count; the other steps leave them as they are.
    if S.DRAFT in (from_status, to_status):
        return_figures_refresh(return_record=return_record)
    step = Transition.objects.create(
        return_record=return_record,
        from_status=from_status,
        to_status=to_status,
        by=user,
        at=now,
        reason=reason.strip(),
        snapshot=answers_snapshot(return_record) if to_status == S.SUBMITTED else None,
    )
    _tell(return_record, step)
    return step


def _tell(return_record: Return, step: Transition) -> None:
    partnership = return_record.partnership
    name = f"{partnership.name} {return_record.period.code}"
    if step.to_status == S.SUBMITTED:
        users = llsc_officers_of(partnership)
        message = f"The self-assessment of {name} was submitted and is ready to review."
        url = reverse("assessment:review", args=[return_record.pk])
    elif step.to_status in (S.IN_REVIEW, S.RETURNED, S.ACCEPTED):
        users = list(partnership.managers.filter(is_active=True))
        message = f"The self-assessment of {name} was {VERBS[S(step.to_status)]}."
        if step.reason:
            message += f" Reasons: {step.reason}"
        url = reverse("assessment:tasks", args=[return_record.pk])
    else:
        return
    # Each step its own subject (the kind's label), with the partnership and period.
    kind = EmailKind(step.to_status)
    subject = f"{kind.label}: {name}"
    notify(users, message[:300], url, kind=kind, subject=subject)


def llsc_officers_of(partnership: LearningPartnership) -> list[User]:
    """Active LLSC officers of the partnership's local LSCs."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            profile__role=Role.LLSC_OFFICER,
            profile__llsc__relationships__partnership=partnership,
        )
        .distinct()
    )


def notify(
    users: list[User],
    message: str,
    url: str,
    *,
    kind: str = EmailKind.OTHER,
    subject: str | None = None,
) -> None:
    """An in-service notification and an email to each user; the emails are
    sent by a background task once the transaction commits, with ``subject``
    (or the message's first sentence) as their subject."""
    notifications.notify(users, message, url, kind=kind, subject=subject)
