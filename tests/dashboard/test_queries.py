"""The dashboard page runs a fixed number of queries whatever the number of
partnerships."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessment.models import EngagementRating
from partnerships.models import RegenerationBodyLink
from tests.factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    LSPRelationshipFactory,
    region,
)

from .conftest import make_return

# As signed in: 1 session, 2 user with their profile (role check). The filter
# form: 3 every period, newest first, each with whether it has returns (read once:
# the period asked for, the latest with returns when none is, the period
# before it and the period filter's choices). regional_dashboard: 4 the
# partnerships with their region, 5 their LLSC relationships, 6 their LSP
# relationships with the LSP, 7 their relationships with other regeneration
# bodies (for their count), 8 the returns of both periods, 9 the dimension
# means of those returns, 10 the GO ratings, 11 the period's development
# plans, 12 the score levels, 13 England's medians (the figures kept), 14 the
# categories of the returns' frameworks, 15 the categories ticked in both
# periods' returns, 16 the local statements' means; regional_trends: 17 the
# region's figures of every period. The template's filter form: 18 regions,
# 19 the local LSCs of the user's regions. The links of each row (return,
# plan, rating) are decided from the rows read, without a query.
QUERIES = 19


def _populate(count, llsc, period_2002, period_2003):
    for n in range(count):
        partnership = LearningPartnershipFactory(name=f"Partnership {n:02d}")
        LLSCRelationshipFactory(partnership=partnership, llsc=llsc)
        LSPRelationshipFactory(partnership=partnership, recognition="learning_arm")
        RegenerationBodyLink.objects.create(
            partnership=partnership, kind="srb", name=f"SRB {n}"
        )
        make_return(
            partnership,
            period_2003,
            status="submitted",
            self_scores={"D1": 2, "D2": 3, "D3": 1, "D4": 4},
            barriers={"Funding": ["D1.1"]},
            categories={"funding_streams": ["D1.1", "D2.1"], "learners": ["D3.1"]},
        )
        make_return(
            partnership,
            period_2002,
            status="accepted",
            self_scores={"D1": 1},
            categories={"funding_streams": ["D1.1"]},
        )
        EngagementRating.objects.create(
            partnership=partnership, period=period_2003, rating=3, rationale="x"
        )


@pytest.mark.parametrize("count", [3, 30])
def test_dashboard_query_count_is_constant(
    client: Client,
    go_a,
    llsc_a,
    period_2002,
    period_2003,
    django_assert_num_queries,
    count,
):
    _populate(count, llsc_a, period_2002, period_2003)
    client.force_login(go_a, backend="partnerships.backends.PasswordBackend")
    with django_assert_num_queries(QUERIES):
        response = client.get("/dashboard/")
    assert response.status_code == 200
    assert response.content.decode().count("Partnership ") >= count


def _elsewhere(count: int, period_2003) -> None:
    """Partnerships of another region, each with a submitted return: England
    grows, the region does not."""
    north_east = region("NE")
    for n in range(count):
        partnership = LearningPartnershipFactory(
            name=f"Elsewhere {n:02d}", region=north_east
        )
        make_return(partnership, period_2003, status="accepted", self_scores={"D1": 3})


@pytest.mark.parametrize("count", [4, 12])
def test_the_regions_page_costs_the_same_whatever_englands_size(
    client: Client,
    go_a,
    llsc_a,
    period_2002,
    period_2003,
    django_assert_num_queries,
    count,
):
    """4 or 12 partnerships in the region, and four times as many again in
    England: the same queries, none of them growing with England.

    Slow: on PostgreSQL, 5 to 35 s depending on what ran before it in the
    process (the figures refresh plans its queries on tables emptied by the
    rollbacks of earlier tests); 2 s on SQLite."""
    _populate(count, llsc_a, period_2002, period_2003)
    _elsewhere(4 * count, period_2003)
    client.force_login(go_a, backend="partnerships.backends.PasswordBackend")
    with django_assert_num_queries(QUERIES):
        response = client.get("/dashboard/?period=2003-04")
    assert response.status_code == 200
    assert response.content.decode().count('<tr><th scope="row">') == count
    # The region's D1 is 2 throughout, England's four times as many 3s.
    data = response.context["data"]
    assert data.regional_median["D1"] == 2.0
    assert data.national_median["D1"] == 3.0


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("who", ["officer_a", "admin", "go_a"])
def test_the_rows_links_and_overdue_add_no_query_per_row(
    client: Client, request, llsc_a, period_2002, period_2003, who
):
    """Each row's links ask the rules perms (the review link for officers,
    the rating link for GO and administrators) and its overdue state, without
    a query of their own: ten times the partnerships, the same count."""
    period_2003.submission_deadline = datetime.date(2004, 5, 31)
    period_2003.save()
    client.force_login(
        request.getfixturevalue(who), backend="partnerships.backends.PasswordBackend"
    )
    _populate(3, llsc_a, period_2002, period_2003)
    few = _count_queries(client, "/dashboard/?period=2003-04")
    for n in range(27):
        partnership = LearningPartnershipFactory(name=f"More {n:02d}")
        LLSCRelationshipFactory(partnership=partnership, llsc=llsc_a)
        make_return(partnership, period_2003, status="submitted", self_scores={"D1": 2})
    assert _count_queries(client, "/dashboard/?period=2003-04") == few
    # An LLSC officer's area is no whole region: its trend is added up from
    # its answers, one query more than a region's figures.
    assert few <= (QUERIES + 1 if who == "officer_a" else QUERIES)
