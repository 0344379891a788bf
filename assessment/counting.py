"""Which answers count in figures: every mean, median, gap, trend and chart
reads its answers through here. An answer "not applicable" is left out, even
when an earlier review's agreed score is still stored on it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import Answer


def counted_q(prefix: str = "") -> Q:
    """The answers that count, as a filter; ``prefix`` reaches them through
    a relation (``"answers__"`` from returns)."""
    return Q(**{f"{prefix}not_applicable": False})


def counted(answers: QuerySet[Answer]) -> QuerySet[Answer]:
    """Of these answers, those that count in figures."""
    return answers.filter(counted_q())


def counts(answer: Answer) -> bool:
    """Whether one answer counts in figures."""
    return not answer.not_applicable


def counted_answers(answers: Iterable[Answer]) -> list[Answer]:
    """Of answers already read, those that count in figures (no query)."""
    return [answer for answer in answers if counts(answer)]


def is_answered(answer: Answer) -> bool:
    """Whether the answer is complete: scored, or not applicable with its
    "not applicable" not rejected by the LLSC officer."""
    if answer.score is not None:
        return True
    return answer.not_applicable and not answer.not_applicable_rejected


def unanswered_q() -> Q:
    """The answers still to complete before the return can be submitted."""
    return Q(score__isnull=True) & (
        Q(not_applicable=False) | Q(not_applicable_rejected=True)
    )
