"""Synthetic returns for the synthetic partnerships of ``demo.scale``:
one per partnership per year, every answer filled in."""

from __future__ import annotations

import datetime
import random

import yaml
from django.db import transaction
from django.utils import timezone

from assessment.models import Answer, Return, ReturnStatus
from indicators.models import Framework, Indicator, Period, period_dates
from indicators.services import REFERENCE_FRAMEWORK, framework_import
from partnerships.models import LearningPartnership

from .scale import PREFIX

LAST_YEAR = 2003
BATCH = 5000


def scale_periods(years: int) -> list[Period]:
    """The ``years`` periods up to 2003-04, oldest first."""
    periods = []
    for start in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
        code = f"{start}-{(start + 1) % 100:02d}"
        starts_on, ends_on = period_dates(code)
        periods.append(
            Period.objects.get_or_create(
                code=code, defaults={"starts_on": starts_on, "ends_on": ends_on}
            )[0]
        )
    return periods


def scale_framework(periods: list[Period]) -> Framework:
    """A published copy of the reference framework that covers the periods."""
    name = f"Synthetic framework {periods[0].code} to {periods[-1].code}"
    existing = Framework.objects.filter(name=name).first()
    if existing is not None:
        return existing
    data = yaml.safe_load(REFERENCE_FRAMEWORK.read_text(encoding="utf-8"))
    data.update(
        name=name, version=1, status="published", periods=[p.code for p in periods]
    )
    return framework_import(text=yaml.safe_dump(data, sort_keys=False))


@transaction.atomic
def generate_scale_returns(*, years: int, seed: int = 2004) -> int:
    """Give each synthetic partnership without returns one per year; returns
    how many returns were made. The last year's are in mixed states."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    periods = scale_periods(years)
    framework = scale_framework(periods)
    indicators = list(
        Indicator.objects.filter(dimension__framework=framework, supplement=None)
    )
    partnerships = list(
        LearningPartnership.objects.filter(name__startswith=PREFIX)
        .exclude(returns__isnull=False)
        .order_by("name")
    )
    returns = []
    for partnership in partnerships:
        for period in periods:
            latest = period == periods[-1]
            status = (
                rng.choice(
                    [ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED]
                )
                if latest
                else ReturnStatus.ACCEPTED
            )
            submitted = None
            if status != ReturnStatus.DRAFT:
                submitted = timezone.make_aware(
                    datetime.datetime.combine(period.ends_on, datetime.time(12))
                )
            returns.append(
                Return(
                    partnership=partnership,
                    period=period,
                    framework=framework,
                    status=status,
                    submitted_at=submitted,
                )
            )
    Return.objects.bulk_create(returns, batch_size=BATCH)
    _create_answers(returns, indicators, rng=rng)
    return len(returns)


def _create_answers(
    returns: list[Return], indicators: list[Indicator], *, rng: random.Random
) -> None:
    """Every indicator scored in every return, with agreed scores where the
    return is accepted; written in batches."""
    answers = []
    for return_record in returns:
        accepted = return_record.status == ReturnStatus.ACCEPTED
        for indicator in indicators:
            score = rng.randint(1, 4)
            answers.append(
                Answer(
                    return_record=return_record,
                    indicator=indicator,
                    score=score,
                    agreed_score=max(1, min(4, score + rng.randint(-1, 1)))
                    if accepted
                    else None,
                    evidence=f"Synthetic evidence for {indicator.code}.",
                    version=2,
                )
            )
            if len(answers) >= BATCH:
                Answer.objects.bulk_create(answers)
                answers = []
    Answer.objects.bulk_create(answers)
