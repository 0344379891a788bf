"""The services that change state check who may do it themselves, so a caller
that skips the view's check (a task, a command, a future API) changes
nothing: each refusal raises PermissionDenied and leaves the rows as they
were."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment import evidence as assessment_evidence
from assessment import services as assessment_services
from assessment.models import (
    EngagementRating,
    EvidenceFile,
    EvidenceLink,
    Notification,
    Reminder,
    Return,
)
from assessment.reminders import reminders_send
from plans import services as plan_services
from plans import workflow as plan_workflow
from plans.models import DevelopmentPlan, PlanAction, Priority, Target
from reports.models import Pack
from reports.packs import pack_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(partnership_a, period_2003, return_a) -> DevelopmentPlan:
    return DevelopmentPlan.objects.create(
        partnership=partnership_a, period=period_2003, source_return=return_a
    )


@pytest.fixture
def priority(plan, manager_a) -> Priority:
    dimension = plan.source_return.framework.dimensions.get(code="D1")
    return plan_services.priority_save(
        plan=plan, user=manager_a, title="Reach the wards", dimension=dimension
    )


def test_a_plan_is_approved_only_by_its_llsc_officers(
    plan, manager_a, officer_elsewhere, go_a, officer_a
):
    for user in (officer_a, officer_elsewhere, go_a):
        with pytest.raises(PermissionDenied):
            plan_workflow.plan_transition(plan=plan, to_status="submitted", user=user)
    plan.refresh_from_db()
    assert plan.status == "draft"
    plan_workflow.plan_transition(plan=plan, to_status="submitted", user=manager_a)
    for user in (manager_a, officer_elsewhere, go_a):
        for to_status in ("approved", "returned"):
            with pytest.raises(PermissionDenied):
                plan_workflow.plan_transition(
                    plan=plan, to_status=to_status, user=user, reason="Fine"
                )
        with pytest.raises(PermissionDenied):
            plan_services.plan_comment(plan=plan, user=user, comment="Fine")
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by, plan.officer_comment) == (
        "submitted",
        None,
        "",
    )
    assert plan.transitions.count() == 1

    plan_workflow.plan_transition(
        plan=plan, to_status="approved", user=officer_a, reason="Fine"
    )
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == ("approved", officer_a)


def test_a_plan_is_changed_only_by_its_managers(
    plan, priority, manager_b, officer_a, go_a
):
    dimension = priority.dimension
    for user in (manager_b, officer_a, go_a, None):
        with pytest.raises(PermissionDenied):
            plan_services.priority_save(
                plan=plan, user=user, title="Other", dimension=dimension
            )
        with pytest.raises(PermissionDenied):
            plan_services.action_save(
                priority=priority,
                user=user,
                description="An action",
                lead_person="Someone",
                improvement_area="services",
                starts_on=datetime.date(2003, 5, 1),
                due_on=datetime.date(2003, 9, 1),
                success_measure="Done",
            )
        with pytest.raises(PermissionDenied):
            plan_services.target_save(
                priority=priority,
                user=user,
                actuals={},
                measure="Learners",
                unit="learners",
                baseline=Decimal(1),
                floor=Decimal(2),
                aspirational=Decimal(3),
            )
        with pytest.raises(PermissionDenied):
            plan_services.priority_delete(priority=priority, user=user)
        with pytest.raises(PermissionDenied):
            plan_services.suggestion_dismiss(plan=plan, user=user, code="D1.1")
    assert list(Priority.objects.values_list("title", flat=True)) == ["Reach the wards"]
    assert not PlanAction.objects.exists()
    assert not Target.objects.exists()
    plan.refresh_from_db()
    assert plan.dismissed_suggestions == []


def test_a_plan_is_started_only_by_the_partnerships_managers(
    return_a, manager_b, officer_a
):
    for user in (manager_b, officer_a):
        with pytest.raises(PermissionDenied):
            plan_services.plan_create(return_record=return_a, user=user)
    assert not DevelopmentPlan.objects.exists()


def test_a_return_is_started_and_changed_only_by_its_managers(
    partnership_a, period_2002, return_a, manager_b, officer_a
):
    with pytest.raises(PermissionDenied):
        assessment_services.return_start(
            partnership=partnership_a, period=period_2002, user=manager_b
        )
    assert Return.objects.count() == 1
    answer = return_a.answers.first()
    for user in (manager_b, officer_a):
        with pytest.raises(PermissionDenied):
            assessment_services.answer_save(
                return_record=return_a,
                answer=answer,
                values={
                    "score": 4,
                    "evidence": "",
                    "barriers": "",
                    "planned_action": "",
                },
                version=answer.version,
                user=user,
            )
        with pytest.raises(PermissionDenied):
            assessment_evidence.evidence_upload(
                answer=answer,
                upload=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence"),
                user=user,
            )
        with pytest.raises(PermissionDenied):
            assessment_services.profile_confirm(return_record=return_a, user=user)
    answer.refresh_from_db()
    return_a.refresh_from_db()
    assert answer.score is None
    assert return_a.profile_checked_at is None
    assert not EvidenceFile.objects.exists()


def test_evidence_is_removed_only_by_the_partnerships_managers(
    return_a, manager_a, manager_b
):
    attachment = assessment_evidence.evidence_upload(
        answer=return_a.answers.first(),
        upload=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence"),
        user=manager_a,
    )
    with pytest.raises(PermissionDenied):
        assessment_evidence.evidence_unlink(link=attachment, user=manager_b)
    assert EvidenceLink.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize("name", ["manager_b", "officer_a", "go_a"])
def test_the_evidence_library_is_changed_only_by_the_partnerships_managers(
    return_a, manager_a, request, name
):
    link = assessment_evidence.evidence_upload(
        answer=return_a.answers.first(),
        upload=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence"),
        user=manager_a,
    )
    evidence_file = link.evidence_file
    user = request.getfixturevalue(name)
    with pytest.raises(PermissionDenied):
        assessment_evidence.evidence_file_update(
            evidence_file=evidence_file,
            user=user,
            title="Changed",
            document_date=None,
            review_by=None,
        )
    with pytest.raises(PermissionDenied):
        assessment_evidence.evidence_link(
            answer=return_a.answers.last(), evidence_file=evidence_file, user=user
        )
    with pytest.raises(PermissionDenied):
        assessment_evidence.evidence_keep(link=link, user=user)
    assessment_evidence.evidence_unlink(link=link, user=manager_a)
    with pytest.raises(PermissionDenied):
        assessment_evidence.evidence_file_delete(evidence_file=evidence_file, user=user)
    evidence_file.refresh_from_db()
    assert evidence_file.title == "evidence.pdf"
    assert not EvidenceLink.objects.exists()


def test_ratings_and_packs_are_refused_to_other_roles(
    partnership_a, period_2003, manager_a, officer_a
):
    for user in (manager_a, officer_a):
        with pytest.raises(PermissionDenied):
            assessment_services.rating_save(
                partnership=partnership_a,
                period=period_2003,
                user=user,
                rating=5,
                rationale="Very engaged",
            )
        with pytest.raises(PermissionDenied):
            pack_request(user=user, period=period_2003, region=None)
    assert not EngagementRating.objects.exists()
    assert not Pack.objects.exists()


def test_reminders_are_refused_to_managers_and_llsc_officers(
    partnership_a, period_2003, manager_a, officer_a
):
    for user in (manager_a, officer_a):
        with pytest.raises(PermissionDenied):
            reminders_send(user=user, period=period_2003)
    assert not Reminder.objects.exists()
    assert not Notification.objects.exists()
