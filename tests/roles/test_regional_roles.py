"""The regional view and its summary PDF show each role's dimensions side by
side, regeneration first; England's medians cover both roles; overall stays
of the regeneration dimensions; the same queries whatever the number of
partnerships."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessment.services import return_start
from tests.dashboard.conftest import make_return
from tests.dashboard.test_queries import QUERIES
from tests.dashboard.test_regional_pdf import _text, summary_pdf
from tests.factories import LearningPartnershipFactory, LLSCRelationshipFactory

SCORES = {"D1": 2, "D2": 2, "D3": 2, "D4": 2, "C1": 4, "C2": 4, "C3": 4, "C4": 4}


def _populate(count: int, llsc, period) -> None:
    for n in range(count):
        partnership = LearningPartnershipFactory(name=f"Partnership {n:02d}")
        LLSCRelationshipFactory(partnership=partnership, llsc=llsc)
        make_return(partnership, period, status="submitted", self_scores=SCORES)


def test_the_regional_view_shows_both_roles_side_by_side(
    client: Client, go_a, llsc_a, both_roles
):
    _populate(2, llsc_a, both_roles)
    client.force_login(go_a, backend="partnerships.backends.PasswordBackend")

    response = client.get("/dashboard/?period=2003-04")

    html = response.text
    data = response.context["data"]
    assert data.dimensions == ["D1", "D2", "D3", "D4", "C1", "C2", "C3", "C4"]
    assert [(r.label, r.codes) for r in data.roles] == [
        ("Regeneration", ["D1", "D2", "D3", "D4"]),
        ("Collaboration", ["C1", "C2", "C3", "C4"]),
    ]
    assert 'colspan="8" class="govuk-table__header app-heatmap__role">Regeneration' in (
        html
    )
    assert html.index(">Regeneration<") < html.index(">Collaboration<")
    assert "Coherence of provision" in html
    # England's medians are kept for the collaboration framework too.
    assert data.national_median["C1"] == 4.0
    assert data.regional_median["C1"] == 4.0
    # Overall is of the regeneration dimensions, as in years before.
    assert {row.overall for row in data.rows} == {2.0}


@pytest.mark.parametrize("count", [2, 20])
def test_the_regional_view_with_both_roles_costs_the_same(
    client: Client, go_a, llsc_a, both_roles, django_assert_num_queries, count
):
    _populate(count, llsc_a, both_roles)
    client.force_login(go_a, backend="partnerships.backends.PasswordBackend")
    # As the dashboard's own count (tests/dashboard/test_queries.py), with
    # the period asked for instead of the latest one looked up.
    with django_assert_num_queries(QUERIES):
        response = client.get("/dashboard/?period=2003-04")
    assert response.status_code == 200
    assert len(response.context["data"].rows) == count


def test_the_task_list_costs_the_same_with_one_role_or_two(
    client_as, partnership_a, manager_a, period_2002, both_roles
):
    """A return of both roles lists twice the dimensions in the same queries
    as one of the regeneration role alone."""
    one = return_start(partnership=partnership_a, period=period_2002, user=manager_a)
    two = return_start(partnership=partnership_a, period=both_roles, user=manager_a)
    client = client_as("manager_a")
    counts = []
    for record in (one, two):
        client.get(f"/returns/{record.pk}/")  # the session settled
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/returns/{record.pk}/")
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_the_regional_summary_pdf_shows_both_roles(client_as, go_a, llsc_a, both_roles):
    _populate(2, llsc_a, both_roles)

    content = summary_pdf(client_as("go_a"), {"period": "2003-04"})

    text = _text(content)
    assert "Regeneration" in text
    assert "Collaboration" in text
    assert "the regeneration dimensions (D) beside the collaboration" in text
