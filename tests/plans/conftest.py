"""Fixtures for the development plan tests.

The framework, periods and partnership A's return are copied from
tests/review/conftest.py (fixtures in sibling folders are not visible here).
On top:

- submitted_a: partnership A's 2003-04 return, scored with SELF_SCORES,
  submitted by manager_a
- accepted_a: the same return with AGREED_SCORES agreed and accepted
- plan_a: partnership A's plan started from accepted_a by the service
- furnish: gives a plan priorities, actions, targets (with actual values) and
  progress updates
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest

from assessment.models import Return
from assessment.services import return_submit
from indicators.models import Dimension, Framework, Indicator
from plans import services as plan_services
from plans.models import ActionStatus, DevelopmentPlan

from .helpers import AGREED_SCORES, SELF_SCORES, agree, fill_answers


@pytest.fixture
def dimensions(framework: Framework) -> dict[str, Dimension]:
    return {d.code: d for d in Dimension.objects.filter(framework=framework)}


@pytest.fixture
def indicators(framework: Framework) -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.filter(dimension__framework=framework)}


@pytest.fixture
def submitted_a(return_a, manager_a) -> Return:
    """Partnership A's 2003-04 return, scored with SELF_SCORES, submitted."""
    fill_answers(return_a, SELF_SCORES)
    return_submit(return_record=return_a, user=manager_a)
    return Return.objects.get(pk=return_a.pk)


@pytest.fixture
def accepted_a(submitted_a) -> Return:
    """The same return with AGREED_SCORES agreed by the LLSC, accepted."""
    agree(submitted_a, AGREED_SCORES)
    return Return.objects.get(pk=submitted_a.pk)


@pytest.fixture
def plan_a(accepted_a, manager_a) -> DevelopmentPlan:
    """Partnership A's 2003-04 plan: three monitoring points, nothing else."""
    return plan_services.plan_create(return_record=accepted_a, user=manager_a)


LONG_TITLE = (
    "Make the learning partnership the recognised learning arm of the local "
    "strategic partnership, with a seat on its board and a share of the "
    "neighbourhood renewal funding for first-step learning"
)
PRIORITY_TITLES = [
    "Reach residents of the regeneration wards",
    LONG_TITLE,
    "Train voluntary sector tutors",
]
STATUSES = list(ActionStatus)


@pytest.fixture
def furnish(indicators, manager_a) -> Callable[..., DevelopmentPlan]:
    """Give a plan three priorities (D1, D4, D2), ``actions`` actions and
    ``targets`` targets spread over them (every status, actual values at the
    first two monitoring points), and a progress update at the first point."""

    def build(plan: DevelopmentPlan, *, actions: int = 3, targets: int = 3):
        codes = ["D1.1", "D4.7", "D2.3"]
        priorities = []
        for title, code in zip(PRIORITY_TITLES, codes, strict=True):
            indicator = indicators[code]
            priorities.append(
                plan_services.priority_save(
                    plan=plan,
                    user=manager_a,
                    title=title,
                    description=f"Why: {code} scored low.",
                    dimension=indicator.dimension,
                    indicators=[indicator],
                    plausibility="medium",
                    plausibility_rationale="A pilot showed the approach works.",
                )
            )
        member = plan.partnership.members.first()
        for number in range(actions):
            start = datetime.date(2003, 4 + number % 9, 1)
            plan_services.action_save(
                priority=priorities[number % 3],
                user=manager_a,
                description=f"Action {number + 1}: extend outreach to a new ward",
                lead_member=member if number % 2 else None,
                lead_person="" if number % 2 and member else "Partnership manager",
                improvement_area="services",
                starts_on=start,
                due_on=start + datetime.timedelta(days=200),
                resources="Manager's time",
                funding_source="LSC core funding",
                success_measure="Reported at each monitoring point",
                status=STATUSES[number % 5],
            )
        points = list(plan.monitoring_points.all())
        for number in range(targets):
            plan_services.target_save(
                priority=priorities[number % 3],
                user=manager_a,
                measure=f"Measure {number + 1}",
                unit="learners",
                baseline=Decimal(100 + number),
                floor=Decimal(150 + number),
                aspirational=Decimal(200 + number),
                actuals={
                    points[0].pk: Decimal(120 + number),
                    points[1].pk: Decimal("160.5"),
                },
            )
        plan_services.update_add(
            plan=plan,
            point=points[0],
            status="on_track",
            narrative="Outreach started in two of the three centres.",
            soft_outcomes=["attitudes"],
            user=manager_a,
        )
        return DevelopmentPlan.objects.get(pk=plan.pk)

    return build
