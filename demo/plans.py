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

from assessment.models import Return
from partnerships.users import User
from plans.models import (
    ActionStatus,
    DevelopmentPlan,
    ImprovementArea,
    MonitoringPoint,
    PlanStatus,
    Plausibility,
    Priority,
    SoftOutcome,
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

PLANNED = ("Hull", "Doncaster", "Manchester", "County Durham", "Tees Valley")
APPROVED = ("Hull",)  # approved by the demo officer, of Humberside LSC
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
def load_demo_plans() -> int:
    """Give each planned demo partnership its 2003-04 plan; returns how many were made."""
    # The demo people are loaded first (load_demo_data).
    admin = get_user_model().objects.get(username="admin")
    statuses = cycle(list(ActionStatus))
    made = 0
    for name in PLANNED:
        source = (
            Return.objects.filter(partnership__name=name, period__code="2003-04")
            .exclude(status="draft")
            .select_related("period", "partnership")
            .first()
        )
        if (
            source is None
            or DevelopmentPlan.objects.filter(
                partnership=source.partnership, period=source.period
            ).exists()
        ):
            continue
        # Written as the partnership's manager would (the demo manager's Hull).
        author = source.partnership.managers.first() or admin
        plan = plan_create(return_record=source, user=author)
        points = list(plan.monitoring_points.all())
        _add_priorities(plan, points, statuses, author)
        _add_updates(plan, points, author)
        if name in APPROVED:
            # Through the workflow, as people would: submitted by the
            # manager, approved by the partnership's LLSC officer.
            officer = get_user_model().objects.get(username="officer")
            plan_transition(plan=plan, to_status=PlanStatus.SUBMITTED, user=author)
            plan_transition(
                plan=plan,
                to_status=PlanStatus.APPROVED,
                user=officer,
                reason="A realistic plan that follows from the agreed scores.",
            )
        made += 1
    return made


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
        start = datetime.date(2003, 5 + number * 2, 1)
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
) -> None:
    """Progress reported at the first two monitoring points."""
    update_add(
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
    update_add(
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
