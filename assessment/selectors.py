"""Reads of returns, and their scoping: a return is visible exactly when its
partnership is; its answers and evidence files once it has been submitted, or
before that by the partnership's managers and administrators (a draft is
theirs until they submit it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

import rules
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Subquery
from django.utils import formats, timezone

from indicators.models import (
    Category,
    Dimension,
    Framework,
    Indicator,
    Period,
    ScoreLevel,
)
from indicators.selectors import framework_for_period
from partnerships.models import LearningPartnership
from partnerships.selectors import partnerships_for_user
from partnerships.users import AnyUser

from .answer_history import (  # noqa: F401  (read through the selectors)
    CATEGORIES_NOTE,
    FIELD_LABELS,
    NO_CATEGORIES,
    AnswerChange,
    answer_changes,
)
from .counting import counted_answers, is_answered, unanswered_q
from .dimensions import (
    RoleDimensions,
    by_role,
    return_dimension,
    return_dimensions,
    return_dimensions_query,
    return_frameworks,
)
from .models import (
    Answer,
    EngagementRating,
    EvidenceLink,
    Return,
    ReturnStatus,
)

__all__ = [
    "RoleDimensions",
    "by_role",
    "return_dimension",
    "return_dimensions",
    "return_dimensions_query",
    "return_frameworks",
]


def ticked_categories() -> Prefetch[Any]:
    """The categories ticked on answers, with their lists (for the kind), as a
    prefetch: one query for any number of answers."""
    return Prefetch(
        "categories", queryset=Category.objects.select_related("category_list")
    )


def returns_for_user(user: AnyUser) -> QuerySet[Return]:
    """Returns of the partnerships the user may see."""
    return Return.objects.filter(partnership__in=partnerships_for_user(user))


def reads_drafts(user: AnyUser) -> bool:
    """Whether the user may read the answers of the drafts in their scope: the
    queryset side of the perm ``assessment.view_answers`` (a manager's scope
    is the partnerships they manage; administrators read everything)."""
    return bool(rules.test_rule("assessment.reads_drafts_in_scope", user))


def returns_with_answers_for_user(user: AnyUser) -> QuerySet[Return]:
    """The returns in the user's scope whose answers, evidence and documents
    the user may read: every one but the drafts of others' partnerships."""
    returns = returns_for_user(user)
    return returns if reads_drafts(user) else returns.exclude(status=ReturnStatus.DRAFT)


def returns_with_answers(*, user: AnyUser, returns: list[Return]) -> list[Return]:
    """Of returns already in the user's scope, those whose answers the user
    may read (no query): for aggregates over rows read for their status."""
    if reads_drafts(user):
        return list(returns)
    return [r for r in returns if r.status != ReturnStatus.DRAFT]


def answers_for_user(user: AnyUser) -> QuerySet[Answer]:
    """Answers the user may read: those of the returns in scope, but a draft's
    only for the partnership's managers and administrators."""
    return Answer.objects.filter(return_record__in=returns_with_answers_for_user(user))


def answer_files() -> Prefetch:
    """An answer's evidence links, each with its file and, for one carried
    forward, the period it was used in: a prefetch for any list of answers."""
    return Prefetch(
        "evidence_links",
        queryset=EvidenceLink.objects.select_related(
            "evidence_file", "carried_from__answer__return_record__period"
        ),
    )


@dataclass
class DraftProgress:
    """What everyone in scope may know of a draft: how far it has got."""

    completed: int
    total: int
    last_saved: datetime.datetime | None

    def __str__(self) -> str:
        done = f"{self.completed} of {self.total} dimensions completed"
        if self.last_saved is None:
            return f"{done}, nothing saved yet"
        when = formats.date_format(timezone.localtime(self.last_saved), "j F Y")
        return f"{done}, last saved {when}"


