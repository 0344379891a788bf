"""The LLSC officer's comment and approval of a plan; a later change shows;
the history keeps every step."""

from __future__ import annotations

import pytest
from django.utils import timezone

from plans.models import DevelopmentPlan

from .helpers import action_data, signed_in, text


def approve_url(plan) -> str:
    return f"/plans/{plan.pk}/approve/"


@pytest.fixture
def plan(plan_a, furnish) -> DevelopmentPlan:
    return furnish(plan_a)


def test_the_officer_comments_without_approving(plan, client_as):
    client = client_as("officer_a")

    page = client.get(approve_url(plan))
    response = client.post(
        approve_url(plan), {"comment": "Add a target for D4.", "decision": "comment"}
    )

    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/"
    plan.refresh_from_db()
    assert plan.officer_comment == "Add a target for D4."
    assert plan.status == "draft"
    assert plan.approved_by is None
    assert plan.approved_at is None
    shown = text(client.get(f"/plans/{plan.pk}/"))
    assert "LLSC comment Add a target for D4." in shown
    assert "Draft, not yet approved by the LLSC" in shown


def test_a_comment_only_needs_a_comment(plan, client_as):
    response = client_as("officer_a").post(
        approve_url(plan), {"comment": "  ", "decision": "comment"}
    )

    assert response.status_code == 200
    assert "Enter a comment, or approve the plan" in text(response)
    plan.refresh_from_db()
    assert plan.officer_comment == ""


def test_the_officer_approves(plan, client_as, officer_a):
    client = client_as("officer_a")

    response = client.post(
        approve_url(plan), {"comment": "A realistic plan.", "decision": "approve"}
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "approved"
    assert plan.approved_by == officer_a
    assert plan.approved_at is not None
    assert plan.officer_comment == "A realistic plan."
    shown = text(client.get(f"/plans/{plan.pk}/"))
    approved_on = f"{timezone.localtime(plan.approved_at):%-d %B %Y}"
    assert f"Approved by {officer_a.get_full_name()} on {approved_on}" in shown
    assert "changed since then" not in shown


def test_the_administrator_may_approve(plan, client_as, admin):
    response = client_as("admin").post(
        approve_url(plan), {"comment": "", "decision": "approve"}
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == ("approved", admin)


@pytest.mark.parametrize("name", ["manager_a", "go_a"])
def test_managers_and_government_offices_may_not_approve(plan, cast, name):
    client = signed_in(cast[name])

    page = client.get(approve_url(plan))
    response = client.post(
        approve_url(plan), {"comment": "Fine", "decision": "approve"}
    )

    assert page.status_code == 403
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == "draft"
    assert plan.officer_comment == ""
    assert "Comment on or approve the plan" not in text(
        client.get(f"/plans/{plan.pk}/")
    )


@pytest.mark.parametrize("name", ["officer_elsewhere", "manager_b", "go_elsewhere"])
def test_people_out_of_scope_get_404(plan, cast, name):
    client = signed_in(cast[name])

    assert client.get(approve_url(plan)).status_code == 404
    response = client.post(
        approve_url(plan), {"comment": "Fine", "decision": "approve"}
    )

    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_only_the_partnerships_officer_is_offered_approval(plan, client_as):
    page = text(client_as("officer_a").get(f"/plans/{plan.pk}/"))

    assert "Comment on or approve the plan" in page


def test_a_later_change_by_the_manager_shows(plan, cast):
    officer, manager = signed_in(cast["officer_a"]), signed_in(cast["manager_a"])
    officer.post(approve_url(plan), {"comment": "Good", "decision": "approve"})
    priority = plan.priorities.order_by("order").first()

    manager.post(
        f"/plans/{plan.pk}/priorities/{priority.pk}/actions/add/", action_data()
    )

    plan.refresh_from_db()
    assert plan.status == "approved"
    assert plan.updated_at > plan.approved_at
    for client in (officer, manager):
        shown = text(client.get(f"/plans/{plan.pk}/"))
        assert "Approved by" in shown
        assert "; changed since then" in shown


def test_an_officer_comment_after_approval_is_not_a_change(plan, client_as):
    client = client_as("officer_a")
    client.post(approve_url(plan), {"comment": "Good", "decision": "approve"})

    client.post(approve_url(plan), {"comment": "Still good", "decision": "comment"})

    plan.refresh_from_db()
    assert plan.officer_comment == "Still good"
    assert plan.status == "approved"
    assert "changed since then" not in text(client.get(f"/plans/{plan.pk}/"))


def test_the_history_records_the_comment_and_the_approval(plan, cast, officer_a):
    officer = signed_in(cast["officer_a"])
    officer.post(approve_url(plan), {"comment": "First look", "decision": "comment"})
    officer.post(approve_url(plan), {"comment": "Approved", "decision": "approve"})

    records = list(DevelopmentPlan.history.filter(id=plan.pk).order_by("history_date"))

    assert records[0].history_type == "+"
    assert [(r.status, r.officer_comment) for r in records[-2:]] == [
        ("draft", "First look"),
        ("approved", "Approved"),
    ]
    assert records[-1].approved_by_id == officer_a.pk
    assert records[-1].history_user_id == officer_a.pk
    assert records[-2].history_user_id == officer_a.pk


def test_the_history_records_changes_to_the_parts(plan, client_as):
    priority = plan.priorities.order_by("order").first()
    action = priority.actions.first()

    client_as("manager_a").post(
        f"/plans/{plan.pk}/priorities/{priority.pk}/actions/{action.pk}/edit/",
        action_data(status="complete"),
    )

    latest = action.history.order_by("-history_date").first()
    assert latest.status == "complete"
    assert latest.history_type == "~"
    assert latest.history_user.username == "manager_a"
