"""Two LLSC officers of the same local LSC decide on the same return.

The race is simulated by reading the return twice before either decides: both
instances say "submitted". The workflow moves the status with
``UPDATE ... WHERE status = <the status read>``, so only the first finds it;
the second raises TransitionLost and, as return_review is atomic, nothing of
the second officer's is kept.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from assessment import services
from assessment.models import Answer, Return, Transition
from assessment.services import AgreedScore, return_review
from assessment.workflow import TransitionLost

from .helpers import (
    AGREED_SCORES,
    SELF_SCORES,
    answers_by_code,
    review_data,
    review_url,
    signed_in,
    text,
)

LOST = (
    "Someone else changed this return while you were working on it: it is now "
    "{}. Nothing you entered was saved."
)


def agreed(return_record: Return, scores: dict[str, int], comment: str):
    return {
        a.pk: AgreedScore(scores[code], f"{comment} {code}")
        for code, a in answers_by_code(return_record).items()
    }


def stored_review(return_record: Return):
    answers = answers_by_code(return_record)
    fresh = Return.objects.get(pk=return_record.pk)
    return (
        fresh.status,
        fresh.review_comment,
        {code: (a.agreed_score, a.officer_comment) for code, a in answers.items()},
    )


@pytest.mark.parametrize(
    ("first_decision", "second_decision", "now"),
    [
        ("accepted", "accepted", "accepted"),
        ("accepted", "returned", "accepted"),
        ("returned", "accepted", "returned for revision"),
    ],
)
def test_only_one_of_two_stale_decisions_wins(
    submitted_a, officer_a, officer_a2, first_decision, second_decision, now
):
    first = Return.objects.get(pk=submitted_a.pk)
    second = Return.objects.get(pk=submitted_a.pk)
    assert first.status == second.status == "submitted"

    return_review(
        return_record=first,
        user=officer_a,
        agreed=agreed(first, AGREED_SCORES, "First on"),
        overall_comment="The first officer's comment",
        decision=first_decision,
        reasons="First officer's reasons",
    )
    with pytest.raises(TransitionLost) as lost:
        return_review(
            return_record=second,
            user=officer_a2,
            agreed=agreed(second, dict.fromkeys(SELF_SCORES, 1), "Second on"),
            overall_comment="The second officer's comment",
            decision=second_decision,
            reasons="Second officer's reasons",
        )
    assert str(lost.value) == LOST.format(now)

    decisions = Transition.objects.exclude(to_status="submitted")
    assert list(decisions.values_list("to_status", "by__username", "reason")) == [
        (first_decision, "officer_a", "First officer's reasons")
    ]
    status, comment, answers = stored_review(submitted_a)
    assert (status, comment) == (first_decision, "The first officer's comment")
    assert answers == {
        code: (score, f"First on {code}") for code, score in AGREED_SCORES.items()
    }
    assert second.status == "submitted"  # the loser's instance was not moved


def test_loser_saves_nothing_even_after_a_partial_write(
    submitted_a, officer_a, officer_a2, monkeypatch
):
    """If the losing decision had written anything before the step was lost,
    the transaction of return_review rolls it back."""
    first = Return.objects.get(pk=submitted_a.pk)
    second = Return.objects.get(pk=submitted_a.pk)
    return_review(
        return_record=first,
        user=officer_a,
        agreed=agreed(first, AGREED_SCORES, "First on"),
        overall_comment="First",
        decision="accepted",
    )
    before = stored_review(submitted_a)

    real = services.return_transition

    def write_then_lose(**kwargs):
        # A write made inside return_review before the step is attempted.
        Answer.objects.filter(return_record=submitted_a).update(
            agreed_score=1, officer_comment="Leaked"
        )
        Return.objects.filter(pk=submitted_a.pk).update(review_comment="Leaked")
        return real(**kwargs)

    monkeypatch.setattr(services, "return_transition", write_then_lose)
    with pytest.raises(TransitionLost):
        return_review(
            return_record=second,
            user=officer_a2,
            agreed=agreed(second, dict.fromkeys(SELF_SCORES, 1), "Second on"),
            overall_comment="Second",
            decision="accepted",
        )
    assert stored_review(submitted_a) == before


def test_race_over_http_between_load_and_decision(
    submitted_a, officer_a, officer_a2, monkeypatch
):
    """The second officer's request has read the return (still submitted) when
    the first officer's decision commits."""
    second = signed_in(officer_a2)
    real = services.return_review

    def first_officer_decides_meanwhile(**kwargs):
        meanwhile = Return.objects.get(pk=submitted_a.pk)
        real(
            return_record=meanwhile,
            user=officer_a,
            agreed=agreed(meanwhile, AGREED_SCORES, "First on"),
            overall_comment="The first officer's comment",
            decision="accepted",
        )
        monkeypatch.setattr(services, "return_review", real)
        return real(**kwargs)

    monkeypatch.setattr(services, "return_review", first_officer_decides_meanwhile)
    response = second.post(
        review_url(submitted_a),
        review_data(
            submitted_a,
            decision="returned",
            reasons="Second officer's reasons",
            agreed=dict.fromkeys(SELF_SCORES, 1),
            comments=dict.fromkeys(SELF_SCORES, "Second"),
            overall="The second officer's comment",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == review_url(submitted_a)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        LOST.format("accepted")
    ]
    page = second.get(response["Location"])
    assert "Someone else changed this return" in text(page)

    status, comment, answers = stored_review(submitted_a)
    assert (status, comment) == ("accepted", "The first officer's comment")
    assert answers == {
        code: (score, f"First on {code}") for code, score in AGREED_SCORES.items()
    }
    assert list(
        Transition.objects.exclude(to_status="submitted").values_list(
            "to_status", "by__username"
        )
    ) == [("accepted", "officer_a")]


def test_second_officer_who_opened_the_page_earlier(submitted_a, officer_a, officer_a2):
    first, second = signed_in(officer_a), signed_in(officer_a2)
    opened = second.get(review_url(submitted_a))
    assert "Confirm the decision" in text(opened)
    stale_form = review_data(
        submitted_a,
        agreed=dict.fromkeys(SELF_SCORES, 1),
        comments=dict.fromkeys(SELF_SCORES, "Second"),
        overall="The second officer's comment",
    )

    accepted = first.post(
        review_url(submitted_a),
        review_data(submitted_a, agreed=AGREED_SCORES, overall="First"),
    )
    assert accepted.status_code == 302
    before = stored_review(submitted_a)

    response = second.post(review_url(submitted_a), stale_form)
    assert stored_review(submitted_a) == before
    assert Transition.objects.exclude(to_status="submitted").count() == 1
    assert response.status_code == 302
    assert response["Location"] == review_url(submitted_a)
    page = second.get(response["Location"])
    assert "Someone else changed this return" in text(page)
