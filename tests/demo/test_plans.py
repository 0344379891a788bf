"""The demo data's development plans: Hull and several other partnerships have
full plans in the demo's years, and loading the demo again makes nothing new."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from partnerships.rules import is_llsc_officer_of
from plans.models import (
    ActionStatus,
    DevelopmentPlan,
    MonitoringPoint,
    PlanAction,
    Priority,
    ProgressUpdate,
    Target,
    TargetValue,
)

MODELS = (
    DevelopmentPlan,
    MonitoringPoint,
    Priority,
    PlanAction,
    Target,
    TargetValue,
    ProgressUpdate,
)


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the plan tables, by model, as plain values."""
    return {
        model.__name__: sorted(
            tuple(str(v) for v in row) for row in model.objects.values_list()
        )
        for model in MODELS
    }


def test_load_demo_makes_full_plans_and_is_repeatable(demo: str) -> None:
    """The demo's development plans are full, and loading again adds none.

    Slow: the first test of the module to run loads the whole demo (both
    roles' frameworks, local statements, categories, evidence) for every test
    of the module."""
    output = demo

    plans = list(
        DevelopmentPlan.objects.select_related("partnership", "period", "source_return")
    )
    names = {plan.partnership.name for plan in plans}
    assert "Hull" in names
    assert len(names) >= 3
    assert f"{len(plans)} new development plans" in output
    today = timezone.localdate()
    for plan in plans:
        name = plan.partnership.name
        # Last year's or the open year's.
        assert plan.period.starts_on <= today, name
        assert plan.period.ends_on >= today - datetime.timedelta(days=366), name
        assert plan.source_return is not None, name
        assert plan.source_return.status != "draft", name
        assert plan.monitoring_points.count() == 3, name
        priorities = list(plan.priorities.prefetch_related("indicators"))
        assert priorities, name
        for priority in priorities:
            assert priority.actions.exists(), (name, priority.title)
            codes = [i.code for i in priority.indicators.all()]
            assert codes, (name, priority.title)
            assert priority.title.startswith(codes[0]), (name, priority.title)
            assert all(
                i.dimension_id == priority.dimension_id
                for i in priority.indicators.all()
            ), (name, priority.title)
        assert Target.objects.filter(priority__plan=plan).exists(), name
        # Actual values and progress at the monitoring points already passed.
        passed = plan.monitoring_points.filter(due_on__lte=today).exists()
        values = TargetValue.objects.filter(target__priority__plan=plan)
        assert values.exists() == passed, name
        assert plan.updates.exists() == passed, name
        assert all(
            u.point.plan_id == plan.pk for u in plan.updates.select_related("point")
        ), name
        if plan.status == "approved":
            # Approved by someone who may approve it: an officer of its own
            # local LSC (found by this test, fixed in 1d35371).
            assert plan.approved_at is not None, name
            assert plan.approved_by is not None, name
            assert is_llsc_officer_of(plan.approved_by, plan.partnership), name
            assert plan.period.starts_on <= plan.approved_at.date() <= today, name
    hull = next(plan for plan in plans if plan.partnership.name == "Hull")
    hull_statuses = set(
        PlanAction.objects.filter(priority__plan=hull).values_list("status", flat=True)
    )
    assert hull_statuses == set(ActionStatus.values)
    assert set(PlanAction.objects.values_list("status", flat=True)) == set(
        ActionStatus.values
    )
    assert DevelopmentPlan.objects.filter(status="approved").exists()
    assert DevelopmentPlan.objects.filter(status="draft").exists()
    assert DevelopmentPlan.objects.filter(status="submitted").exists()
    before = snapshot()

    again = load_demo()

    assert "0 new development plans" in again
    assert snapshot() == before


def test_the_demo_plans_render(client, demo: str) -> None:
    """Every demo plan's page opens for the demo administrator."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    client.force_login(admin, backend="partnerships.backends.PasswordBackend")

    for plan in DevelopmentPlan.objects.select_related("partnership"):
        response = client.get(f"/plans/{plan.pk}/")
        assert response.status_code == 200, plan.partnership.name
        assert plan.partnership.name in response.content.decode()
