"""The answers of opening a period, kept in the session between its question
pages: nothing is written to the database until the administrator confirms
on the check page, so a flow left half way leaves nothing behind.

Each page's answer is kept as it was posted and checked again, in order,
whenever the flow is read: an answer that an earlier change made wrong (dates
that no longer fit a changed code) sends the administrator back to it, while
the answers after it are kept for when it is put right."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django import forms
from django.contrib.sessions.backends.base import SessionBase
from django.http import QueryDict

from . import period_checks, selectors
from .models import PERIOD_CODE, Framework, FrameworkUse, Period, period_dates
from .period_forms import (
    PeriodCodeForm,
    PeriodDatesForm,
    PeriodDeadlineForm,
    PeriodFrameworkForm,
)

T = TypeVar("T")

SESSION_KEY = "indicators.open_period"
CHANGE_SESSION_KEY = "indicators.change_period"
STEPS = ("code", "dates", "deadline", "framework")


@dataclass
class Opening:
    """What is known so far of the period being opened."""

    suggested: str
    base: Framework | None
    stored: dict[str, dict[str, str]]
    code: str | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    submission_deadline: datetime.date | None = None
    framework_use: FrameworkUse | None = None
    # The first page without a good answer; None once every page has one.
    first_missing: str | None = None
    # The other roles' frameworks the latest period runs, which the new one
    # keeps as they are (see services.period_open).
    other_roles: list[Framework] = field(default_factory=list)

    @property
    def copy_version(self) -> int | None:
        """The version number a copy of the base framework would take."""
        if self.base is None:
            return None
        latest = (
            Framework.objects.filter(name=self.base.name)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        return (latest or self.base.version) + 1

    def reaches(self, step: str) -> bool:
        """Whether every page before ``step`` has its answer."""
        return self.first_missing is None or STEPS.index(step) <= STEPS.index(
            self.first_missing
        )


def known(value: T | None) -> T:
    """An answer of an earlier page, which ``read`` has made sure of."""
    if value is None:
        raise ValueError("An earlier page has no answer yet")
    return value


def suggested_code(latest: Period | None, today: datetime.date) -> str:
    """The period after the latest one, or this financial year if none."""
    if latest is not None and PERIOD_CODE.match(latest.code):
        return period_checks.next_code(latest.code)
    return period_checks.code_for(today)


def form_for(
    step: str, opening: Opening, data: QueryDict | dict[str, str] | None
) -> forms.Form:
    """The form of one page, given what the pages before it answered."""
    if step == "code":
        return PeriodCodeForm(
            data, suggested=opening.suggested, initial={"code": opening.suggested}
        )
    code = known(opening.code)
    if step == "dates":
        starts_on, ends_on = period_dates(code)
        return PeriodDatesForm(
            data,
            code=code,
            initial={"starts_on": starts_on, "ends_on": ends_on},
        )
    if step == "deadline":
        return PeriodDeadlineForm(
            data,
            code=code,
            starts_on=known(opening.starts_on),
            ends_on=known(opening.ends_on),
        )
    return PeriodFrameworkForm(
        data,
        code=code,
        base=known(opening.base),
        copy_version=known(opening.copy_version),
    )


def read(session: SessionBase, *, today: datetime.date) -> Opening:
    """The answers kept so far, each checked again in order."""
    latest = selectors.period_latest()
    base = selectors.period_base_framework(latest=latest)
    opening = Opening(
        suggested=suggested_code(latest, today),
        base=base,
        stored=dict(session.get(SESSION_KEY, {})),
        other_roles=[
            framework
            for framework in (
                selectors.frameworks_for_period(period=latest) if latest else []
            )
            if base is None or framework.role != base.role
        ],
    )
    for step in STEPS:
        data = opening.stored.get(step)
        if data is None or (step == "framework" and opening.base is None):
            opening.first_missing = step
            break
        form = form_for(step, opening, data)
        if not form.is_valid():
            opening.first_missing = step
            break
        for name, value in form.cleaned_data.items():
            setattr(opening, name, value)
    return opening


def posted_answer(form: forms.Form, post: QueryDict) -> dict[str, str]:
    """The posted values of the form's fields (a date's day, month and year
    boxes included), to keep in the session."""
    names = {
        key
        for name in form.fields
        for key in (name, f"{name}_0", f"{name}_1", f"{name}_2")
    }
    return {key: str(post.get(key, "")) for key in names if key in post}


def keep(session: SessionBase, key: str, step: str, answer: dict[str, Any]) -> None:
    stored = dict(session.get(key, {}))
    stored[step] = answer
    session[key] = stored


def forget(session: SessionBase, key: str, step: str | None = None) -> None:
    """Drop one kept answer, or all of them."""
    if step is None:
        session.pop(key, None)
        return
    stored = dict(session.get(key, {}))
    stored.pop(step, None)
    session[key] = stored
