"""Demo development plans for several demo partnerships: priorities taken from
the suggestions, actions in every status, targets with actual values, and
progress updates. Idempotent: a partnership that has a plan keeps it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from itertools import cycle

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessment.models import Return
from indicators.models import Period
from partnerships.users import User
from plans.models import (
    ActionStatus,
    DevelopmentPlan,
    ImprovementArea,
    MonitoringPoint,
    PlanAction,
    PlanStatus,
    PlanTransition,
    Plausibility,
    Priority,
    ProgressUpdate,
    SoftOutcome,
    Target,
)
from plans.selectors import plan_suggestions
from plans.services import (
    action_save,
    plan_create,
    suggestion_accept,
    target_save,
    update_add,
)
from plans.workflow import plan_transition

from .years import Clock

# Whose plan, for which of the demo's years (-1: last year, 0: the open one),
# and how far it went: Hull's approved by the demo officer, East Riding's
# waiting for the demo officer's approval, the others drafts.
PLANNED: dict[str, tuple[int, str]] = {
    "Hull": (-1, PlanStatus.APPROVED),
    "East Riding": (0, PlanStatus.SUBMITTED),
    "Barnsley": (0, PlanStatus.DRAFT),
    "County Durham": (0, PlanStatus.DRAFT),
    "Manchester": (-1, PlanStatus.DRAFT),
}
ACTIONS = [
    (
        "Agree a division of labour with the LLSC on LSP work",
        ImprovementArea.PARTNERSHIP,
    ),
    (
        "Extend the needs analysis to the two new regeneration wards",
        ImprovementArea.NEEDS,
    ),
    ("Pilot outreach learning in three community centres", ImprovementArea.SERVICES),
    (
        "Train voluntary sector tutors in neighbourhood renewal skills",
        ImprovementArea.SKILLS,
    ),
    ("Run a review day with members on the PMF qualities", ImprovementArea.LEARNING),
]
TARGETS = [
    (
        "New learners from regeneration wards",
        "learners",
        "420",
        "500",
        "600",
        ["455", "512"],
    ),
    ("Member organisations at board meetings", "%", "60", "70", "85", ["66", "74"]),
    (
        "Voluntary groups delivering first-step learning",
        "groups",
        "11",
        "15",
        "20",
        ["12"],
    ),
]


@transaction.atomic
def load_demo_plans(*, periods: list[Period], clock: Clock) -> int:
    """Give each planned demo partnership its plan for one of the demo's years
    (``periods``, oldest first, the open one last); returns how many were made.

    Written through the plan services as the partnership's manager, and
    through the workflow as its LLSC officer; then dated in the days after its
    return was accepted or submitted, as those people would have done it."""
    officer = get_user_model().objects.filter(username="officer").first()
    statuses = cycle(list(ActionStatus))
    made = 0
    for name, (year, status) in PLANNED.items():
        period = periods[year - 1]
        source = (
            Return.objects.filter(partnership__name=name, period=period)
            .exclude(status="draft")
            .select_related("period", "partnership")
            .first()
        )
        if (
            source is None
            or DevelopmentPlan.objects.filter(
                partnership=source.partnership, period=period
            ).exists()
        ):
            continue
        author = _manager(source)
        if author is None:
            continue
        plan = plan_create(return_record=source, user=author)
        points = [p for p in plan.monitoring_points.all() if p.due_on <= clock.today]
        _add_priorities(plan, points, statuses, author)
        updates = _add_updates(plan, points, author)
        if status != PlanStatus.DRAFT:
            plan_transition(plan=plan, to_status=PlanStatus.SUBMITTED, user=author)
        if status == PlanStatus.APPROVED and officer is not None:
            plan_transition(
                plan=plan,
                to_status=PlanStatus.APPROVED,
                user=officer,
                reason="A realistic plan that follows from the agreed scores.",
            )
        _date_plan(plan, source, updates, clock)
        made += 1
    return made


def _manager(source: Return) -> User | None:
    """The partnership's own manager (by name), or whoever manages it."""
    people = list(source.partnership.managers.order_by("pk"))
    named = [u for u in people if u.get_full_name() == source.partnership.manager_name]
    chosen = named or people
    return chosen[0] if chosen else None