def draft_progress(*, return_record: Return) -> DraftProgress:
    """How many of the return's dimensions are completed (every indicator
    scored or not applicable) and when an answer was last saved, in two queries, without
    reading any answer."""
    total = return_dimensions_query(return_record).count()
    rows = (
        Answer.objects.filter(return_record=return_record)
        .values("indicator__dimension_id")
        .annotate(
            indicators=Count("pk"),
            scored=Count("pk", filter=~unanswered_q()),
            # Answers are created with the return; a save moves their version on.
            saved=Max("updated_at", filter=Q(version__gt=1)),
        )
        .order_by()
    )
    completed = 0
    last_saved = None
    for row in rows:
        if row["indicators"] and row["scored"] == row["indicators"]:
            completed += 1
        if row["saved"] and (last_saved is None or row["saved"] > last_saved):
            last_saved = row["saved"]
    return DraftProgress(completed=completed, total=total, last_saved=last_saved)


# What an answer is read with to show its indicator, labelled with its area
# when it is a local statement: joined, no query of its own.
WITH_AREA = ("indicator__supplement__region", "indicator__supplement__local_lsc")


def stage_label(score: float | None, levels: list[ScoreLevel]) -> str:
    """The label of the level nearest a (mean) score; halves round up."""
    if score is None or not levels:
        return ""
    value = min(max(int(score + 0.5), levels[0].value), levels[-1].value)
    return next((level.label for level in levels if level.value == value), "")


def mean_score(scores: list[int | None]) -> float | None:
    """The mean of the scores given, ignoring blanks; None when there are none."""
    present = [s for s in scores if s is not None]
    return round(mean(present), 2) if present else None


@dataclass
class DimensionSummary:
    dimension: Dimension
    answers: list[Answer]
    status: str
    self_score: float | None
    self_label: str
    agreed_score: float | None
    agreed_label: str
    missing: list[Answer] = field(default_factory=list)

    @property
    def scored_count(self) -> int:
        """The answers with a score (not those not applicable)."""
        return sum(1 for a in self.answers if a.score is not None)

    @property
    def local_labels(self) -> list[str]:
        """The labels of the local statements among the answers (their
        supplements' areas), each once."""
        return sorted(
            {
                a.indicator.supplement.label
                for a in self.answers
                if a.indicator.supplement_id is not None
                and a.indicator.supplement is not None
            }
        )

    @property
    def moderation_gap(self) -> float | None:
        """Agreed minus self, from the unrounded means: negative when the LLSC
        moderated the scores down. Answers not applicable are left out."""
        answers = counted_answers(self.answers)
        agreed = [a.agreed_score for a in answers if a.agreed_score is not None]
        scored = [a.score for a in answers if a.score is not None]
        if not agreed or not scored:
            return None
        return round(mean(agreed) - mean(scored), 2)


NOT_STARTED, IN_PROGRESS, COMPLETED = "Not yet started", "In progress", "Completed"


def return_summary(
    *,
    return_record: Return,
    answers: list[Answer] | None = None,
    levels: list[ScoreLevel] | None = None,
    with_categories: bool = False,
) -> list[DimensionSummary]:
    """Per dimension: its answers, task status and mean scores, in three queries
    (one, if the caller has already read the answers, with their indicators, and
    the score levels), and one more for the answers' ticked categories when
    ``with_categories``."""
    if levels is None:
        levels = framework_levels(framework=return_record.framework)
    dimensions = return_dimensions(return_record=return_record)
    if answers is None:
        read = return_record.answers.select_related(*WITH_AREA)
        if with_categories:
            read = read.prefetch_related(ticked_categories())
        answers = list(read)
    by_dimension: dict[int, list[Answer]] = {}
    for answer in answers:
        by_dimension.setdefault(answer.indicator.dimension_id, []).append(answer)
    summaries = []
    for dimension in dimensions:
        dimension_answers = by_dimension.get(dimension.pk, [])
        missing = [a for a in dimension_answers if not is_answered(a)]
        if dimension_answers and not missing:
            status = COMPLETED
        elif any(a.is_started for a in dimension_answers):
            status = IN_PROGRESS
        else:
            status = NOT_STARTED
        # A dimension's scores are its national indicators' (comparable with
        # England's); its local statements are answered, not averaged in.
        counted = counted_answers(
            [a for a in dimension_answers if a.indicator.supplement_id is None]
        )
        self_score = mean_score([a.score for a in counted])
        agreed_score = mean_score([a.agreed_score for a in counted])
        summaries.append(
            DimensionSummary(
                dimension=dimension,
                answers=dimension_answers,
                status=status,
                self_score=self_score,
                self_label=stage_label(self_score, levels),
                agreed_score=agreed_score,
                agreed_label=stage_label(agreed_score, levels),
                missing=missing,
            )
        )
    return summaries


