"""Two LLSC officers of the same local LSC decide on the same return.

(Two officers saving the same dimension's agreed scores: test_moderation.)

The race is simulated by reading the return twice before either decides: both
instances say "submitted". The workflow moves the status with
``UPDATE ... WHERE status = <the status read>``, so only the first finds it;
the second raises TransitionLost and, as return_review is atomic, nothing of
the second officer's is kept.

The last test runs the race for real: two requests in two threads, each with
its own database connection, on a database file (SQLite) or server
(PostgreSQL), deciding at the same moment.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client

from assessment import moderation, services
from assessment.models import Answer, Return, Transition
from assessment.services import AgreedScore, return_review
from assessment.workflow import TransitionLost

from .helpers import (
    AGREED_SCORES,
    SELF_SCORES,
    answers_by_code,
    check_url,
    decide,
    moderation_data,
    moderation_url,
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
    real = moderation.review_decide

    def first_officer_decides_meanwhile(**kwargs):
        meanwhile = Return.objects.get(pk=submitted_a.pk)
        services.return_review(
            return_record=meanwhile,
            user=officer_a,
            agreed=agreed(meanwhile, AGREED_SCORES, "First on"),
            overall_comment="The first officer's comment",
            decision="accepted",
        )
        return real(**kwargs)

    monkeypatch.setattr(moderation, "review_decide", first_officer_decides_meanwhile)
    response = second.post(
        check_url(submitted_a),
        review_data(
            submitted_a,
            decision="returned",
            reasons="Second officer's reasons",
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
    opened = second.get(check_url(submitted_a))
    assert "Confirm the decision" in text(opened)
    stale_form = review_data(submitted_a, overall="The second officer's comment")
    stale_scores = moderation_data(
        submitted_a,
        "D2",
        agreed=dict.fromkeys(SELF_SCORES, 1),
        comments=dict.fromkeys(SELF_SCORES, "Second"),
    )

    accepted = decide(first, submitted_a, agreed=AGREED_SCORES, overall="First")
    assert accepted.status_code == 302
    before = stored_review(submitted_a)

    for url, data in (
        (check_url(submitted_a), stale_form),
        (moderation_url(submitted_a, "D2"), stale_scores),
    ):
        response = second.post(url, data)
        assert stored_review(submitted_a) == before
        assert Transition.objects.exclude(to_status="submitted").count() == 2
        assert response.status_code == 302
        assert response["Location"] == review_url(submitted_a)
        page = second.get(response["Location"])
        assert "Someone else changed this return" in text(page)


@contextmanager
def database_for_threads(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """What the test has committed, on a database that other threads reach
    through connections of their own, and back again afterwards.

    PostgreSQL's test database already is one. SQLite's is in memory, where
    connections share one cache and lock whole tables instead of the file: it
    is copied to a file for the threads, and the file copied back at the end.
    Yields what each thread calls first to open its own connection."""
    if connection.vendor != "sqlite":
        yield lambda: None
        return
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as target:
        connection.ensure_connection()
        connection.connection.backup(target)
    settings = {**connection.settings_dict, "NAME": str(path)}
    wrapper = type(connections["default"])

    def use_file() -> None:
        connections["default"] = wrapper(settings, "default")

    yield use_file
    with sqlite3.connect(path) as source:
        source.backup(connection.connection)


@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_at_the_same_moment(
    submitted_a, officer_a, officer_a2, monkeypatch, tmp_path
):
    """Both requests have read the return as submitted and reach the decision
    together: one decision is kept whole, the other officer is told, no error
    page on either database."""
    decisions = {
        "officer_a": review_data(
            submitted_a, decision="accepted", overall="officer_a's comment"
        ),
        "officer_a2": review_data(
            submitted_a,
            decision="returned",
            reasons="officer_a2's reasons",
            overall="officer_a2's comment",
        ),
    }
    clients = {}
    for officer in (officer_a, officer_a2):
        clients[officer.username] = Client(raise_request_exception=False)
        clients[officer.username].force_login(
            officer, backend="partnerships.backends.PasswordBackend"
        )
    together = threading.Barrier(2, timeout=10)
    real = moderation.review_decide

    def decide_together(**kwargs):
        together.wait()
        return real(**kwargs)

    monkeypatch.setattr(moderation, "review_decide", decide_together)
    responses = {}

    def post(username: str, use_own_connection: Callable[[], None]) -> None:
        use_own_connection()
        try:
            responses[username] = clients[username].post(
                check_url(submitted_a), decisions[username]
            )
        finally:
            connections.close_all()

    with database_for_threads(tmp_path) as use_own_connection:
        threads = [
            threading.Thread(target=post, args=(username, use_own_connection))
            for username in decisions
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    status = {name: response.status_code for name, response in responses.items()}
    assert status == {"officer_a": 302, "officer_a2": 302}
    kept = list(
        Transition.objects.exclude(to_status="submitted").values_list(
            "to_status", "by__username"
        )
    )
    assert len(kept) == 1
    decision, winner = kept[0]
    loser = next(name for name in decisions if name != winner)
    assert decision == decisions[winner]["decision"]
    stored_status, comment, answers = stored_review(submitted_a)
    assert (stored_status, comment) == (decision, f"{winner}'s comment")
    # Nothing was moderated: every indicator is agreed at its self score.
    assert answers == {code: (score, "") for code, score in SELF_SCORES.items()}
    assert responses[winner]["Location"] == "/reviews/"
    assert responses[loser]["Location"] == review_url(submitted_a)
    now = "accepted" if decision == "accepted" else "returned for revision"
    assert [str(m) for m in get_messages(responses[loser].wsgi_request)] == [
        LOST.format(now)
    ]
    page = clients[loser].get(responses[loser]["Location"])
    assert "Someone else changed this return" in text(page)
