"""What a period's code, dates and submission deadline must be, in one place:
the question pages show these messages on their fields, and the services ask
the same checks again before they write."""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils import timezone

from .models import PERIOD_CODE, Period

# A deadline may fall this many months after the period ends at the latest:
# returns look back on a whole year, so they are often due a few weeks after
# it, but not in the middle of the next one.
DEADLINE_MONTHS_AFTER_END = 6
# The years a period may start in: dates beyond them cannot be written (a
# period of 9999-00 would end in the year 10000).
FIRST_YEARS = (1900, 2098)


def long_date(day: datetime.date) -> str:
    """A date as GOV.UK writes it: 1 April 2027."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_year(code: str) -> int:
    """The year a well-formed code starts in: 2027 for 2027-28."""
    return int(code[:4])


def next_code(code: str) -> str:
    """The code of the year after: 2027-28 after 2026-27."""
    year = first_year(code) + 1
    return f"{year}-{(year + 1) % 100:02d}"


def code_for(day: datetime.date) -> str:
    """The financial year (April to March) a day falls in."""
    year = day.year if day.month >= 4 else day.year - 1
    return f"{year}-{(year + 1) % 100:02d}"


def check_code(code: str) -> str:
    """A new period's code: two consecutive years, written YYYY-YY, not taken."""
    match = PERIOD_CODE.match(code)
    if not match:
        raise ValidationError(
            "Enter the period as the two years it spans, like 2027-28",
            code="format",
        )
    year = int(match.group(1))
    if not FIRST_YEARS[0] <= year <= FIRST_YEARS[1]:
        raise ValidationError(
            f"Enter a period from {FIRST_YEARS[0]}-{(FIRST_YEARS[0] + 1) % 100:02d} "
            f"to {FIRST_YEARS[1]}-{(FIRST_YEARS[1] + 1) % 100:02d}",
            code="range",
        )
    if (year + 1) % 100 != int(match.group(2)):
        raise ValidationError(
            "The second year must be the year after the first, like "
            f"{year}-{(year + 1) % 100:02d}",
            code="consecutive",
        )
    if Period.objects.filter(code=code).exists():
        raise ValidationError(f"{code} is already open", code="unique")
    return code


def check_dates(
    *,
    code: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    period: Period | None = None,
) -> dict[str, str]:
    """Problems with a period's start and end dates, by field: the end after
    the start, the start in the code's first year and the end in its second,
    and no overlap with another period (``period`` itself left out)."""
    problems: dict[str, str] = {}
    year = first_year(code)
    if starts_on.year != year:
        problems["starts_on"] = f"{code} must start in {year}"
    if ends_on <= starts_on:
        problems["ends_on"] = "The end date must be after the start date"
    elif ends_on.year != year + 1:
        problems["ends_on"] = f"{code} must end in {year + 1}"
    if problems:
        return problems
    others = Period.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
    if period is not None:
        others = others.exclude(pk=period.pk)
    overlapping = others.order_by("starts_on").first()
    if overlapping is not None:
        problems["starts_on"] = (
            f"The dates overlap {overlapping.code}, which runs from "
            f"{long_date(overlapping.starts_on)} to {long_date(overlapping.ends_on)}"
        )
    return problems


def deadline_latest(ends_on: datetime.date) -> datetime.date:
    """The latest submission deadline a period ending on ``ends_on`` may have."""
    return months_after(ends_on, DEADLINE_MONTHS_AFTER_END)


def check_deadline(
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    deadline: datetime.date,
    period: Period | None = None,
) -> None:
    """A submission deadline: from the period's start to six months after its
    end, and, for a period already open, not before a return already
    submitted for it, which would make that return late after the event."""
    if deadline < starts_on:
        raise ValidationError(
            f"The deadline must be on or after the start of the period, "
            f"{long_date(starts_on)}",
            code="before_start",
        )
    latest = deadline_latest(ends_on)
    if deadline > latest:
        raise ValidationError(
            f"The deadline must be no later than {long_date(latest)}, "
            f"{DEADLINE_MONTHS_AFTER_END} months after the period ends",
            code="too_late",
        )
    if period is None:
        return
    last_submitted = last_submission_day(period)
    if last_submitted is not None and deadline < last_submitted:
        raise ValidationError(
            f"The deadline must be on or after {long_date(last_submitted)}: "
            "a return for the period was submitted that day, and an earlier "
            "deadline would make it late",
            code="before_submission",
        )


def last_submission_day(period: Period) -> datetime.date | None:
    """The day the period's latest submitted return was submitted, in the
    service's time zone. Returns belong to the layer above, reached by their
    relation's name."""
    latest = Period.objects.filter(pk=period.pk).aggregate(
        latest=Max(
            "returns__submitted_at", filter=Q(returns__submitted_at__isnull=False)
        )
    )["latest"]
    return timezone.localdate(latest) if latest is not None else None
