"""Query counts: each return page costs the same with ten times the data."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.models import Answer, Return
from assessment.services import attachment_add, return_start
from tests.factories import LearningPartnershipFactory, data_loader

from .helpers import answer, answers_of, dimension_url, earlier_returns, form_data

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
            attachment_add(
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
    # 2. the user
    # 3. the user's profile (the role, for scoping and the header)
    # 4. the return, scoped to the user, with partnership, period and framework
    # 5. the framework's score levels (for the stage labels)
    # 6. the framework's dimensions
    # 7. their indicators (prefetched)
    # 8. the return's answers, with their indicators
    # 9. whether the user manages the partnership (may change the return)
    # 10. the partnership's development plan for the period, if any
    with django_assert_num_queries(10):
        response = client.get(f"/returns/{current.pk}/")
    assert response.status_code == 200
    assert [s.scored_count for s in response.context["summaries"]] == [7] * 4
    assert response.context["can_edit"] is True


@pytest.mark.parametrize("size", SIZES)
def test_dimension_page(client_as, grow, django_assert_num_queries, size):
    client = client_as("manager_a")
    current = grow(size)
    # 1. the session
    # 2. the user
    # 3. the user's profile
    # 4. the return, scoped to the user, with partnership, period and framework
    # 5. the dimension, by its code in the return's framework
    # 6. whether the user manages the partnership (may change the return)
    # 7. the dimension's answers, with indicators and who last saved each
    # 8. their evidence files (prefetched)
    # 9. the partnership's previous return
    # 10. its answers to the same indicators, with that return's period
    # 11. the framework's score levels (the radios and "how to score")
    with django_assert_num_queries(11):
        response = client.get(dimension_url(current, "D1"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 7
    assert sum(len(row.answer.attachments.all()) for row in rows) == size
    assert all(row.last_year.agreed_score == 3 for row in rows)
    assert rows[0].last_year.return_record.period.code == "2002-03"


@pytest.mark.parametrize("size", SIZES)
def test_check_answers(client_as, grow, django_assert_num_queries, size):
    client = client_as("manager_a")
    current = grow(size)
    # 1. the session
    # 2. the user
    # 3. the user's profile
    # 4. the return, scoped to the user, with partnership, period and framework
    # 5. the framework's score levels
    # 6. the framework's dimensions
    # 7. their indicators (prefetched)
    # 8. the return's answers, with their indicators
    # 9. whether the user manages the partnership (the change links, submit)
    with django_assert_num_queries(9):
        response = client.get(f"/returns/{current.pk}/check/")
    assert response.status_code == 200
    assert sum(len(s.answers) for s in response.context["summaries"]) == 28
    assert "Submit the self-assessment" in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("changed", [1, 7])
def test_dimension_save(client_as, grow, django_assert_num_queries, size, changed):
    """The deadline rush is mostly this POST: a draft saved costs the same
    with ten times the data, and two queries for each answer changed."""
    client = client_as("manager_a")
    current = grow(size)
    answers = answers_of(current, "D1")
    changes = {
        item.indicator.code: {"evidence": f"Met the colleges in May ({n})."}
        for n, item in enumerate(answers[:changed])
    }
    # 1. the session
    # 2. the user
    # 3. the user's profile
    # 4. the return, scoped to the user, with partnership, period and framework
    # 5. whether the user manages the partnership (may change the return)
    # 6. the dimension, by its code in the return's framework
    # 7. the dimension's answers, with their indicators
    # 8. the framework's score levels (the choices the form accepts)
    # 9. the save begins: all or nothing (a savepoint inside the test)
    # 10. the return, locked, to check it is still a draft
    # 11. the dimension's answers, locked, to compare versions
    # then for each answer changed: its update and its history row
    # 12. the save ends
    # 13. the next dimension (where "Save and continue" goes)
    with django_assert_num_queries(13 + 2 * changed):
        response = client.post(
            dimension_url(current, "D1"), form_data(answers, changes)
        )
    assert response.status_code == 302
    assert response["Location"] == dimension_url(current, "D2")
    stored = answers_of(current, "D1")
    assert [a.evidence for a in stored[:changed]] == [
        c["evidence"] for c in changes.values()
    ]
    assert all(a.version == 3 for a in stored[:changed])
    assert all(a.version == 2 for a in stored[changed:])
