"""Every endpoint of the API, with the personal token of every member of the
cast: the status the pages' rule gives (200 allowed, 404 outside the
person's scope, 403 when the role is too low, 401 without a token), and no
list ever holding a row of a partnership the person cannot see."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from assessment.models import Answer
from partnerships.models import LearningPartnership, RegenerationBodyLink
from tests.conftest import CAST
from tests.security.conftest import World

OK, FORBIDDEN, NOT_FOUND, UNAUTHORISED = 200, 403, 404, 401
WITH_TOKEN = [name for name in CAST if name != "anonymous"]
HAS_ROLE = {name for name in WITH_TOKEN if name != "no_role"}
SEES_A = {"manager_a", "officer_a", "go_a", "admin"}
CHANGES_A = {"manager_a", "admin"}
REGIONAL_VIEW = {"officer_a", "officer_elsewhere", "go_a", "go_elsewhere", "admin"}
# The partnerships each person sees: A (Alpha Learning, Yorkshire, local LSC
# A) and B (Bravo Learning, North East, the other local LSC).
SEES = {
    "manager_a": {"Alpha Learning"},
    "manager_b": {"Bravo Learning"},
    "officer_a": {"Alpha Learning"},
    "officer_elsewhere": {"Bravo Learning"},
    "go_a": {"Alpha Learning"},
    "go_elsewhere": {"Bravo Learning"},
    "admin": {"Alpha Learning", "Bravo Learning"},
    "no_role": set(),
}


@dataclass(frozen=True)
class Endpoint:
    url: Callable[[World], str]
    allowed: set[str]
    # Seen but not allowed: 403 (else 404).
    sees: set[str]


def _everyone(url: Callable[[World], str]) -> Endpoint:
    return Endpoint(url, set(WITH_TOKEN), set(WITH_TOKEN))


ENDPOINTS: dict[str, Endpoint] = {
    "list partnerships": _everyone(lambda w: "/api/v1/partnerships/"),
    "list members": _everyone(lambda w: "/api/v1/partnerships/members"),
    "list LSP relationships": _everyone(
        lambda w: "/api/v1/partnerships/lsp-relationships"
    ),
    "list local LSC links": _everyone(
        lambda w: "/api/v1/partnerships/llsc-relationships"
    ),
    "list regeneration body links": _everyone(
        lambda w: "/api/v1/partnerships/regeneration-bodies"
    ),
    "list frameworks": _everyone(lambda w: "/api/v1/frameworks/"),
    "list periods": _everyone(lambda w: "/api/v1/periods/"),
    "list returns": _everyone(lambda w: "/api/v1/returns/"),
    "list plans": _everyone(lambda w: "/api/v1/plans/"),
    "partnership A": Endpoint(
        lambda w: f"/api/v1/partnerships/{w.partnership.pk}", SEES_A, SEES_A
    ),
    "framework": Endpoint(
        lambda w: f"/api/v1/frameworks/{w.framework.pk}", HAS_ROLE, HAS_ROLE
    ),
    "framework's local statements": Endpoint(
        lambda w: f"/api/v1/frameworks/{w.framework.pk}/supplements",
        HAS_ROLE,
        HAS_ROLE,
    ),
    "period": Endpoint(
        lambda w: f"/api/v1/periods/{w.period.code}", HAS_ROLE, HAS_ROLE
    ),
    "A's draft return": Endpoint(
        lambda w: f"/api/v1/returns/{w.draft_return.pk}", SEES_A, SEES_A
    ),
    "A's draft's answers": Endpoint(
        lambda w: f"/api/v1/returns/{w.draft_return.pk}/answers", CHANGES_A, SEES_A
    ),
    "A's draft's scores": Endpoint(
        lambda w: f"/api/v1/returns/{w.draft_return.pk}/scores", CHANGES_A, SEES_A
    ),
    "A's submitted answers": Endpoint(
        lambda w: f"/api/v1/returns/{w.submitted_return.pk}/answers", SEES_A, SEES_A
    ),
    "A's submitted scores": Endpoint(
        lambda w: f"/api/v1/returns/{w.submitted_return.pk}/scores", SEES_A, SEES_A
    ),
    "A's plan": Endpoint(lambda w: f"/api/v1/plans/{w.plan.pk}", SEES_A, SEES_A),
    "regional view": Endpoint(
        lambda w: "/api/v1/regional/", REGIONAL_VIEW, set(WITH_TOKEN)
    ),
}


def _expected(endpoint: Endpoint, member: str) -> int:
    if member == "anonymous":
        return UNAUTHORISED
    if member in endpoint.allowed:
        return OK
    return FORBIDDEN if member in endpoint.sees else NOT_FOUND


@pytest.mark.parametrize("member", CAST)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_endpoint_for_each_token(
    endpoint: str,
    member: str,
    world: World,
    api_as: Callable[[str], Client],
) -> None:
    spec = ENDPOINTS[endpoint]
    response = api_as(member).get(spec.url(world))
    expected = _expected(spec, member)
    assert response.status_code == expected, (
        f"{endpoint} as {member}: {response.status_code} {response.content[:200]!r}"
    )
    assert response["Content-Type"] == "application/json; charset=utf-8"
    if expected != OK:
        # A refusal says why, in words.
        assert isinstance(response.json()["detail"], str)
        assert response.json()["detail"]


def _partnership_names(rows: list[dict[str, Any]], key: str) -> set[str]:
    ids = {row[key] for row in rows}
    return set(
        LearningPartnership.objects.filter(pk__in=ids).values_list("name", flat=True)
    )


LISTS = {
    "/api/v1/partnerships/": "id",
    "/api/v1/partnerships/members": "partnership_id",
    "/api/v1/partnerships/lsp-relationships": "partnership_id",
    "/api/v1/partnerships/llsc-relationships": "partnership_id",
    "/api/v1/returns/": "partnership_id",
    "/api/v1/partnerships/regeneration-bodies": "partnership_id",
    "/api/v1/plans/": "partnership_id",
}


@pytest.mark.parametrize("member", WITH_TOKEN)
def test_lists_hold_only_the_partnerships_the_person_sees(
    member: str, world: World, api_as: Callable[[str], Client]
) -> None:
    client = api_as(member)
    for url, key in LISTS.items():
        rows = client.get(url).json()["results"]
        names = _partnership_names(rows, key)
        assert names <= SEES[member], f"{url} as {member} holds {names}"
    # Partnerships, members and links exist for both: each sees all of theirs.
    for url in list(LISTS)[:4]:
        rows = client.get(url).json()["results"]
        assert _partnership_names(rows, LISTS[url]) == SEES[member], url


@pytest.mark.parametrize("member", WITH_TOKEN)
def test_regeneration_body_links_are_those_of_the_partnerships_seen(
    member: str, world: World, api_as: Callable[[str], Client]
) -> None:
    for partnership in LearningPartnership.objects.all():
        RegenerationBodyLink.objects.create(
            partnership=partnership, kind="srb", name=f"{partnership.name} SRB"
        )
    url = "/api/v1/partnerships/regeneration-bodies"
    rows = api_as(member).get(url).json()["results"]
    assert _partnership_names(rows, "partnership_id") == SEES[member]
    assert {row["name"] for row in rows} == {f"{name} SRB" for name in SEES[member]}


def test_the_regional_view_holds_only_the_officers_area(
    world: World, api_as: Callable[[str], Client]
) -> None:
    for member in REGIONAL_VIEW:
        rows = api_as(member).get("/api/v1/regional/").json()["rows"]
        assert {row["partnership_name"] for row in rows} == SEES[member], member


def test_a_draft_shows_its_status_but_not_its_answers_to_officers(
    world: World, api_as: Callable[[str], Client]
) -> None:
    for member in ("officer_a", "go_a"):
        rows = api_as(member).get("/api/v1/returns/").json()["results"]
        draft = next(row for row in rows if row["id"] == world.draft_return.pk)
        assert draft["status"] == "draft"
        assert draft["answers_readable"] is False
    rows = api_as("manager_a").get("/api/v1/returns/").json()["results"]
    assert all(row["answers_readable"] for row in rows)


def _patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("member", CAST)
def test_who_may_save_an_answer(
    member: str, world: World, api_as: Callable[[str], Client]
) -> None:
    url = f"/api/v1/returns/{world.draft_return.pk}/answers/D1.2"
    response = _patch(api_as(member), url, {"version": 1, "score": 2})
    expected = _expected(Endpoint(lambda w: url, CHANGES_A, SEES_A), member)
    assert response.status_code == expected, response.content
    answer = Answer.objects.get(
        return_record=world.draft_return, indicator__code="D1.2"
    )
    assert answer.score == (2 if expected == OK else None)
