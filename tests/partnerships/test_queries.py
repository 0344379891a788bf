"""Query counts: each page costs the same with ten times the data."""

from __future__ import annotations

import pytest

from tests.factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    LocalLSCFactory,
    LSPRelationshipFactory,
    MemberOrganisationFactory,
)

SIZES = [3, 30]


def add_partnerships(count: int, llsc) -> None:
    """More partnerships, each linked to the LLSC with two members and an LSP."""
    for partnership in LearningPartnershipFactory.create_batch(count):
        LLSCRelationshipFactory(partnership=partnership, llsc=llsc)
        MemberOrganisationFactory.create_batch(2, partnership=partnership)
        LSPRelationshipFactory(partnership=partnership)


@pytest.mark.parametrize("size", SIZES)
def test_list_as_admin(client_as, llsc_a, django_assert_num_queries, size):
    client = client_as("admin")
    add_partnerships(size - 2, llsc_a)  # A and B are already there
    # 1. the session
    # 2. the user, with their profile (the role, for scoping and the header)
    # 3. count the partnerships, for the paginator
    # 4. the regions, for the region filter
    # 5. the local LSCs, for the LLSC filter
    # 6. this page of partnerships, with region and member count
    # 7. their local LSCs (prefetched)
    with django_assert_num_queries(7):
        response = client.get("/partnerships/")
    assert response.context["page"].paginator.count == size
    assert len(response.context["page"].object_list) == min(size, 25)


@pytest.mark.parametrize("size", SIZES)
def test_list_as_officer(client_as, llsc_a, django_assert_num_queries, size):
    client = client_as("officer_a")
    add_partnerships(size - 1, llsc_a)  # A is already there
    # The same 8 queries as for the administrator: the LLSC scoping is a
    # subquery inside the count and the page query, not a query of its own.
    with django_assert_num_queries(7):
        response = client.get("/partnerships/")
    assert response.context["page"].paginator.count == size
    assert len(response.context["page"].object_list) == min(size, 25)


@pytest.mark.parametrize("size", SIZES)
def test_profile_as_manager(
    client_as, partnership_a, llsc_a, django_assert_num_queries, size
):
    client = client_as("manager_a")
    # A already has one LLSC, one LSP and one member (from the cast).
    for llsc in LocalLSCFactory.create_batch(size - 1):
        LLSCRelationshipFactory(partnership=partnership_a, llsc=llsc)
    LSPRelationshipFactory.create_batch(size - 1, partnership=partnership_a)
    MemberOrganisationFactory.create_batch(size - 1, partnership=partnership_a)
    add_partnerships(size, llsc_a)  # others, which must not be read
    # 1. the session
    # 2. the user, with their profile
    # 3. the partnership, scoped to the manager
    # 4. its members
    # 5. its LLSC relationships, with each LLSC and its region
    # 6. its LSP relationships, with each LSP
    # 7. its relationships with other regeneration bodies
    # 8. its changes of manager
    # 9. the users who manage it
    # 10. whether the user manages it (for the change links)
    # 11. its region
    # 12. its self-assessment returns, with their periods
    # 13. its newest return with agreed scores (none here)
    # 14. its Government Office engagement ratings
    # 15. its development plans, with their periods
    with django_assert_num_queries(15):
        response = client.get(partnership_a.get_absolute_url())
    assert len(response.context["members"]) == size
    assert len(response.context["llsc_relationships"]) == size
    assert len(response.context["lsp_relationships"]) == size
    assert response.context["can_edit"] is True


@pytest.mark.parametrize("size", SIZES)
def test_home_as_admin(client_as, llsc_a, django_assert_num_queries, size):
    client = client_as("admin")
    add_partnerships(size - 2, llsc_a)
    # 1. the session
    # 2. the user, with their profile
    # 3. the counts of partnerships (total and active, in one query)
    # 4. the first ten partnerships
    # 5. the count of returns waiting for review
    # 6. the overdue returns (the first twenty)
    # 7. the count of unread notifications
    # 8. their local LSCs (prefetched)
    # 9-11. the current period for the progress counts: one begun with a
    #     published framework, else one published, else any (there is none here)
    with django_assert_num_queries(11):
        response = client.get("/")
    assert response.context["counts"]["total"] == size
    assert len(response.context["partnerships"]) == min(size, 10)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("page", "queries"),
    [
        # session, user with their profile, partnership, may-edit check, its region
        # (shown as text: no list of regions to choose from)
        ("edit", 5),
        # session, user with their profile, partnership, may-edit check, LSPs
        ("lsps/add", 5),
        # session, user with their profile, partnership, may-edit check
        ("members/add", 4),
    ],
)
def test_form_pages_as_manager(
    client_as, partnership_a, django_assert_num_queries, size, page, queries
):
    client = client_as("manager_a")
    # Ten times the choices in every select.
    LocalLSCFactory.create_batch(size)
    LSPRelationshipFactory.create_batch(size)
    add_partnerships(size, LocalLSCFactory())
    with django_assert_num_queries(queries):
        response = client.get(f"/partnerships/{partnership_a.pk}/{page}/")
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("name", "page", "queries"),
    [
        # session, user with their profile, the partnership (with its region), whether a
        # return of it is under review, whether the user may open its page
        # (for the back link), the LLSCs with their regions
        ("admin", "llscs/add", 6),
        # session, user with their profile, the partnership, the link (with its LLSC),
        # whether a return is under review; the LLSC is shown as text
        ("officer_a", "llscs/{link}/edit", 5),
        # the same, then the LLSCs with their regions to move the link to
        ("admin", "llscs/{link}/edit", 6),
    ],
)
def test_link_pages(
    client_as,
    partnership_a,
    llsc_relationship_a,
    django_assert_num_queries,
    size,
    name,
    page,
    queries,
):
    client = client_as(name)
    # Ten times the local LSCs to choose from, and other links.
    LocalLSCFactory.create_batch(size)
    add_partnerships(size, LocalLSCFactory())
    path = page.format(link=llsc_relationship_a.pk)
    with django_assert_num_queries(queries):
        response = client.get(f"/partnerships/{partnership_a.pk}/{path}/")
    assert response.status_code == 200
