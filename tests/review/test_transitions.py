"""Every workflow step for every member of the cast, made through
``return_transition``.

The rule (assessment/workflow.py): someone who cannot see the return is
refused with PermissionDenied whatever the step; a step the table does not
allow from the return's state is TransitionRefused; an allowed step by the
wrong role is PermissionDenied. Allowed:

    draft     -> submitted              the partnership's managers (and admin)
    returned  -> submitted              the partnership's managers (and admin)
    submitted -> in_review / returned / accepted    its LLSC officers (and admin)
    in_review -> returned / accepted                its LLSC officers (and admin)

Nothing leaves accepted.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assessment.models import Return, Transition
from assessment.services import AgreedScore, return_review, review_start
from assessment.workflow import (
    TransitionLost,
    TransitionRefused,
    return_transition,
)
from tests.conftest import CAST

from .helpers import AGREED_SCORES, SELF_SCORES, answers_by_code, fill_answers

STATUSES = ["draft", "submitted", "in_review", "returned", "accepted"]
MANAGER_STEPS = {("draft", "submitted"), ("returned", "submitted")}
OFFICER_STEPS = {
    ("submitted", "in_review"),
    ("submitted", "returned"),
    ("submitted", "accepted"),
    ("in_review", "returned"),
    ("in_review", "accepted"),
}
# Who may make which steps, and who can see partnership A's return at all.
MAY = {
    "manager_a": MANAGER_STEPS,
    "officer_a": OFFICER_STEPS,
    "admin": MANAGER_STEPS | OFFICER_STEPS,
    "go_a": set(),
}
SEES_RETURN_A = set(MAY)


def expected(name: str, step: tuple[str, str]) -> str:
    if name not in SEES_RETURN_A:
        return "PermissionDenied"
    if step not in MANAGER_STEPS | OFFICER_STEPS:
        return "TransitionRefused"
    return "allowed" if step in MAY[name] else "PermissionDenied"


def put_in(return_record: Return, status: str) -> Return:
    """The return moved straight to a status in the database (submitted_at is
    required by a constraint once it has left draft)."""
    Return.objects.filter(pk=return_record.pk).update(
        status=status,
        submitted_at=None if status == "draft" else timezone.now(),
        submitted_by=None,
    )
    return Return.objects.get(pk=return_record.pk)


def attempt(return_record: Return, frm: str, to: str, user) -> str:
    """Try one step from a fresh state; check what it left behind; roll back."""
    with transaction.atomic():
        record = put_in(return_record, frm)
        before = Transition.objects.count()
        reason = f"Because {frm} to {to}"
        try:
            step = return_transition(
                return_record=record, to_status=to, user=user, reason=reason
            )
        except (TransitionRefused, PermissionDenied) as error:
            outcome = type(error).__name__
            # Refused: nothing recorded and the return as it was.
            assert Transition.objects.count() == before, (frm, to)
            assert Return.objects.get(pk=record.pk).status == frm, (frm, to)
        else:
            outcome = "allowed"
            assert Transition.objects.count() == before + 1, (frm, to)
            stored = Transition.objects.get(pk=step.pk)
            assert (
                stored.return_record_id,
                stored.from_status,
                stored.to_status,
                stored.by_id,
                stored.reason,
            ) == (record.pk, frm, to, user.pk, reason)
            fresh = Return.objects.get(pk=record.pk)
            assert fresh.status == to
            assert record.status == to  # the caller's instance follows
            if to == "submitted":
                assert fresh.submitted_by_id == user.pk
                assert len(stored.snapshot) == 28
            else:
                assert stored.snapshot is None
        transaction.set_rollback(True)
    return outcome


@pytest.mark.parametrize("name", CAST)
def test_every_step_for_every_role(name, cast, return_a):
    user = cast[name]
    outcomes = {
        (frm, to): attempt(return_a, frm, to, user)
        for frm in STATUSES
        for to in STATUSES
    }
    assert outcomes == {
        (frm, to): expected(name, (frm, to)) for frm in STATUSES for to in STATUSES
    }


@pytest.mark.parametrize("name", ["manager_a", "officer_a", "admin"])
def test_nothing_leaves_accepted(name, cast, return_a):
    record = put_in(return_a, "accepted")
    for to in STATUSES:
        with pytest.raises(TransitionRefused, match="A return that is accepted"):
            return_transition(
                return_record=record, to_status=to, user=cast[name], reason="x"
            )
    assert not Transition.objects.exists()
    assert Return.objects.get(pk=return_a.pk).status == "accepted"


@pytest.mark.parametrize("frm", ["submitted", "in_review"])
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_returning_needs_a_reason(frm, reason, officer_a, return_a):
    record = put_in(return_a, frm)
    with pytest.raises(ValidationError) as error:
        return_transition(
            return_record=record, to_status="returned", user=officer_a, reason=reason
        )
    assert error.value.message_dict == {
        "reason": ["Give the reasons for returning the self-assessment"]
    }
    assert Return.objects.get(pk=return_a.pk).status == frm
    assert not Transition.objects.exists()


def test_reason_is_stored_trimmed(officer_a, return_a):
    record = put_in(return_a, "submitted")
    step = return_transition(
        return_record=record,
        to_status="returned",
        user=officer_a,
        reason="  Evidence for D2 is missing.\n",
    )
    assert Transition.objects.get(pk=step.pk).reason == "Evidence for D2 is missing."


def test_submission_stores_the_answers_as_submitted(return_a, manager_a, officer_a):
    fill_answers(return_a, SELF_SCORES)
    step = return_transition(
        return_record=return_a, to_status="submitted", user=manager_a
    )
    snapshot = Transition.objects.get(pk=step.pk).snapshot
    assert set(snapshot) == set(SELF_SCORES)
    assert snapshot["D1.4"] == {
        "score": 4,
        "evidence": "Evidence for D1.4",
        "barriers": "",
        "planned_action": "",
    }
    assert {code: value["score"] for code, value in snapshot.items()} == SELF_SCORES
    return_a.refresh_from_db()
    assert return_a.submitted_at == step.at
    assert return_a.submitted_by == manager_a
    # Later steps keep no snapshot.
    step = return_transition(
        return_record=return_a, to_status="returned", user=officer_a, reason="More"
    )
    assert Transition.objects.get(pk=step.pk).snapshot is None


def test_review_start_takes_the_return_into_review(submitted_a, officer_a):
    review_start(return_record=submitted_a, user=officer_a)
    assert Return.objects.get(pk=submitted_a.pk).status == "in_review"
    last = Transition.objects.latest("pk")
    assert (last.from_status, last.to_status, last.by) == (
        "submitted",
        "in_review",
        officer_a,
    )
    with pytest.raises(TransitionRefused):
        review_start(return_record=submitted_a, user=officer_a)


def test_stale_instance_cannot_repeat_a_step(submitted_a, officer_a):
    """A second step from an instance read before the first is lost."""
    stale = Return.objects.get(pk=submitted_a.pk)
    review_start(return_record=submitted_a, user=officer_a)
    with pytest.raises(TransitionLost, match="it is now in review"):
        review_start(return_record=stale, user=officer_a)
    assert Transition.objects.filter(to_status="in_review").count() == 1


def test_review_service_saves_scores_and_decision(submitted_a, officer_a):
    answers = answers_by_code(submitted_a)
    return_review(
        return_record=submitted_a,
        user=officer_a,
        agreed={
            answers[code].pk: AgreedScore(score, f"On {code}")
            for code, score in AGREED_SCORES.items()
        },
        overall_comment="A fair self-assessment.",
        decision="accepted",
    )
    stored = answers_by_code(submitted_a)
    assert {c: a.agreed_score for c, a in stored.items()} == AGREED_SCORES
    assert stored["D3.5"].officer_comment == "On D3.5"
    fresh = Return.objects.get(pk=submitted_a.pk)
    assert (fresh.status, fresh.review_comment) == (
        "accepted",
        "A fair self-assessment.",
    )


def test_review_service_return_without_reason_saves_nothing(submitted_a, officer_a):
    answers = answers_by_code(submitted_a)
    with pytest.raises(ValidationError):
        return_review(
            return_record=submitted_a,
            user=officer_a,
            agreed={a.pk: AgreedScore(1, "Too high") for a in answers.values()},
            overall_comment="Not yet",
            decision="returned",
            reasons=" ",
        )
    stored = answers_by_code(submitted_a).values()
    assert {(a.agreed_score, a.officer_comment) for a in stored} == {(None, "")}
    fresh = Return.objects.get(pk=submitted_a.pk)
    assert (fresh.status, fresh.review_comment) == ("submitted", "")
