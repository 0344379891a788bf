"""A return in a period that runs both roles: the task list shows each role's
dimensions, a collaboration dimension's pages save, submitting needs both
roles scored, and the next dimension after D4 is C1."""

from __future__ import annotations

import re

import pytest

from assessment.models import Answer, Return
from assessment.services import return_start
from indicators.models import FrameworkRole
from tests.assessment.helpers import dimension_url, post_answer, score_dimension

REGENERATION = ("D1", "D2", "D3", "D4")
COLLABORATION = ("C1", "C2", "C3", "C4")


@pytest.fixture
def return_both(partnership_a, manager_a, both_roles) -> Return:
    return return_start(partnership=partnership_a, period=both_roles, user=manager_a)


def test_a_return_answers_every_role_the_period_runs(return_both):
    roles = set(
        Answer.objects.filter(return_record=return_both).values_list(
            "indicator__dimension__framework__role", flat=True
        )
    )
    assert roles == {FrameworkRole.REGENERATION, FrameworkRole.COLLABORATION}
    assert Answer.objects.filter(return_record=return_both).count() == 28 + 18
    # The return itself stays under the regeneration framework.
    assert return_both.framework.role == FrameworkRole.REGENERATION


def test_the_task_list_shows_each_roles_dimensions(client_as, return_both):
    html = client_as("manager_a").get(f"/returns/{return_both.pk}/").text

    assert html.index("Regeneration dimensions") < html.index(
        "Collaboration dimensions"
    )
    links = re.findall(r'/returns/\d+/dimensions/([CD]\d)/"', html)
    assert links == [*REGENERATION, *COLLABORATION]
    assert "You have completed 0 of 8 dimensions." in html


def test_a_return_without_the_collaboration_role_shows_one(client_as, return_a):
    html = client_as("manager_a").get(f"/returns/{return_a.pk}/").text
    assert "Regeneration dimensions" in html
    assert "Collaboration" not in html
    assert client_as("manager_a").get(dimension_url(return_a, "C1")).status_code == 404


def test_a_collaboration_indicator_saves_through_its_page(client_as, return_both):
    client = client_as("manager_a")
    page = client.get(dimension_url(return_both, "C1"))
    assert page.status_code == 200
    assert "Coherence of provision" in page.text

    response = post_answer(
        client, return_both, "C1.1", {"score": 3, "evidence": "One shared map."}
    )

    assert response.status_code == 302
    saved = Answer.objects.get(return_record=return_both, indicator__code="C1.1")
    assert (saved.score, saved.evidence) == (3, "One shared map.")


def test_after_the_last_regeneration_dimension_comes_the_first_collaboration_one(
    client_as, return_both
):
    client = client_as("manager_a")
    score_dimension(client, return_both, "D4", score=2)
    html = client.get(dimension_url(return_both, "D4")).text
    assert "Continue to C1 Coherence of provision" in html


def test_submitting_needs_both_roles_scored(client_as, return_both):
    """Slow: all 46 indicators are scored through their pages, as a manager
    would."""
    client = client_as("manager_a")
    for code in REGENERATION:
        score_dimension(client, return_both, code, score=2)

    client.post(f"/returns/{return_both.pk}/check/")
    return_both.refresh_from_db()
    assert return_both.status == Return.Status.DRAFT

    for code in COLLABORATION:
        score_dimension(client, return_both, code, score=3)
    response = client.post(f"/returns/{return_both.pk}/check/")
    assert response.status_code == 302
    return_both.refresh_from_db()
    assert return_both.status == Return.Status.SUBMITTED


def test_the_returns_document_shows_both_roles(client_as, return_both):
    html = client_as("manager_a").get(f"/returns/{return_both.pk}/document/").text
    assert 'id="dimension-C4"' in html
    assert html.index('id="dimension-D4"') < html.index('id="dimension-C1"')


def test_a_framework_added_to_the_period_reaches_its_editable_returns(
    return_a, submitted_b, collaboration, admin
):
    """return_a (a draft) gets the collaboration answers; a submitted return
    is left as it was."""
    from indicators.services import period_framework_add

    period_framework_add(user=admin, period=return_a.period, framework=collaboration)

    def roles(record: Return) -> set[str]:
        return set(
            Answer.objects.filter(return_record=record).values_list(
                "indicator__dimension__framework__role", flat=True
            )
        )

    assert roles(return_a) == {FrameworkRole.REGENERATION, FrameworkRole.COLLABORATION}
    assert roles(submitted_b) == {FrameworkRole.REGENERATION}
    # Added once only: adding again changes nothing.
    count = Answer.objects.filter(return_record=return_a).count()
    collaboration.periods.add(return_a.period)
    assert Answer.objects.filter(return_record=return_a).count() == count == 46


@pytest.fixture
def submitted_b(partnership_b, manager_b, period_2003) -> Return:
    record = return_start(partnership=partnership_b, period=period_2003, user=manager_b)
    Answer.objects.filter(return_record=record).update(score=2)
    Return.objects.filter(pk=record.pk).update(
        status=Return.Status.SUBMITTED, submitted_at="2004-05-01T10:00Z"
    )
    return record
