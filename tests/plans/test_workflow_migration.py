"""The workflow's migration records the approvals made before it: each as the
plan's first step, and a plan saved after its approval as changed since."""

from __future__ import annotations

import datetime
import importlib

from django.apps import apps
from django.utils import timezone

from indicators.models import Period
from plans.models import DevelopmentPlan, PlanTransition

migration = importlib.import_module("plans.migrations.0002_plan_workflow")


def test_approvals_before_the_workflow_are_its_first_steps(
    partnership_a, period_2003, period_2002, officer_a
):
    approved_at = timezone.now() - datetime.timedelta(days=30)
    kept, changed, draft = (
        DevelopmentPlan.objects.create(partnership=partnership_a, period=period)
        for period in (
            period_2003,
            period_2002,
            Period.objects.create(
                code="1999-00",
                starts_on=datetime.date(1999, 4, 1),
                ends_on=datetime.date(2000, 3, 31),
            ),
        )
    )
    for plan, updated_at in ((kept, approved_at), (changed, timezone.now())):
        DevelopmentPlan.objects.filter(pk=plan.pk).update(
            status="approved",
            approved_at=approved_at,
            approved_by=officer_a,
            officer_comment="Realistic",
            updated_at=updated_at,
        )

    migration.record_approvals(apps, None)

    statuses = dict(DevelopmentPlan.objects.values_list("pk", "status"))
    assert statuses == {kept.pk: "approved", changed.pk: "changed", draft.pk: "draft"}
    steps = PlanTransition.objects.order_by("plan_id", "at")
    assert [
        (s.plan_id, s.from_status, s.to_status, s.by_id, s.reason) for s in steps
    ] == [
        (kept.pk, "draft", "approved", officer_a.pk, "Realistic"),
        (changed.pk, "draft", "approved", officer_a.pk, "Realistic"),
        (changed.pk, "approved", "changed", None, ""),
    ]
    assert steps.first().at == approved_at


def test_a_plan_approved_before_copies_were_kept_shows_its_first_change(
    plan_a, furnish, manager_a, officer_a, client_as
):
    plan = furnish(plan_a)
    DevelopmentPlan.objects.filter(pk=plan.pk).update(
        status="approved", approved_at=timezone.now(), approved_by=officer_a
    )
    plan.refresh_from_db()
    assert plan.approved_snapshot is None
    priority = plan.priorities.order_by("order").first()

    client_as("manager_a").post(f"/plans/{plan.pk}/priority/{priority.pk}/remove/")

    plan.refresh_from_db()
    assert plan.status == "changed"
    page = client_as("officer_a").get(f"/plans/{plan.pk}/approve/")
    assert [c.summary for c in page.context["changes"]] == [
        f"Priority “{priority.title}” removed"
    ]