def previous_return(*, return_record: Return) -> Return | None:
    """The partnership's return for the period before this one, if any."""
    return (
        Return.objects.filter(
            partnership_id=return_record.partnership_id,
            period__starts_on__lt=return_record.period.starts_on,
        )
        .order_by("-period__starts_on")
        .first()
    )


@dataclass
class IndicatorRow:
    indicator: Indicator
    answer: Answer
    last_year: Answer | None


def answer_status(answer: Answer) -> str:
    """An indicator's task status: completed once scored (or not applicable,
    unless the officer rejected that); in progress once saved, or while it
    holds last year's words to review; else not started."""
    if is_answered(answer):
        return COMPLETED
    if answer.is_started or answer.carried_forward:
        return IN_PROGRESS
    return NOT_STARTED


@dataclass
class IndicatorTask:
    answer: Answer
    status: str


def dimension_tasks(
    *, return_record: Return, dimension: Dimension
) -> list[IndicatorTask]:
    """Each indicator of a dimension, in order, with its answer and status: the
    dimension's page, in one query."""
    answers = return_record.answers.filter(indicator__dimension=dimension)
    return [
        IndicatorTask(answer, answer_status(answer))
        for answer in answers.select_related(*WITH_AREA)
    ]


def indicator_codes(*, return_record: Return, dimension: Dimension) -> list[str]:
    """The codes of the indicators of a dimension the return answers (the
    national ones and its area's local statements), in order."""
    return list(
        return_record.answers.filter(indicator__dimension=dimension)
        .order_by("indicator__order", "indicator__code")
        .values_list("indicator__code", flat=True)
    )


def indicator_answer(
    *, return_record: Return, dimension: Dimension, code: str
) -> Answer:
    """The return's answer to one indicator of a dimension, with the indicator:
    what saving its page needs (showing it needs ``indicator_row``). Raises
    Answer.DoesNotExist."""
    return (
        return_record.answers.filter(indicator__dimension=dimension)
        .select_related(*WITH_AREA)
        .get(indicator__code=code)
    )


def indicator_row(
    *, return_record: Return, dimension: Dimension, code: str
) -> IndicatorRow:
    """One indicator of a dimension with this year's answer, its files and who
    last saved it, and last year's answer to the indicator with the same code.
    Raises Answer.DoesNotExist."""
    answer = (
        return_record.answers.filter(indicator__dimension=dimension)
        .select_related(*WITH_AREA, "updated_by")
        .prefetch_related(answer_files(), ticked_categories())
        .get(indicator__code=code)
    )
    # Last year's answer: that of the partnership's return for the period
    # before this one (``previous_return``), read with it in one query.
    last_year = (
        Answer.objects.filter(
            return_record_id=Subquery(
                Return.objects.filter(
                    partnership_id=return_record.partnership_id,
                    period__starts_on__lt=return_record.period.starts_on,
                )
                .order_by("-period__starts_on")
                .values("pk")[:1]
            ),
            indicator__code=code,
        )
        .select_related("return_record__period")
        .first()
    )
    return IndicatorRow(answer.indicator, answer, last_year)


def return_periods_to_start(*, partnership: LearningPartnership) -> list[Period]:
    """Periods with a published framework and no return from the partnership yet."""
    started = Return.objects.filter(partnership=partnership).values("period_id")
    periods = Period.objects.exclude(pk__in=started).filter(
        frameworks__status="published"
    )
    return [p for p in periods.distinct() if framework_for_period(period=p) is not None]


def partnership_returns(*, partnership: LearningPartnership) -> list[Return]:
    """The partnership's returns, newest period first."""
    return list(
        Return.objects.filter(partnership=partnership)
        .select_related("period")
        .order_by("-period__starts_on")
    )


def return_for_page(queryset: QuerySet[Return], pk: int) -> Return:
    """One return with what every return page shows. Raises DoesNotExist."""
    return queryset.select_related("partnership", "period", "framework").get(pk=pk)


