"""Query counts: the plan page costs the same with ten times the actions,
targets, actual values and progress updates."""

from __future__ import annotations

import pytest

from plans import services as plan_services

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
    # 2. the user
    # 3. the user's profile (the role: the scope, the header)
    # 4. the plan, scoped to the user, with partnership, period, source return
    #    and its framework, and who approved it
    # 5. the framework's score levels (the stage labels of the summary)
    # 6. the framework's dimensions
    # 7. their indicators (prefetched)
    # 8. the source return's answers with their indicators (the summary)
    # 9. the source return's period (to find last year's return)
    # 10. last year's return (none here)
    # 11. the plan's monitoring points
    # 12. the priorities with their dimensions
    # 13. their indicators (prefetched)
    # 14. their actions with the lead member organisation (prefetched)
    # 15. their targets (prefetched)
    # 16. the targets' actual values (prefetched)
    # 17. the progress updates with their point and who reported them
    # 18. the framework's score levels again (the chart's scale)
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
