"""Reads of development plans: scoping, suggestions, and the document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, Prefetch, QuerySet

from assessment.counting import counted
from assessment.models import Answer, Return, ReturnStatus
from assessment.selectors import (
    DimensionSummary,
    previous_return,
    return_summary,
    returns_for_user,
)
from partnerships.models import LearningPartnership
from partnerships.selectors import partnerships_for_user
from partnerships.users import AnyUser

from .models import (
    DevelopmentPlan,
    MonitoringPoint,
    PlanAction,
    PlanStatus,
    PlanTransition,
    Priority,
    Target,
)
from .snapshots import PartChange, compare, plan_snapshot

SUGGESTION_LIMIT = 6


def plans_for_user(user: AnyUser) -> QuerySet[DevelopmentPlan]:
    """Plans of the partnerships the user may see."""
    return DevelopmentPlan.objects.filter(partnership__in=partnerships_for_user(user))


def for_plan_document(plans: QuerySet[DevelopmentPlan]) -> QuerySet[DevelopmentPlan]:
    """The plans with what the plan document shows of them: the partnership,
    the period, the framework of the source return and who approved it."""
    return plans.select_related(
        "partnership", "period", "source_return__framework", "approved_by"
    )


TITLE_MAX = Priority._meta.get_field("title").max_length or 200
# Where a long statement's clauses end.
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")


@dataclass
class Suggestion:
    """A suggested priority: an indicator among the lowest scored, with the
    barriers and planned action recorded against it."""

    code: str
    answer: Answer
    score: int
    agreed: bool

    @property
    def title(self) -> str:
        """The code and the indicator's statement, whole where it fits a
        priority's title; else its leading clauses that fit, never cut
        mid-word nor with an ellipsis (``title_is_whole`` is then False, and
        the priority's description holds the statement in full)."""
        statement = self.answer.indicator.statement.strip()
        prefix = f"{self.code}: "
        room = TITLE_MAX - len(prefix)
        if len(statement) <= room:
            return prefix + statement
        # Whole clauses while they fit; whole words if not even one does.
        for pieces in (_CLAUSE_END.split(statement), statement.split()):
            kept: list[str] = []
            for piece in pieces:
                if len(" ".join([*kept, piece])) > room:
                    break
                kept.append(piece)
            if kept:
                return prefix + " ".join(kept).rstrip(",;:")
        return prefix.rstrip(": ")

    @property
    def title_is_whole(self) -> bool:
        return self.title == f"{self.code}: {self.answer.indicator.statement.strip()}"


def plan_suggestions(*, plan: DevelopmentPlan) -> list[Suggestion]:
    """The indicators with the lowest agreed (else self) scores of the plan's
    return, lowest first, leaving out those already a priority or dismissed."""
    if plan.source_return_id is None:
        return []
    taken = set(
        Priority.indicators.through.objects.filter(priority__plan=plan).values_list(
            "indicator__code", flat=True
        )
    )
    skipped = taken | set(plan.dismissed_suggestions)
    answers = [
        a
        # An indicator not applicable is no priority to improve.
        for a in counted(Answer.objects.filter(return_record_id=plan.source_return_id))
        .select_related("indicator__dimension")
        .order_by("indicator__dimension__order", "indicator__order")
        if (a.agreed_score or a.score) is not None and a.indicator.code not in skipped
    ]
    answers.sort(key=lambda a: (a.agreed_score or a.score or 0, -len(a.barriers)))
    return [
        Suggestion(
            a.indicator.code, a, a.agreed_score or a.score or 0, bool(a.agreed_score)
        )
        for a in answers[:SUGGESTION_LIMIT]
    ]


@dataclass
class TargetRow:
    target: Target
    values: list[Decimal | None]
    latest: Decimal | None

    @property
    def progress(self) -> str:
        """Where the latest actual value stands against the floor and aspiration."""
        if self.latest is None:
            return "No actual value yet"
        rising = self.target.aspirational >= self.target.baseline
        reached_aspiration = (
            self.latest >= self.target.aspirational
            if rising
            else self.latest <= self.target.aspirational
        )
        reached_floor = (
            self.latest >= self.target.floor
            if rising
            else self.latest <= self.target.floor
        )
        if reached_aspiration:
            return "Aspirational target met"
        if reached_floor:
            return "Floor target met"
        return "Below the floor target"


def plan_priorities(
    *, plan: DevelopmentPlan, with_values: bool = False
) -> list[Priority]:
    """The plan's priorities with their dimension, indicators, actions (with
    the lead organisation) and targets (with their actual values if asked)."""
    targets = Target.objects.all()
    if with_values:
        targets = targets.prefetch_related("values")
    return list(
        plan.priorities.select_related("dimension").prefetch_related(
            "indicators",
            Prefetch(
                "actions",
                queryset=PlanAction.objects.select_related("lead_member").order_by(
                    "due_on", "pk"
                ),
            ),
            Prefetch("targets", queryset=targets),
        )
    )


def plan_changes_since_approval(
    *, plan: DevelopmentPlan, priorities: list[Priority] | None = None
) -> list[PartChange] | None:
    """What was added, changed or removed since the plan was last approved;
    None when it never was (or was approved before approvals kept a copy).
    ``priorities`` as plan_priorities gives them, when already loaded."""
    if plan.approved_snapshot is None:
        return None
    if priorities is None:
        priorities = plan_priorities(plan=plan)
    return compare(plan.approved_snapshot, plan_snapshot(priorities))


def plan_steps(*, plan: DevelopmentPlan) -> list[PlanTransition]:
    """The plan's approval workflow so far, oldest step first, with who made
    each step."""
    return list(plan.transitions.select_related("by"))


def plans_to_approve(*, user: AnyUser) -> QuerySet[DevelopmentPlan]:
    """The plans in the user's scope waiting for the LLSC's approval
    (submitted, or changed since approval), longest waiting first."""
    return (
        plans_for_user(user)
        .filter(status__in=[PlanStatus.SUBMITTED, PlanStatus.CHANGED])
        .select_related("partnership", "period", "approved_by")
        .annotate(waiting_since=Max("transitions__at"))
        .order_by("waiting_since", "partnership__name")
    )


@dataclass
class PlanDocument:
    plan: DevelopmentPlan
    summaries: list[DimensionSummary]
    last_year: dict[str, float | None]
    priorities: list[Priority]
    points: list[MonitoringPoint]
    targets: dict[int, list[TargetRow]]
    barriers: list[Answer]
    updates: list[Any]
    changed_since_approval: bool


def plan_document(*, plan: DevelopmentPlan) -> PlanDocument:
    """Everything the development plan shows, in a fixed number of queries."""
    source: Return | None = plan.source_return
    summaries = return_summary(return_record=source) if source else []
    last_year: dict[str, float | None] = {}
    if source is not None:
        previous = previous_return(return_record=source)
        # Last year's draft that was never submitted is its managers' alone,
        # and was never last year's self-assessment: the plan leaves it out.
        if previous is not None and previous.status != ReturnStatus.DRAFT:
            last_year = {
                s.dimension.code: s.agreed_score
                if s.agreed_score is not None
                else s.self_score
                for s in return_summary(return_record=previous)
            }
    points = list(plan.monitoring_points.all())
    priorities = plan_priorities(plan=plan, with_values=True)
    targets: dict[int, list[TargetRow]] = {}
    for priority in priorities:
        rows = []
        for target in priority.targets.all():
            by_point = {value.point_id: value.actual for value in target.values.all()}
            values = [by_point.get(point.pk) for point in points]
            latest = next((v for v in reversed(values) if v is not None), None)
            rows.append(TargetRow(target, values, latest))
        targets[priority.pk] = rows
    barriers = [
        answer for summary in summaries for answer in summary.answers if answer.barriers
    ]
    updates = list(plan.updates.select_related("point", "created_by"))
    return PlanDocument(
        plan=plan,
        summaries=summaries,
        last_year=last_year,
        priorities=priorities,
        points=points,
        targets=targets,
        barriers=barriers,
        updates=updates,
        changed_since_approval=plan.status == PlanStatus.CHANGED,
    )


def latest_scored_return(
    *, user: AnyUser, partnership: LearningPartnership
) -> Return | None:
    """The partnership's newest return that has been submitted."""
    return (
        returns_for_user(user)
        .filter(partnership=partnership)
        .exclude(status="draft")
        .select_related("period")
        .order_by("-period__starts_on")
        .first()
    )


def partnership_plans(*, partnership: LearningPartnership) -> list[DevelopmentPlan]:
    """The partnership's development plans, newest period first."""
    return list(
        DevelopmentPlan.objects.filter(partnership=partnership)
        .select_related("period")
        .order_by("-period__starts_on")
    )


@dataclass
class PlanScores:
    """The dimension scores the plan's radar draws, and its data table shows."""

    title: str
    axes: list[str]
    series: dict[str, list[float | None]]
    maximum: int


def plan_scores(*, plan: DevelopmentPlan, document: PlanDocument) -> PlanScores:
    """Self and agreed score per dimension, and last year's where there is one."""
    levels = (
        list(plan.source_return.framework.score_levels.all())
        if plan.source_return
        else []
    )
    axes = [s.dimension.code for s in document.summaries]
    series: dict[str, list[float | None]] = {
        "Self score": [s.self_score for s in document.summaries],
        "Agreed score": [s.agreed_score for s in document.summaries],
    }
    if document.last_year:
        series["Last year"] = [document.last_year.get(code) for code in axes]
    return PlanScores(
        title=f"Dimension scores, {plan.period.code}",
        axes=axes,
        series=series,
        maximum=levels[-1].value if levels else 4,
    )


def plan_context(*, plan: DevelopmentPlan) -> dict[str, Any]:
    """What the plan document shows, for the page, the PDF and the pack alike
    (plain data: what the reader may do is added by the caller)."""
    document = plan_document(plan=plan)
    scores = plan_scores(plan=plan, document=document)
    return {"plan": plan, "document": document, "scores": scores}
