"""Query counts: the plan page costs the same with ten times the actions,
targets, actual values and progress updates."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from indicators.models import Period
from plans import services as plan_services
from plans import workflow
from plans.models import DevelopmentPlan, PlanTransition

from .helpers import signed_in

SIZES = [3, 30]


@pytest.fixture
def grown(plan_a, furnish, manager_a):
    """Plan A with ``size`` actions, ``size`` targets (two actual values each)
    and ``size // 3`` progress updates (at least one) over three priorities."""

    def build(size: int):
        plan = furnish(plan_a, actions=size, targets=size)
        points = list(plan.monitoring_points.all())
        for number in range(size // 3 - 1):
            plan_services.update_add(
                plan=plan,
                point=points[number % 3],
                status="at_risk",
                narrative=f"Update {number}",
                soft_outcomes=["new_partners"],
                user=manager_a,
            )
        return plan

    return build


@pytest.mark.parametrize("size", SIZES)
def test_plan_page(grown, manager_a, django_assert_num_queries, size):
    plan = grown(size)
    client = signed_in(manager_a)
    # 1. the session
    # 2. the user, with their profile (the role: the scope, the header)
    # 3. the plan, scoped to the user, with partnership, period, source return
    #    and its framework, and who approved it
    # 4. the framework's score levels (the stage labels of the summary)
    # 5. the framework's dimensions
    # 6. their indicators (prefetched)
    # 7. the source return's answers with their indicators (the summary)
    # 8. the source return's period (to find last year's return)
    # 9. last year's return (none here)
    # 10. the plan's monitoring points
    # 11. the priorities with their dimensions
    # 12. their indicators (prefetched)
    # 13. their actions with the lead member organisation (prefetched)
    # 14. their targets (prefetched)
    # 15. the targets' actual values (prefetched)
    # 16. the progress updates with their point and who reported them
    # 17. the framework's score levels again (the chart's scale)
    # 18. the plan's approval steps with who made each
    # 19. whether the user manages the partnership (may change the plan)
    # 20. the partnership's region (the cover)
    with django_assert_num_queries(20):
        response = client.get(f"/plans/{plan.pk}/")
    assert response.status_code == 200
    document = response.context["document"]
    assert sum(len(p.actions.all()) for p in document.priorities) == size
    assert sum(len(rows) for rows in document.targets.values()) == size
    assert len(document.updates) == max(size // 3, 1)
    assert response.context["can_edit"]
    page = response.content.decode()
    assert f"Action {size}: extend outreach to a new ward" in page
    assert f"Measure {size} (learners)" in page


@pytest.mark.parametrize("size", SIZES)
def test_changed_plan_page(
    grown, manager_a, officer_a, django_assert_num_queries, size
):
    """A plan changed since approval shows what changed from the priorities
    the page loads anyway, whatever the size."""
    plan = grown(size)
    workflow.plan_transition(plan=plan, to_status="submitted", user=manager_a)
    workflow.plan_transition(plan=plan, to_status="approved", user=officer_a)
    priority = plan.priorities.order_by("order").first()
    plan_services.priority_save(
        plan=plan, user=manager_a, priority=priority, title="Reach every ward"
    )
    client = signed_in(officer_a)
    # 1-2. the session, the user with their profile
    # 3. the plan with its partnership, period, source return, framework and
    #    who approved it
    # 4-17. the document, as above (the officer's perm needs no query)
    # 18. the plan's approval steps with who made each
    # 19. whether the officer's local LSC is linked to the partnership (may
    #     approve; an officer's role alone says they change no plan)
    # 20. the partnership's region (the cover)
    with django_assert_num_queries(20):
        response = client.get(f"/plans/{plan.pk}/")
    assert response.status_code == 200
    assert [c.summary for c in response.context["changes"]] == [
        "Priority “Reach every ward” changed"
    ]
    assert "and changed since" in response.content.decode()


@pytest.mark.parametrize("size", [2, 8])
def test_plans_to_approve(
    partnership_a, officer_a, manager_a, django_assert_num_queries, size
):
    for year in range(size):
        period = Period.objects.create(
            code=f"{1990 + year}-{(91 + year) % 100:02d}",
            starts_on=datetime.date(1990 + year, 4, 1),
            ends_on=datetime.date(1991 + year, 3, 31),
        )
        plan = DevelopmentPlan.objects.create(
            partnership=partnership_a, period=period, status="submitted"
        )
        PlanTransition.objects.create(
            plan=plan,
            from_status="draft",
            to_status="submitted",
            by=manager_a,
            at=timezone.now(),
        )
    client = signed_in(officer_a)
    # 1. the session
    # 2. the user, with their profile (the role and the local LSC)
    # 3. the plans waiting, scoped to the officer's LSC, with their
    #    partnership, period and when they started waiting
    with django_assert_num_queries(3):
        response = client.get("/plans/to-approve/")
    assert response.status_code == 200
    assert len(response.context["plans"]) == size
    assert response.content.decode().count('href="/plans/') >= size


@pytest.mark.parametrize("size", SIZES)
def test_approval_page_of_a_changed_plan(
    grown, manager_a, officer_a, django_assert_num_queries, size
):
    plan = grown(size)
    workflow.plan_transition(plan=plan, to_status="submitted", user=manager_a)
    workflow.plan_transition(plan=plan, to_status="approved", user=officer_a)
    priority = plan.priorities.order_by("order").first()
    plan_services.priority_delete(priority=priority, user=manager_a)
    client = signed_in(officer_a)
    # 1-2. the session, the user with their profile
    # 3. the plan, scoped, with what the document shows of it
    # 4. whether the officer's local LSC is linked to the partnership
    # 5. the plan's approval steps with who made each
    # 6. the priorities with their dimensions (what changed)
    # 7. their indicators
    # 8. their actions with the lead organisation
    # 9. their targets
    with django_assert_num_queries(9):
        response = client.get(f"/plans/{plan.pk}/approve/")
    assert response.status_code == 200
    assert [c.summary for c in response.context["changes"]] == [
        f"Priority “{priority.title}” removed"
    ]
    assert "Approve the plan" in response.content.decode()
