"""The plan's approval workflow through the pages: the manager submits, the
LLSC officer approves or returns it with comments, a change to an approved
plan sends it back for approval with what changed; the history keeps every
step."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessment.models import Notification
from partnerships.models import Role
from plans import workflow
from plans.models import DevelopmentPlan, PlanStatus, PlanTransition
from tests.factories import ProfileFactory

from .helpers import action_data, signed_in, target_data, text


def approve_url(plan) -> str:
    return f"/plans/{plan.pk}/approve/"


def submit_url(plan) -> str:
    return f"/plans/{plan.pk}/submit/"


def plan_url(plan) -> str:
    return f"/plans/{plan.pk}/"


def shown_date(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}"


def steps(plan) -> list[tuple[str, str, str, str]]:
    return [
        (s.from_status, s.to_status, s.by.username, s.reason)
        for s in PlanTransition.objects.filter(plan=plan).select_related("by")
    ]


def notified(user) -> list[str]:
    rows = Notification.objects.filter(user=user).order_by("pk")
    return list(rows.values_list("message", flat=True))


@pytest.fixture
def plan(plan_a, furnish) -> DevelopmentPlan:
    return furnish(plan_a)


@pytest.fixture
def submitted(plan, cast) -> DevelopmentPlan:
    response = signed_in(cast["manager_a"]).post(submit_url(plan))
    assert response.status_code == 302
    return DevelopmentPlan.objects.get(pk=plan.pk)


@pytest.fixture
def approved(submitted, cast) -> DevelopmentPlan:
    response = signed_in(cast["officer_a"]).post(
        approve_url(submitted), {"comment": "Good", "decision": "approve"}
    )
    assert response.status_code == 302
    return DevelopmentPlan.objects.get(pk=submitted.pk)


@pytest.fixture
def officer_a2(llsc_a):
    """A second LLSC officer of local LSC A."""
    return ProfileFactory(
        user__username="officer_a2",
        user__first_name="Second",
        user__last_name="Officer",
        role=Role.LLSC_OFFICER,
        llsc=llsc_a,
    ).user


# The manager submits.


def test_the_manager_submits_the_plan(plan, client_as, manager_a, officer_a):
    client = client_as("manager_a")
    assert "Submit the plan for approval" in text(client.get(plan_url(plan)))
    page = client.get(submit_url(plan))

    response = client.post(submit_url(plan))

    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == plan_url(plan)
    plan.refresh_from_db()
    assert plan.status == "submitted"
    assert steps(plan) == [("draft", "submitted", "manager_a", "")]
    assert notified(officer_a) == [
        "The development plan of Alpha Learning 2003-04 was submitted and is "
        "ready for your approval."
    ]
    shown = text(client.get(plan_url(plan)))
    assert "Submitted for approval: waiting for the LLSC officer's decision" in shown
    assert "Submitted for approval First" in shown  # the history, with who
    assert "Submit the plan for approval" not in shown


def test_a_submitted_plan_is_not_submitted_twice(submitted, client_as):
    response = client_as("manager_a").post(submit_url(submitted), follow=True)

    assert "cannot be submitted for approval" in text(response)
    assert len(steps(submitted)) == 1


@pytest.mark.parametrize("name", ["officer_a", "go_a"])
def test_only_managers_submit(plan, cast, name):
    client = signed_in(cast[name])

    assert client.get(submit_url(plan)).status_code == 403
    assert client.post(submit_url(plan)).status_code == 403
    plan.refresh_from_db()
    assert plan.status == "draft"
    assert steps(plan) == []


# The officer comments, approves or returns.


def test_the_officer_comments_without_deciding(plan, client_as):
    client = client_as("officer_a")

    page = client.get(approve_url(plan))
    response = client.post(
        approve_url(plan), {"comment": "Add a target for D4.", "decision": "comment"}
    )

    assert page.status_code == 200
    assert "The plan is not waiting for approval" in text(page)
    assert response.status_code == 302
    assert response["Location"] == plan_url(plan)
    plan.refresh_from_db()
    assert plan.officer_comment == "Add a target for D4."
    assert (plan.status, plan.approved_by, plan.approved_at) == ("draft", None, None)
    shown = text(client.get(plan_url(plan)))
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


def test_a_draft_is_not_approved(plan, client_as):
    response = client_as("officer_a").post(
        approve_url(plan), {"comment": "Fine", "decision": "approve"}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    plan.refresh_from_db()
    assert plan.status == "draft"
    assert steps(plan) == []


def test_the_officer_approves(submitted, client_as, officer_a, manager_a):
    client = client_as("officer_a")
    assert "Approve or return the plan" in text(client.get(plan_url(submitted)))

    response = client.post(
        approve_url(submitted), {"comment": "A realistic plan.", "decision": "approve"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/plans/to-approve/"
    plan = DevelopmentPlan.objects.get(pk=submitted.pk)
    assert (plan.status, plan.approved_by) == ("approved", officer_a)
    assert plan.officer_comment == "A realistic plan."
    assert plan.approved_snapshot["priorities"]
    assert steps(plan)[-1] == (
        "submitted",
        "approved",
        "officer_a",
        "A realistic plan.",
    )
    assert notified(manager_a) == [
        "The development plan of Alpha Learning 2003-04 was approved by the LLSC. "
        "Comment: A realistic plan."
    ]
    shown = text(client.get(plan_url(plan)))
    approved_on = shown_date(plan.approved_at)
    assert f"Approved by {officer_a.get_full_name()} on {approved_on}" in shown
    assert "changed since" not in shown.lower()


def test_the_administrator_may_approve(submitted, client_as, admin):
    response = client_as("admin").post(
        approve_url(submitted), {"comment": "", "decision": "approve"}
    )

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.approved_by) == ("approved", admin)


@pytest.mark.parametrize("name", ["manager_a", "go_a"])
def test_managers_and_government_offices_may_not_approve(submitted, cast, name):
    client = signed_in(cast[name])

    page = client.get(approve_url(submitted))
    response = client.post(
        approve_url(submitted), {"comment": "Fine", "decision": "approve"}
    )

    assert page.status_code == 403
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert submitted.officer_comment == ""
    assert "Approve or return the plan" not in text(client.get(plan_url(submitted)))


@pytest.mark.parametrize("name", ["officer_elsewhere", "manager_b", "go_elsewhere"])
def test_people_out_of_scope_get_404(submitted, cast, name):
    client = signed_in(cast[name])

    assert client.get(approve_url(submitted)).status_code == 404
    assert client.get(submit_url(submitted)).status_code == 404
    response = client.post(
        approve_url(submitted), {"comment": "Fine", "decision": "approve"}
    )

    assert response.status_code == 404
    assert client.post(submit_url(submitted)).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_the_officer_returns_the_plan_with_comments(
    submitted, cast, officer_a, manager_a
):
    officer, manager = signed_in(cast["officer_a"]), signed_in(cast["manager_a"])

    response = officer.post(
        approve_url(submitted),
        {"comment": "Give each target a baseline.", "decision": "return"},
    )

    assert response.status_code == 302
    plan = DevelopmentPlan.objects.get(pk=submitted.pk)
    assert plan.status == "returned"
    assert plan.approved_at is None
    assert steps(plan)[-1] == (
        "submitted",
        "returned",
        "officer_a",
        "Give each target a baseline.",
    )
    assert notified(manager_a)[-1] == (
        "The development plan of Alpha Learning 2003-04 was returned for changes "
        "by the LLSC. Reasons: Give each target a baseline."
    )
    step = PlanTransition.objects.filter(plan=plan).last()
    shown = text(manager.get(plan_url(plan)))
    assert (
        f"Returned for changes on {shown_date(step.at)} by "
        f"{officer_a.get_full_name()}" in shown
    )
    assert "Give each target a baseline." in shown
    assert "Submit the plan for approval" in shown

    # The manager fixes the plan and submits it again.
    priority = plan.priorities.order_by("order").first()
    manager.post(
        f"/plans/{plan.pk}/priorities/{priority.pk}/targets/add/",
        target_data(plan, ["450"]),
    )
    assert manager.post(submit_url(plan)).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "submitted"
    assert [s[:2] for s in steps(plan)] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
    ]
    assert notified(officer_a)[-1] == (
        "The development plan of Alpha Learning 2003-04 was submitted again and is "
        "ready for your approval."
    )
    history = text(manager.get(plan_url(plan))).split("Approval history")[-1]
    assert "Returned for changes" in history
    assert "Give each target a baseline." in history
    assert "Submitted again for approval" in history


def test_a_return_needs_reasons(submitted, client_as, manager_a):
    response = client_as("officer_a").post(
        approve_url(submitted), {"comment": "  ", "decision": "return"}
    )

    assert response.status_code == 200
    assert "Enter the changes the plan needs" in text(response)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert len(steps(submitted)) == 1
    assert notified(manager_a) == []


def test_a_return_without_reasons_is_refused_by_the_workflow(submitted, officer_a):
    with pytest.raises(ValidationError):
        workflow.plan_transition(
            plan=submitted, to_status=PlanStatus.RETURNED, user=officer_a, reason=" "
        )
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


# A change to an approved plan.


def test_a_change_to_an_approved_plan_sends_it_back_for_approval(
    approved, cast, officer_a, manager_a
):
    officer, manager = signed_in(cast["officer_a"]), signed_in(cast["manager_a"])
    priority = approved.priorities.order_by("order").first()

    manager.post(
        f"/plans/{approved.pk}/priorities/{priority.pk}/actions/add/",
        action_data(description="Open a fourth centre"),
    )

    plan = DevelopmentPlan.objects.get(pk=approved.pk)
    assert plan.status == "changed"
    assert steps(plan)[-1] == ("approved", "changed", "manager_a", "")
    assert notified(officer_a)[-1] == (
        "The development plan of Alpha Learning 2003-04 was changed since its "
        f"approval (by {manager_a.get_full_name()}) and waits for your approval "
        "again."
    )
    banner = (
        f"Approved on {shown_date(plan.approved_at)} by "
        f"{officer_a.get_full_name()} and changed since"
    )
    added = f"Action “Open a fourth centre” added (priority “{priority.title}”)"
    for client in (officer, manager):
        shown = text(client.get(plan_url(plan)))
        assert banner in shown
        assert added in shown
        assert "changed since then, waiting for approval again" in shown
    page = text(officer.get(approve_url(plan)))
    assert "What changed since its approval" in page
    assert added in page
    assert "Alpha Learning" in text(officer.get("/plans/to-approve/"))

    # A second change stays one step.
    manager.post(
        f"/plans/{plan.pk}/priorities/{priority.pk}/edit/",
        {
            "title": "Reach every ward",
            "description": priority.description,
            "dimension": priority.dimension_id,
            "indicators": [i.pk for i in priority.indicators.all()],
            "plausibility": "medium",
            "plausibility_rationale": priority.plausibility_rationale,
        },
    )
    assert [s[1] for s in steps(plan)].count("changed") == 1
    page = text(officer.get(approve_url(plan)))
    assert "Priority “Reach every ward” changed" in page
    assert f"Title was {priority.title} now Reach every ward" in page

    # The officer approves it again: approved, nothing shown as changed.
    response = officer.post(
        approve_url(plan), {"comment": "Still realistic", "decision": "approve"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "approved"
    assert steps(plan)[-1][:2] == ("changed", "approved")
    shown = text(manager.get(plan_url(plan)))
    assert "and changed since" not in shown
    assert added not in shown
    assert "Alpha Learning" not in text(officer.get("/plans/to-approve/"))


def test_a_changed_target_lists_its_fields(approved, client_as):
    client = client_as("manager_a")
    target = (
        approved.priorities.order_by("order").first().targets.order_by("pk").first()
    )
    url = (
        f"/plans/{approved.pk}/priorities/{target.priority_id}/targets/"
        f"{target.pk}/edit/"
    )

    client.post(
        url,
        target_data(
            approved,
            [],
            measure=target.measure,
            unit=target.unit,
            baseline=str(target.baseline),
            floor="175.5",
            aspirational=str(target.aspirational),
        ),
    )

    shown = text(client.get(plan_url(approved)))
    assert f"Target “{target.measure}” changed" in shown
    assert f"Floor target was {target.floor:f}".rstrip("0").rstrip(".") in shown
    assert "now 175.5" in shown
    assert "Baseline was" not in shown


def test_progress_does_not_undo_the_approval(approved, client_as):
    """Reporting progress is what an approved plan asks for during the year:
    a progress update, an action's status and a target's actual values."""
    client = client_as("manager_a")
    point = approved.monitoring_points.order_by("due_on").first()
    priority = approved.priorities.order_by("order").first()
    action = priority.actions.first()
    target = priority.targets.first()

    client.post(
        f"/plans/{approved.pk}/progress/add/",
        {"point": point.pk, "status": "on_track", "narrative": "Two centres open"},
    )
    client.post(
        f"/plans/{approved.pk}/priorities/{priority.pk}/actions/{action.pk}/edit/",
        action_data(
            description=action.description,
            lead_member=action.lead_member_id or "",
            lead_person=action.lead_person,
            improvement_area=action.improvement_area,
            starts_on_0=action.starts_on.day,
            starts_on_1=action.starts_on.month,
            starts_on_2=action.starts_on.year,
            due_on_0=action.due_on.day,
            due_on_1=action.due_on.month,
            due_on_2=action.due_on.year,
            resources=action.resources,
            funding_source=action.funding_source,
            success_measure=action.success_measure,
            status="complete",
        ),
    )
    client.post(
        f"/plans/{approved.pk}/priorities/{priority.pk}/targets/{target.pk}/edit/",
        target_data(
            approved,
            ["1", "2", "3"],
            measure=target.measure,
            unit=target.unit,
            baseline=str(target.baseline),
            floor=str(target.floor),
            aspirational=str(target.aspirational),
        ),
    )

    approved.refresh_from_db()
    action.refresh_from_db()
    assert action.status == "complete"
    assert approved.updates.count() == 2
    assert target.values.count() == 3
    assert approved.status == "approved"
    assert steps(approved)[-1][:2] == ("submitted", "approved")


def test_the_officer_returns_a_changed_plan(approved, cast, manager_a):
    officer, manager = signed_in(cast["officer_a"]), signed_in(cast["manager_a"])
    priority = approved.priorities.order_by("order").first()
    manager.post(f"/plans/{approved.pk}/priority/{priority.pk}/remove/")

    officer.post(
        approve_url(approved),
        {"comment": "Keep the first priority.", "decision": "return"},
    )

    approved.refresh_from_db()
    assert approved.status == "returned"
    shown = text(manager.get(plan_url(approved)))
    assert "Returned for changes on" in shown
    assert "Keep the first priority." in shown
    # The comment of the earlier approval is not shown as the LLSC's word now.
    cover = manager.get(plan_url(approved)).content.decode()
    assert 'govuk-summary-list__key">LLSC comment</dt>' not in cover
    # Submitting again shows the manager what changed since the approval.
    page = text(manager.get(submit_url(approved)))
    assert f"Priority “{priority.title}” removed" in page


# Two officers at once.


def test_two_officers_deciding_at_once_one_wins(submitted, officer_a, officer_a2):
    """Both read the plan as submitted; the second finds it moved."""
    first = DevelopmentPlan.objects.get(pk=submitted.pk)
    second = DevelopmentPlan.objects.get(pk=submitted.pk)

    workflow.plan_transition(
        plan=first, to_status=PlanStatus.APPROVED, user=officer_a, reason="Fine"
    )
    with pytest.raises(workflow.TransitionLost) as lost:
        workflow.plan_transition(
            plan=second,
            to_status=PlanStatus.RETURNED,
            user=officer_a2,
            reason="Needs work",
        )

    assert str(lost.value) == (
        "Someone else changed this development plan while you were working on "
        "it: it is now approved by the LLSC. Nothing you entered was saved."
    )
    plan = DevelopmentPlan.objects.get(pk=submitted.pk)
    assert (plan.status, plan.approved_by, plan.officer_comment) == (
        "approved",
        officer_a,
        "Fine",
    )
    assert [s[:3] for s in steps(plan)][-1] == ("submitted", "approved", "officer_a")
    assert len(steps(plan)) == 2


def test_the_second_officer_is_told_through_the_page(
    submitted, client, officer_a, officer_a2
):
    second = signed_in(officer_a2)
    page = second.get(approve_url(submitted))
    assert 'name="seen_status" value="submitted"' in page.content.decode()
    signed_in(officer_a).post(
        approve_url(submitted), {"comment": "Fine", "decision": "approve"}
    )

    response = second.post(
        approve_url(submitted),
        {"comment": "Needs work", "decision": "return", "seen_status": "submitted"},
    )

    assert response.status_code == 302
    assert response["Location"] == plan_url(submitted)
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert told == [
        "Someone else decided on this development plan while you were reading "
        "it: it is now approved by the LLSC. Nothing you entered was saved."
    ]
    plan = DevelopmentPlan.objects.get(pk=submitted.pk)
    assert (plan.status, plan.officer_comment) == ("approved", "Fine")
    assert len(steps(plan)) == 2


# The history.


def test_the_history_records_the_comment_and_the_approval(plan, cast, officer_a):
    officer = signed_in(cast["officer_a"])
    officer.post(approve_url(plan), {"comment": "First look", "decision": "comment"})
    signed_in(cast["manager_a"]).post(submit_url(plan))
    officer.post(approve_url(plan), {"comment": "Approved", "decision": "approve"})

    records = list(DevelopmentPlan.history.filter(id=plan.pk).order_by("history_date"))

    assert records[0].history_type == "+"
    assert [(r.status, r.officer_comment) for r in records[-3:]] == [
        ("draft", "First look"),
        ("submitted", "First look"),
        ("approved", "Approved"),
    ]
    assert records[-1].approved_by_id == officer_a.pk
    assert records[-1].history_user_id == officer_a.pk
    assert records[-3].history_user_id == officer_a.pk


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


def test_each_plan_step_emails_with_its_own_subject(
    plan, client_as, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        client_as("manager_a").post(submit_url(plan))
    with django_capture_on_commit_callbacks(execute=True):
        client_as("officer_a").post(
            approve_url(plan), {"comment": "Needs dates.", "decision": "return"}
        )

    assert [message.subject for message in mail.outbox] == [
        "Development plan to approve: Alpha Learning 2003-04",
        "Development plan returned for changes: Alpha Learning 2003-04",
    ]


def test_home_pages_show_the_plan_workflow(plan, client_as):
    manager = client_as("manager_a")
    manager.post(submit_url(plan))

    home = text(manager.get("/"))
    assert "Submitted for approval" in home
    assert "Waiting for your LLSC officer's decision." in home
    officer_home = client_as("officer_a").get("/").content.decode()
    assert 'href="/plans/to-approve/">Approve development plans</a>' in officer_home
    # One test client, signed in again as the manager.
    manager_home = client_as("manager_a").get("/").content.decode()
    assert "/plans/to-approve/" not in manager_home
