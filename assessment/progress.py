"""How far the year has got: each partnership's return for a period by status
(not started counted too), and which are overdue: not submitted, whether not
started, a draft or returned for revision, once the period's submission
deadline has passed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from indicators.models import FrameworkStatus, Period
from partnerships.models import LearningPartnership, Region
from partnerships.selectors import partnerships_for_user
from partnerships.users import AnyUser

from .models import EDITABLE_STATUSES, Return, ReturnStatus

# The status of a partnership with no return for the period (the regional
# view's filter uses the same word).
NOT_STARTED = "not_started"
# Every status a partnership's return can be in for a period, in the order
# of the year.
PROGRESS_STATUSES: list[tuple[str, str]] = [
    (NOT_STARTED, "Not started"),
    *((status.value, str(status.label)) for status in ReturnStatus),
]
UNSUBMITTED = (NOT_STARTED, *EDITABLE_STATUSES)


def current_period(*, today: datetime.date | None = None) -> Period | None:
    """The period the year is about: the newest one with a published
    framework that has begun, else the newest with a published framework,
    else the newest; None when there is no period at all."""
    today = today or timezone.localdate()
    published = Period.objects.filter(
        frameworks__status=FrameworkStatus.PUBLISHED
    ).order_by("-starts_on")
    return (
        published.filter(starts_on__lte=today).first()
        or published.first()
        or Period.objects.order_by("-starts_on").first()
    )


def is_past_deadline(period: Period, today: datetime.date) -> bool:
    """Whether a return not submitted for the period is overdue today."""
    deadline = period.submission_deadline
    return deadline is not None and today > deadline


def partnerships_with_status(
    partnerships: QuerySet[LearningPartnership], *, period: Period
) -> QuerySet[LearningPartnership]:
    """The partnerships, each annotated with ``return_status`` and
    ``return_pk``: its return's for the period, or None when it has not
    started one."""
    returns = Return.objects.filter(partnership=OuterRef("pk"), period=period)
    return partnerships.annotate(
        return_status=Subquery(returns.values("status")[:1]),
        return_pk=Subquery(returns.values("pk")[:1]),
    )


@dataclass
class StatusCounts:
    """How many partnerships stand at each status, and how many are overdue."""

    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((s for s, _ in PROGRESS_STATUSES), 0)
    )
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def items(self) -> list[tuple[str, str, int]]:
        """(status, label, count) in the order of the year."""
        return [(s, label, self.counts[s]) for s, label in PROGRESS_STATUSES]

    def add(self, status: str, *, overdue: bool) -> None:
        self.counts[status] += 1
        self.overdue += overdue


@dataclass
class RegionProgress:
    region: Region
    counts: StatusCounts


@dataclass
class Progress:
    """A period's progress across the partnerships a user sees: in all, and
    per region."""

    period: Period
    overdue_possible: bool
    totals: StatusCounts
    regions: list[RegionProgress]


def progress_for_user(
    *, user: AnyUser, period: Period, today: datetime.date | None = None
) -> Progress:
    """The period's returns of the active partnerships in the user's scope,
    counted by status, overall and per region: one query."""
    today = today or timezone.localdate()
    late = is_past_deadline(period, today)
    totals = StatusCounts()
    regions: dict[int, RegionProgress] = {}
    rows = partnerships_with_status(
        partnerships_for_user(user).filter(is_active=True), period=period
    ).select_related("region")
    for partnership in rows.order_by("region__name", "pk"):
        status = partnership.return_status or NOT_STARTED  # type: ignore[attr-defined]
        overdue = late and status in UNSUBMITTED
        totals.add(status, overdue=overdue)
        region = regions.setdefault(
            partnership.region_id,
            RegionProgress(partnership.region, StatusCounts()),
        )
        region.counts.add(status, overdue=overdue)
    return Progress(
        period, period.submission_deadline is not None, totals, list(regions.values())
    )


@dataclass
class LatePartnership:
    """A partnership that has not submitted its return for the period."""

    partnership: LearningPartnership
    status: str
    status_label: str
    overdue: bool
    return_record_id: int | None = None


def unsubmitted_partnerships(
    *,
    partnerships: QuerySet[LearningPartnership],
    period: Period,
    today: datetime.date | None = None,
    overdue_only: bool = False,
) -> list[LatePartnership]:
    """Of the given partnerships, the active ones whose return for the period
    is not started, a draft or returned for revision, by name, each saying
    whether it is overdue: one query (and one for any prefetch the caller
    adds)."""
    today = today or timezone.localdate()
    late = is_past_deadline(period, today)
    if overdue_only and not late:
        return []
    labels = dict(PROGRESS_STATUSES)
    rows = []
    annotated = partnerships_with_status(
        partnerships.filter(is_active=True), period=period
    ).select_related("region")
    for partnership in annotated.order_by("name", "pk"):
        status = partnership.return_status or NOT_STARTED  # type: ignore[attr-defined]
        if status not in UNSUBMITTED:
            continue
        rows.append(
            LatePartnership(
                partnership,
                status,
                labels[status],
                late,
                partnership.return_pk,  # type: ignore[attr-defined]
            )
        )
    return rows


def overdue_for_user(
    *, user: AnyUser, period: Period | None, today: datetime.date | None = None
) -> tuple[Period | None, list[LatePartnership]]:
    """The period asked for (the current one when None) and the partnerships
    in the user's scope overdue for it: not submitted after the deadline,
    started or not."""
    period = period or current_period(today=today)
    if period is None:
        return None, []
    return period, unsubmitted_partnerships(
        partnerships=partnerships_for_user(user),
        period=period,
        today=today,
        overdue_only=True,
    )