def _date_plan(
    plan: DevelopmentPlan,
    source: Return,
    updates: list[ProgressUpdate],
    clock: Clock,
) -> None:
    """Date the plan's making, steps and progress after its source return's
    last step (a week on, then submitted a week later, approved a week after
    that; progress reported at its monitoring points), none later than now."""
    last_step = source.transitions.order_by("-at").values_list("at", flat=True)
    after = last_step.first() or source.submitted_at or clock.now

    def at(days: int) -> datetime.datetime:
        return min(clock.now, after + datetime.timedelta(days=days))

    made = at(3)
    moments: dict[str, datetime.datetime] = {
        PlanStatus.SUBMITTED: at(10),
        PlanStatus.APPROVED: at(17),
    }
    for step in plan.transitions.all():
        PlanTransition.objects.filter(pk=step.pk).update(at=moments[step.to_status])
    for update in updates:
        due = timezone.make_aware(
            datetime.datetime.combine(update.point.due_on, datetime.time(16))
        )
        when = min(clock.now, max(made, due))
        ProgressUpdate.objects.filter(pk=update.pk).update(created_at=when)
    DevelopmentPlan.objects.filter(pk=plan.pk).update(
        created_at=made,
        updated_at=moments.get(plan.status, made),
        approved_at=moments[PlanStatus.APPROVED] if plan.approved_at else None,
    )
    for record in DevelopmentPlan.history.filter(id=plan.pk):
        record.history_date = moments.get(record.status, made)
        record.save(update_fields=["history_date"])
    for model in (Priority, PlanAction, Target):
        model.history.filter(  # type: ignore[attr-defined]
            id__in=model.objects.filter(
                **{"plan" if model is Priority else "priority__plan": plan}
            ).values("pk")
        ).update(history_date=made)


def _add_priorities(
    plan: DevelopmentPlan,
    points: list[MonitoringPoint],
    statuses: Iterator[ActionStatus],
    author: User,
) -> None:
    """The plan's first three suggestions taken as priorities, each with two
    actions and a target."""
    for index, suggestion in enumerate(plan_suggestions(plan=plan)[:3]):
        priority = suggestion_accept(plan=plan, user=author, code=suggestion.code)
        if priority is None:
            continue
        priority.plausibility = [
            Plausibility.HIGH,
            Plausibility.MEDIUM,
            Plausibility.LOW,
        ][index]
        priority.plausibility_rationale = (
            "The actions reach the same residents the indicator is about, and "
            "last year's pilot showed the approach works."
        )
        priority.save()
        _add_actions(plan, priority, index, statuses, author)
        measure, unit, baseline, floor, aspiration, actuals = TARGETS[index]
        target_save(
            priority=priority,
            user=author,
            measure=measure,
            unit=unit,
            baseline=Decimal(baseline),
            floor=Decimal(floor),
            aspirational=Decimal(aspiration),
            actuals={
                point.pk: Decimal(value)
                for point, value in zip(points, actuals, strict=False)
            },
        )


def _add_actions(
    plan: DevelopmentPlan,
    priority: Priority,
    index: int,
    statuses: Iterator[ActionStatus],
    author: User,
) -> None:
    members = list(plan.partnership.members.order_by("name")[:3])
    for number in range(2):
        description, area = ACTIONS[(index * 2 + number) % len(ACTIONS)]
        start = plan.period.starts_on + datetime.timedelta(days=30 + number * 60)
        action_save(
            priority=priority,
            user=author,
            description=description,
            lead_member=members[number % len(members)] if members else None,
            lead_person="" if members else "Partnership manager",
            improvement_area=area,
            starts_on=start,
            due_on=start + datetime.timedelta(days=240),
            resources="Manager's time, two days a month",
            funding_source="LSC core funding"
            if number == 0
            else "Neighbourhood Renewal Fund",
            success_measure="Reported to the board at each monitoring point",
            status=next(statuses),
        )


def _add_updates(
    plan: DevelopmentPlan, points: list[MonitoringPoint], manager: User
) -> list[ProgressUpdate]:
    """Progress reported at the first two monitoring points, those passed."""
    updates: list[ProgressUpdate] = []
    if not points:
        return updates
    first = update_add(
        plan=plan,
        point=points[0],
        status=ActionStatus.ON_TRACK,
        narrative=(
            "The needs analysis is complete and shared with the LSP. Outreach "
            "started in two of the three centres; the third opens in September."
        ),
        soft_outcomes=[SoftOutcome.STRATEGIC_LINKS, SoftOutcome.SCHOOLS_EMPLOYERS],
        user=manager,
    )
    updates.append(first)
    if len(points) < 2:
        return updates
    second = update_add(
        plan=plan,
        point=points[1],
        status=ActionStatus.AT_RISK,
        narrative=(
            "Tutor training is behind: the voluntary sector forum asked for evening "
            "sessions. Residents on the pilot report more confidence about learning."
        ),
        soft_outcomes=[SoftOutcome.ATTITUDES],
        user=manager,
    )
    updates.append(second)
    return updates
