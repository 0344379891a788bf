"""Query counts: each return page costs the same with ten times the data."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment.evidence import evidence_upload
from assessment.models import Answer, Return
from assessment.services import return_start
from tests.factories import LearningPartnershipFactory, data_loader

from .helpers import (
    answer,
    dimension_url,
    earlier_returns,
    form_data,
    indicator_url,
)

SIZES = [1, 10]


@pytest.fixture
def grow(framework, partnership_a, manager_a, period_2002, period_2003):
    """``size`` times more of everything a return page might read: other
    partnerships' returns for both periods, partnership A's returns for earlier
    periods, and evidence files on partnership A's D1 answers; partnership A's
    2002-03 return is always there (last year's scores)."""

    def build(size: int) -> Return:
        current = return_start(
            partnership=partnership_a, period=period_2003, user=manager_a
        )
        last_year = return_start(
            partnership=partnership_a, period=period_2002, user=manager_a
        )
        Answer.objects.filter(return_record=last_year).update(score=2, agreed_score=3)
        Answer.objects.filter(return_record=current).update(score=1, version=2)
        for partnership in LearningPartnershipFactory.create_batch(size):
            for period in (period_2002, period_2003):
                return_start(partnership=partnership, period=period, user=data_loader())
        earlier_returns(
            partnership=partnership_a,
            framework=framework,
            user=manager_a,
            before=2001,
            years=size,
        )
        for n in range(size):
            evidence_upload(
                answer=answer(current, f"D1.{n % 7 + 1}"),
                upload=SimpleUploadedFile(f"file{n}.pdf", b"%PDF-1.4 evidence"),
                user=manager_a,
            )
        assert Answer.objects.count() == 28 * (2 + 2 * size + size)
        return current

    return build


@pytest.mark.parametrize("size", SIZES)
def test_task_list(client_as, grow, django_assert_num_queries, size):
    client = client_as("manager_a")
    current = grow(size)
    # 1. the session
    # 2. the user, with their profile (the role, for scoping and the header)
    # 3. the return, scoped to the user, with partnership, period and framework
    # 4. the framework's score levels (for the stage labels)
    # 5. the framework's dimensions
    # 6. their indicators (prefetched)
    # 7. the return's answers, with their indicators
    # 8. whether the user manages the partnership (may change the return)
    # 9. the partnership's development plan for the period, if any
    with django_assert_num_queries(9):
        response = client.get(f"/returns/{current.pk}/")
    assert response.status_code == 200
    assert [s.scored_count for s in response.context["summaries"]] == [7] * 4
    assert response.context["can_edit"] is True


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("returned", [False, True])
def test_dimension_page(client_as, grow, django_assert_num_queries, size, returned):
    client = client_as("manager_a")
    current = grow(size)
    if returned:
        Return.objects.filter(pk=current.pk).update(
            status=Return.Status.RETURNED, submitted_at=timezone.now()
        )
        Answer.objects.filter(return_record=current).update(
            agreed_score=2, officer_comment="Show the minutes."
        )
    # 1. the session
    # 2. the user, with their profile
    # 3. the return, scoped to the user, with partnership, period and framework
    # 4. whether the user manages the partnership (may change the return)
    # 5. the dimension, by its code in the return's framework
    # 6. the dimension's answers, with their indicators
    # 7. the next dimension (where the page leads once all are completed)
    # 8. when returned for revision: the score levels (the agreed scores named)
    with django_assert_num_queries(8 if returned else 7):
        response = client.get(dimension_url(current, "D1"))
    assert response.status_code == 200
    tasks = response.context["tasks"]
    assert [t.answer.indicator.code for t in tasks] == [f"D1.{n}" for n in range(1, 8)]
    assert response.text.count("app-officer-review") == (7 if returned else 0)


@pytest.mark.parametrize("size", SIZES)
def test_indicator_page(client_as, grow, django_assert_num_queries, size):
    client = client_as("manager_a")
    current = grow(size)
    # 1. the session
    # 2. the user, with their profile
    # 3. the return, scoped to the user, with partnership, period and framework
    # 4. whether the user manages the partnership (may change the return)
    # 5. the dimension, by its code in the return's framework
    # 6. the answer, with its indicator and who last saved it
    # 7. its evidence files (prefetched)
    # 8. the previous return's answer to the same indicator, with that
    #    return's period (the return found in a subquery)
    # 9. the framework's score levels (the radios and "how to score")
    # 10. the dimension's indicator codes (where it stands, what comes next)
    # 11. the partnership's library files not yet linked (the select)
    # 12. the categories ticked on the answer, with their lists (prefetched)
    # 13. the framework's category lists (the checkboxes)
    # 14. their categories (prefetched)
    url = indicator_url(current, "D1.1")
    with django_assert_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    row = response.context["row"]
    assert len(row.answer.evidence_links.all()) == (size + 6) // 7
    assert row.last_year.agreed_score == 3
    assert row.last_year.return_record.period.code == "2002-03"
    assert (response.context["position"], response.context["count"]) == (1, 7)


@pytest.mark.parametrize("size", SIZES)
def test_check_answers(client_as, grow, django_assert_num_queries, size):
    client = client_as("manager_a")
    current = grow(size)
    # 1. the session
    # 2. the user, with their profile
    # 3. the return, scoped to the user, with partnership, period and framework
    # 4. the framework's score levels
    # 5. the framework's dimensions
    # 6. their indicators (prefetched)
    # 7. the return's answers, with their indicators
    # 8. their evidence files (prefetched)
    # 9. the categories ticked on them, with their lists (prefetched)
    # 10. whether the user manages the partnership (the change links, submit)
    with django_assert_num_queries(10):
        response = client.get(f"/returns/{current.pk}/check/")
    assert response.status_code == 200
    assert sum(len(s.answers) for s in response.context["summaries"]) == 28
    files = response.context["summaries"][0].answers[0].evidence_links.all()
    assert len(files) == (size + 6) // 7
    assert "Submit the self-assessment" in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("changed", [False, True])
def test_indicator_save(client_as, grow, django_assert_num_queries, size, changed):
    """The deadline rush is mostly this POST: an answer saved costs the same
    with ten times the data."""
    client = client_as("manager_a")
    current = grow(size)
    d12 = answer(current, "D1.2")
    changes = {"D1.2": {"evidence": "Met the colleges in May."}} if changed else {}
    # 1. the session
    # 2. the user, with their profile
    # 3. the return, scoped to the user, with partnership, period and framework
    # 4. whether the user manages the partnership (may change the return)
    # 5. the dimension, by its code in the return's framework
    # 6. the answer, with its indicator (its files and last year's answer are
    #    read only to show the page again)
    # 7. the framework's score levels (the choices the form accepts)
    # 8. the dimension's indicator codes (where Save and continue goes)
    # 9. the framework's category lists (the checkboxes the form accepts)
    # 10. their categories (prefetched)
    # 11. the save begins (a savepoint inside the test)
    # 12. the return, locked, to check it is still a draft
    # 13. the answer, locked, to compare versions
    # 14. the categories ticked on it, to compare
    # when changed: its update and its history row
    # 15. the save ends
    url, following = indicator_url(current, "D1.2"), indicator_url(current, "D1.3")
    data = form_data([d12], changes)
    with django_assert_num_queries(17 if changed else 15):
        response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == following
    stored = answer(current, "D1.2")
    assert stored.evidence == ("Met the colleges in May." if changed else "")
    assert stored.version == (3 if changed else 2)
