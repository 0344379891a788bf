"""What the home page shows of self-assessments: where each of a manager's
partnerships stands, the returns waiting for or overdue to others, and the
year's progress across a region or England."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from indicators.models import Period
from partnerships.models import LearningPartnership
from partnerships.users import AnyUser

from .models import Return
from .progress import Progress, current_period, progress_for_user
from .review_notices import ReturnedNotice, returned_notices
from .selectors import returns_for_user


@dataclass
class ManagedPartnership:
    """Where a manager's partnership stands: its newest return, any older return
    still to finish, that period's development plan, the newer periods it
    can start, and why any of its returns came back for changes."""

    partnership: LearningPartnership
    latest: Return | None = None
    also_open: list[Return] = field(default_factory=list)
    plan: Any = None
    to_start: list[Period] = field(default_factory=list)
    returned: list[ReturnedNotice] = field(default_factory=list)


def managed_partnerships(
    *, partnerships: list[LearningPartnership]
) -> list[ManagedPartnership]:
    """For the manager's home page, in three queries whatever the number of
    partnerships and years, and a fourth when a return is returned for
    revision (who returned it and why)."""
    ids = [p.pk for p in partnerships]
    items = {p.pk: ManagedPartnership(partnership=p) for p in partnerships}
    for return_record in (
        Return.objects.filter(partnership_id__in=ids)
        .select_related("period")
        .order_by("partnership_id", "-period__starts_on")
    ):
        item = items[return_record.partnership_id]
        # The partnership is already read: its name shows without a query.
        return_record.partnership = item.partnership
        if item.latest is None:
            item.latest = return_record
        elif return_record.is_editable:
            item.also_open.append(return_record)
    latest_periods = {
        (item.partnership.pk, item.latest.period_id)
        for item in items.values()
        if item.latest is not None
    }
    # Plans live in the layer above, reached through the reverse relation.
    plan_model: Any = LearningPartnership.plans.field.model
    plans = plan_model._default_manager
    for plan in plans.filter(partnership_id__in=ids).select_related("period"):
        if (plan.partnership_id, plan.period_id) in latest_periods:
            items[plan.partnership_id].plan = plan
    # Periods with a published framework, oldest first; a partnership is offered
    # the ones after its newest return.
    open_periods = list(
        Period.objects.filter(frameworks__status="published")
        .distinct()
        .order_by("starts_on")
    )
    for item in items.values():
        newest = item.latest.period.starts_on if item.latest else None
        item.to_start = [
            p for p in open_periods if newest is None or p.starts_on > newest
        ]
    shown = [r for item in items.values() for r in [item.latest, *item.also_open] if r]
    for notice in returned_notices(returns=shown):
        items[notice.return_record.partnership_id].returned.append(notice)
    return list(items.values())


@dataclass
class HomeSummary:
    unread_notifications: int
    waiting_for_review: int
    overdue: list[Return]


def home_summary(*, user: AnyUser, today: datetime.date | None = None) -> HomeSummary:
    """What the home page tells a user about returns: unread notifications,
    returns waiting for their review and overdue returns."""
    today = today or timezone.localdate()
    returns = returns_for_user(user).select_related("partnership", "period")
    waiting = 0
    if user.has_perm("assessment.review_returns"):
        waiting = returns.filter(status__in=["submitted", "in_review"]).count()
    overdue: list[Return] = []
    if user.has_perm("assessment.follow_returns"):
        overdue = list(
            returns.filter(
                status__in=["draft", "returned"], period__submission_deadline__lt=today
            ).order_by("period__submission_deadline", "partnership__name")[:20]
        )
    unread = (
        user.notifications.filter(read_at__isnull=True).count()
        if user.is_authenticated
        else 0
    )
    return HomeSummary(unread, waiting, overdue)


def home_progress(
    *, user: AnyUser, today: datetime.date | None = None
) -> Progress | None:
    """For GO officers and national administrators: the current period's
    returns in their scope counted by status, overdue ones too (one query
    after the period's). None for others, or when there is no period."""
    if not user.has_perm("assessment.follow_progress"):
        return None
    period = current_period(today=today)
    if period is None:
        return None
    return progress_for_user(user=user, period=period, today=today)
