"""The lists: cursor pages that walk every row once in the order of their
keys, filters, and a number of queries that stays the same when the data
grows tenfold."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.models import Return
from indicators.models import Period
from partnerships.models import (
    LearningPartnership,
    LocalLSC,
    RegenerationBodyLink,
    Region,
)
from plans.models import DevelopmentPlan
from tests.factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    LSPRelationshipFactory,
    MemberOrganisationFactory,
)
from tests.security.conftest import World

# The queries of each list: (1) the token with its user and profile, in one;
# then the page of rows, the user's scope a subquery of it; partnerships also
# prefetch their local LSCs (partnership_list, as the page), frameworks their
# periods.
QUERIES = {
    "/api/v1/partnerships/": 3,
    "/api/v1/partnerships/members": 2,
    "/api/v1/partnerships/lsp-relationships": 2,
    "/api/v1/partnerships/llsc-relationships": 2,
    "/api/v1/frameworks/": 3,
    "/api/v1/periods/": 2,
    "/api/v1/returns/": 2,
    "/api/v1/plans/": 2,
}
LISTS = list(QUERIES)


def _more_partnerships(world: World, count: int) -> None:
    """``count`` partnerships more in Yorkshire, each with a member, an LSP
    link, a link to local LSC A, a return for 2003-04 and a plan."""
    llsc_a = LocalLSC.objects.get(name="West Yorkshire")
    region = Region.objects.get(code="YH")
    period = world.period
    for _ in range(count):
        partnership = LearningPartnershipFactory(region=region)
        MemberOrganisationFactory(partnership=partnership)
        LSPRelationshipFactory(partnership=partnership)
        LLSCRelationshipFactory(partnership=partnership, llsc=llsc_a)
        made = Return.objects.create(
            partnership=partnership,
            period=period,
            framework=world.framework,
            status=Return.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        DevelopmentPlan.objects.create(
            partnership=partnership, period=period, source_return=made
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("member", ["admin", "officer_a", "go_a", "manager_a"])
def test_list_queries_stay_the_same_as_the_data_grows(
    member: str, world: World, api_as: Callable[[str], Client]
) -> None:
    client = api_as(member)
    # Warm up: the token's last use is written on the first request only.
    client.get("/api/v1/periods/")
    before = {url: _queries(client, url) for url in LISTS}
    _more_partnerships(world, 10)
    after = {url: _queries(client, url) for url in LISTS}
    assert before == QUERIES
    assert after == QUERIES


def test_the_cursor_walks_every_row_once(
    world: World, api_as: Callable[[str], Client]
) -> None:
    _more_partnerships(world, 7)
    client = api_as("admin")
    seen: list[int] = []
    url: str | None = "/api/v1/partnerships/?page_size=3"
    pages = 0
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 3
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
        if url:
            assert page["next_cursor"] in url
        pages += 1
    expected = list(
        LearningPartnership.objects.order_by("pk").values_list("pk", flat=True)
    )
    assert seen == expected
    assert pages == -(-len(expected) // 3)


def test_filters_and_the_cursor_keep_each_other(
    world: World, api_as: Callable[[str], Client]
) -> None:
    _more_partnerships(world, 4)
    client = api_as("admin")
    first = client.get("/api/v1/partnerships/", {"region": "YH", "page_size": 2})
    body = first.json()
    assert "region=YH" in body["next"]
    second = client.get(body["next"]).json()
    names = [row["region"]["code"] for row in body["results"] + second["results"]]
    assert names == ["YH"] * 4
    assert client.get("/api/v1/partnerships/", {"region": "NE"}).json()["results"][0][
        "name"
    ] == ("Bravo Learning")


@pytest.mark.parametrize(
    ("url", "count"),
    [
        ("/api/v1/returns/?status=draft", 1),
        ("/api/v1/returns/?status=submitted", 1),
        ("/api/v1/returns/?period=2002-03", 1),
        ("/api/v1/returns/?period=1999-00", 0),
        ("/api/v1/plans/?period=2002-03", 1),
        ("/api/v1/plans/?status=approved", 0),
        ("/api/v1/frameworks/?period=2003-04", 1),
        ("/api/v1/partnerships/?search=alpha", 1),
        ("/api/v1/partnerships/?structure_model=shire", 1),
        ("/api/v1/partnerships/?is_active=false", 0),
    ],
)
def test_filters(
    url: str, count: int, world: World, api_as: Callable[[str], Client]
) -> None:
    response = api_as("admin").get(url)
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        base64.urlsafe_b64encode(b"v1:abc").decode(),
        base64.urlsafe_b64encode(b"v2:3").decode(),
        base64.urlsafe_b64encode(b"v1:-4").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_a_cursor_not_made_here_is_422(
    cursor: str, world: World, api_as: Callable[[str], Client]
) -> None:
    response = api_as("admin").get("/api/v1/partnerships/", {"cursor": cursor})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "This cursor was not made here."


def test_a_filter_value_not_accepted_is_422(
    world: World, api_as: Callable[[str], Client]
) -> None:
    for url in (
        "/api/v1/returns/?status=lost",
        "/api/v1/partnerships/?structure_model=castle",
        "/api/v1/regional/?period=1999-00",
        "/api/v1/regional/?status=lost",
    ):
        response = api_as("admin").get(url)
        assert response.status_code == 422, url
        assert response.json()["detail"], url


def test_the_regional_figures_are_the_pages(
    world: World, api_as: Callable[[str], Client], client_as: Callable[[str], Client]
) -> None:
    """The same rows, status and figures as the regional view, for the same
    filters (both read reports.selectors through the page's filter form)."""
    _more_partnerships(world, 3)
    figures = api_as("go_a").get("/api/v1/regional/", {"period": "2002-03"}).json()
    assert figures["period_code"] == "2002-03"
    rows = {row["partnership_name"]: row for row in figures["rows"]}
    assert "Alpha Learning" in rows and "Bravo Learning" not in rows
    alpha = rows["Alpha Learning"]
    assert alpha["status"] == "submitted"
    assert alpha["return_id"] == world.submitted_return.pk
    assert alpha["plan_id"] == world.plan.pk
    assert set(alpha["self_scores"]) == set(figures["dimensions"])
    assert alpha["overall"] is not None
    page = client_as("go_a").get("/dashboard/", {"period": "2002-03"})
    assert page.status_code == 200
    for name in rows:
        assert name in page.content.decode()
    only_overdue = api_as("go_a").get("/api/v1/regional/", {"status": "submitted"})
    assert {r["status"] for r in only_overdue.json()["rows"]} <= {"submitted"}
    assert Period.objects.filter(code="2003-04").exists()


def test_a_partnership_comes_with_its_parts_in_few_queries(
    world: World, api_as: Callable[[str], Client]
) -> None:
    client = api_as("officer_a")
    client.get("/api/v1/periods/")
    for _ in range(5):
        MemberOrganisationFactory(partnership=world.partnership)
        LSPRelationshipFactory(partnership=world.partnership)
        RegenerationBodyLink.objects.create(
            partnership=world.partnership, kind="new_deal", name=f"NDC {_}"
        )
    with CaptureQueriesContext(connection) as captured:
        body = client.get(f"/api/v1/partnerships/{world.partnership.pk}").json()
    # The token, the partnership with its region, its members, its LSP links
    # with their LSPs and regions, its local LSC links likewise, its links
    # with other regeneration bodies.
    assert len(captured) == 6
    assert len(body["members"]) == 6
    assert len(body["lsp_relationships"]) == 6
    assert [link["name"] for link in body["body_links"]] == [
        f"NDC {n}" for n in range(5)
    ]
    assert body["llsc_relationships"][0]["llsc"]["name"] == "West Yorkshire"
    names = [member["name"] for member in body["members"]]
    assert names == sorted(names)