def framework_levels(*, framework: Framework) -> list[ScoreLevel]:
    return list(framework.score_levels.all())


REVIEW_ORDER = {
    "submitted": 0,
    "in_review": 1,
    "returned": 2,
    "draft": 3,
    "accepted": 4,
}


@dataclass
class QueueRow:
    return_record: Return
    days_waiting: int | None
    overdue: bool


def is_overdue(return_record: Return, today: datetime.date) -> bool:
    """Past the period's deadline and not yet (re)submitted."""
    deadline = return_record.period.submission_deadline
    return bool(
        deadline and today > deadline and return_record.status in ("draft", "returned")
    )


def review_queue(
    *,
    user: AnyUser,
    status: str = "",
    period: Period | None = None,
    today: datetime.date | None = None,
) -> list[QueueRow]:
    """The returns of the user's partnerships with how long each has waited for
    review and whether it is overdue; waiting ones first, oldest first."""
    today = today or timezone.localdate()
    returns = returns_for_user(user).select_related("partnership", "period")
    if status:
        returns = returns.filter(status=status)
    if period is not None:
        returns = returns.filter(period=period)
    rows = []
    for return_record in returns:
        waiting = None
        if (
            return_record.status in ("submitted", "in_review")
            and return_record.submitted_at
        ):
            waiting = (today - timezone.localdate(return_record.submitted_at)).days
        rows.append(QueueRow(return_record, waiting, is_overdue(return_record, today)))
    rows.sort(
        key=lambda row: (
            REVIEW_ORDER.get(row.return_record.status, 9),
            -(row.days_waiting or 0),
            row.return_record.partnership.name,
        )
    )
    return rows


def submission_changes(
    *, return_record: Return
) -> dict[str, list[tuple[str, Any, Any]]]:
    """For a resubmitted return: per indicator code, what changed between the
    previous submission and the latest one."""
    snapshots = list(
        return_record.transitions.filter(to_status="submitted", snapshot__isnull=False)
        .order_by("-at", "-pk")
        .values_list("snapshot", flat=True)[:2]
    )
    if len(snapshots) < 2:
        return {}
    latest, previous = snapshots[0] or {}, snapshots[1] or {}
    changes: dict[str, list[tuple[str, Any, Any]]] = {}
    for code, now in latest.items():
        before = previous.get(code, {})
        fields = [
            (FIELD_LABELS[name], before.get(name), value)
            for name, value in now.items()
            if before.get(name) != value
        ]
        if fields:
            changes[code] = fields
    return changes


def return_transitions(*, return_record: Return) -> list[Any]:
    """The return's workflow steps, oldest first, with who took them."""
    return list(return_record.transitions.select_related("by").defer("snapshot"))


def latest_reviewed_summary(
    *, partnership: LearningPartnership
) -> tuple[Return | None, list[DimensionSummary]]:
    """The partnership's newest accepted return, and its dimensions."""
    latest = (
        Return.objects.filter(partnership=partnership, status="accepted")
        .select_related("period", "framework")
        .order_by("-period__starts_on")
        .first()
    )
    if latest is None:
        return None, []
    return latest, return_summary(return_record=latest)


def engagement_ratings(*, partnership: LearningPartnership) -> list[Any]:
    """The GO's engagement ratings of the partnership, newest period first."""
    return list(
        EngagementRating.objects.filter(partnership=partnership).select_related(
            "period", "rated_by"
        )
    )


def return_under_review(partnership: LearningPartnership) -> str | None:
    """Why the partnership's oversight (region, local LSC links) cannot change:
    one of its returns is submitted or in review, so its officers are at work
    on it. None when none is. Registered as an oversight lock (``apps.py``)."""
    under_review = (
        Return.objects.filter(
            partnership=partnership,
            status__in=[Return.Status.SUBMITTED, Return.Status.IN_REVIEW],
        )
        .select_related("period")
        .order_by("-period__starts_on")
        .first()
    )
    if under_review is None:
        return None
    state = (
        "in review"
        if under_review.status == Return.Status.IN_REVIEW
        else "submitted and waiting for review"
    )
    return f"its {under_review.period.code} self-assessment is {state}"
