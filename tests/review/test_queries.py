"""Query counts: the queue and the review pages cost the same with ten times
the data."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment.evidence import evidence_upload
from assessment.models import Answer, Return, Transition
from assessment.services import return_start, return_submit
from assessment.workflow import answers_snapshot
from tests.factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    data_loader,
)

from .helpers import (
    SELF_SCORES,
    answers_by_code,
    check_url,
    fill_answers,
    moderation_data,
    moderation_url,
    review_url,
    signed_in,
)

SIZES = [1, 10]


@pytest.fixture
def grow(return_a, llsc_a, manager_a, period_2002, period_2003):
    """``size`` times more of what the pages might read: partnerships of LSC A
    with returns for both periods (2003-04 submitted), evidence files on
    partnership A's answers, and earlier submissions of partnership A's return
    (the last of which differs in D1.1, so "Changed" is shown)."""

    def build(size: int) -> Return:
        for _ in range(size):
            partnership = LearningPartnershipFactory()
            LLSCRelationshipFactory(partnership=partnership, llsc=llsc_a)
            return_start(
                partnership=partnership, period=period_2002, user=data_loader()
            )
            current = return_start(
                partnership=partnership, period=period_2003, user=data_loader()
            )
            Return.objects.filter(pk=current.pk).update(
                status="submitted", submitted_at=timezone.now()
            )
        fill_answers(return_a, SELF_SCORES)
        answers = answers_by_code(return_a)
        for n in range(size):
            evidence_upload(
                answer=answers[f"D{n % 4 + 1}.{n % 7 + 1}"],
                upload=SimpleUploadedFile(f"file{n}.pdf", b"%PDF-1.4 evidence"),
                user=manager_a,
            )
        return_submit(return_record=return_a, user=manager_a)
        submitted_a = Return.objects.get(pk=return_a.pk)
        latest = Transition.objects.get(return_record=submitted_a)
        snapshot = answers_snapshot(submitted_a)
        earlier = {**snapshot, "D1.1": {**snapshot["D1.1"], "score": 4}}
        for n in range(size):
            Transition.objects.create(
                return_record=submitted_a,
                from_status="returned",
                to_status="submitted",
                by=manager_a,
                at=latest.at - datetime.timedelta(days=n + 1),
                snapshot=earlier,
            )
        assert Answer.objects.count() == 28 * (1 + 2 * size)
        return submitted_a

    return build


@pytest.mark.parametrize("size", SIZES)
def test_queue(grow, officer_a, django_assert_num_queries, size):
    grow(size)
    client = signed_in(officer_a)
    # 1. the session
    # 2. the user, with their profile (the role: may see the queue; the scope;
    #    the header)
    # 3. the returns of the partnerships of the officer's LSC, with partnership
    #    and period
    # 4. the number of periods (the period filter's options)
    # 5. the periods themselves
    # 6. the current period, for the partnerships overdue in it (none: it has
    #    no deadline; past a deadline, one more query lists them)
    with django_assert_num_queries(6):
        response = client.get("/reviews/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 1 + 2 * size
    assert sum(row.return_record.status == "submitted" for row in rows) == 1 + size


@pytest.mark.parametrize("size", SIZES)
def test_queue_filtered(grow, officer_a, django_assert_num_queries, size):
    grow(size)
    client = signed_in(officer_a)
    # 1-2. session, user with their profile
    # 3. the period chosen, by its code
    # 4. the returns of the officer's LSC with that status and period
    # 5-6. the periods (count, then rows) for the filter's options
    with django_assert_num_queries(6):
        response = client.get("/reviews/?status=submitted&period=2003-04")
    assert len(response.context["rows"]) == 1 + size


@pytest.mark.parametrize("size", SIZES)
def test_review_page(grow, officer_a, django_assert_num_queries, size):
    current = grow(size)
    client = signed_in(officer_a)
    # 1. the session
    # 2. the user, with their profile
    # 3. the return, scoped to the user, with partnership, period and framework
    # 4. whether the partnership is linked to the officer's LSC (may review)
    # 5. the framework's score levels (stage labels)
    # 6. the framework's dimensions
    # 7. their indicators (prefetched)
    # 8. the return's answers with their indicators (states and scores)
    # 9. the last two submissions' snapshots (what changed)
    with django_assert_num_queries(9):
        response = client.get(review_url(current))
    assert response.status_code == 200
    assert [d.state for d in response.context["dimensions"]] == ["Not started"] * 4
    assert list(response.context["changes"]) == ["D1.1"]
    assert "Changed</strong>" in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
def test_moderation_dimension_page(grow, officer_a, django_assert_num_queries, size):
    current = grow(size)
    client = signed_in(officer_a)
    # 1-4. session, user with their profile, the return, may review (as above)
    # 5. the dimension, by its code
    # 6. the dimension's answers with their indicators
    # 7. their evidence files (prefetched)
    # 8. the categories ticked on them, with their lists (prefetched)
    # 9. the framework's score levels (the radios)
    # 10. the last two submissions' snapshots (what changed)
    with django_assert_num_queries(10):
        response = client.get(moderation_url(current, "D1"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 7
    assert sum(len(row.answer.evidence_links.all()) for row in rows) == (size + 3) // 4
    assert [row.answer.indicator.code for row in rows if row.changes] == ["D1.1"]


@pytest.mark.parametrize("size", SIZES)
def test_moderation_save(grow, officer_a, django_assert_max_num_queries, size):
    current = grow(size)
    client = signed_in(officer_a)
    data = moderation_data(current, "D2", action="later")
    # Reading as above, then the save: the return and the answers locked, the
    # step into review (scope, move, record, notifications), each answer
    # updated. The same for any amount of other data.
    with django_assert_max_num_queries(45):
        response = client.post(moderation_url(current, "D2"), data)
    assert response.status_code == 302
    assert Return.objects.get(pk=current.pk).status == "in_review"


@pytest.mark.parametrize("size", SIZES)
def test_moderation_check_page(grow, officer_a, django_assert_num_queries, size):
    current = grow(size)
    client = signed_in(officer_a)
    # 1-4. session, user with their profile, the return, may review (as above)
    # 5. the framework's score levels
    # 6. the return's answers with their indicators
    # 7. the framework's dimensions
    # 8. their indicators (prefetched)
    with django_assert_num_queries(8):
        response = client.get(check_url(current))
    assert response.status_code == 200
    assert sum(len(rows) for _, rows in response.context["dimensions"]) == 28
    assert "Confirm the decision" in response.content.decode()
