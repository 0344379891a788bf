"""The demo's years, dated around the day the demo is loaded: the financial
year that contains today is open, its submission deadline a few weeks ahead,
and the two years before it are history. The next year does not exist, so the
administrator has one to open.

Every moment the demo writes comes from ``Clock.at``: before now, and never
before the start of the period it belongs to."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass

from django.db.models import ProtectedError
from django.utils import timezone

from indicators.models import Framework, Period, period_dates

# How far ahead of today the open year's submission deadline falls.
DEADLINE_AHEAD = datetime.timedelta(weeks=4)
HISTORY_YEARS = 2
# The reference framework's own years: dropped from the demo while nothing
# refers to them, so that only the demo's years are listed.
REFERENCE_YEARS = ("2002-03", "2003-04")


def year_code(day: datetime.date) -> str:
    """The financial year (April to March) that contains the day, like 2026-27."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def shift_years(day: datetime.date, years: int) -> datetime.date:
    """The same day some years earlier or later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Clock:
    """Now, as the demo is loaded, and the moments of its story."""

    now: datetime.datetime

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def at(
        self, period: Period, *, days: float, hour: int = 10, base: str = "deadline"
    ) -> datetime.datetime:
        """``hour`` o'clock ``days`` after the period's deadline
        (``base="deadline"``) or after today (``base="now"``), kept between the
        start of the period and now."""
        day = self.today if base == "now" else period.submission_deadline
        moment = timezone.make_aware(
            datetime.datetime.combine(day or period.ends_on, datetime.time(hour))
        ) + datetime.timedelta(days=days)
        earliest = timezone.make_aware(
            datetime.datetime.combine(period.starts_on, datetime.time(9))
        )
        return min(self.now, max(earliest, moment))


def load_demo_periods(
    *,
    framework: Framework,
    today: datetime.date,
    collaboration: Framework | None = None,
) -> list[Period]:
    """The demo's years, oldest first (the open one last), each under the
    framework, and the open one under the collaboration framework too; a year
    that exists keeps its dates, so loading again changes nothing."""
    open_deadline = today + DEADLINE_AHEAD
    periods = []
    for back in range(HISTORY_YEARS, -1, -1):
        code = year_code(shift_years(today, -back))
        starts_on, ends_on = period_dates(code)
        period, _ = Period.objects.get_or_create(
            code=code,
            defaults={
                "starts_on": starts_on,
                "ends_on": ends_on,
                "submission_deadline": shift_years(open_deadline, -back),
            },
        )
        periods.append(period)
    framework.periods.add(*periods)
    if collaboration is not None:
        # The open year is the first to assess both roles.
        collaboration.periods.add(periods[-1])
    for period in Period.objects.filter(code__in=REFERENCE_YEARS):
        # A database with returns for them keeps them.
        with contextlib.suppress(ProtectedError):
            period.delete()
    return periods
