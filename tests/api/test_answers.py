"""A manager's answer through the API: saved by assessment.services, with the
checks the page's form makes (the framework's scale, the text limits), its
optimistic lock (409 naming what changed) and its refusals (a submitted
return, a reader)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from assessment.models import EVIDENCE_MAX, Answer
from tests.security.conftest import World


def _url(world: World, code: str = "D2.1", *, submitted: bool = False) -> str:
    record = world.submitted_return if submitted else world.draft_return
    return f"/api/v1/returns/{record.pk}/answers/{code}"


def _patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def _answer(world: World, code: str = "D2.1") -> Answer:
    return Answer.objects.get(return_record=world.draft_return, indicator__code=code)


def test_a_partial_change_keeps_the_rest(
    world: World, api_as: Callable[[str], Client]
) -> None:
    manager = api_as("manager_a")
    first = _patch(
        manager,
        _url(world),
        {"version": 1, "score": 3, "evidence": "Minutes\r\nof May", "barriers": "Time"},
    )
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 2
    second = _patch(manager, _url(world), {"version": 2, "planned_action": "Plan"})
    assert second.status_code == 200
    answer = _answer(world)
    assert (answer.score, answer.evidence, answer.barriers, answer.planned_action) == (
        3,
        "Minutes\nof May",
        "Time",
        "Plan",
    )
    assert answer.updated_by == world.people["manager_a"]
    # The answer's history records the change, as a page's save does.
    assert answer.history.count() >= 3
    # A score can be taken back.
    cleared = _patch(manager, _url(world), {"version": 3, "score": None})
    assert cleared.json()["score"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"version": 1, "score": 9}, "score"),
        ({"version": 1, "score": 0}, "score"),
        ({"version": 1, "evidence": "x" * (EVIDENCE_MAX + 1)}, "evidence"),
        ({"version": 1, "barriers": "a\x00b"}, "barriers"),
        ({"version": 0}, "version"),
        ({"score": 2}, "version"),
        ({"version": "one"}, "version"),
    ],
)
def test_values_the_page_would_refuse_are_422(
    body: dict[str, Any], field: str, world: World, api_as: Callable[[str], Client]
) -> None:
    response = _patch(api_as("manager_a"), _url(world), body)
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json()["detail"])
    assert _answer(world).version == 1


def test_someone_elses_save_in_between_is_409(
    world: World, api_as: Callable[[str], Client]
) -> None:
    manager = api_as("manager_a")
    assert _patch(manager, _url(world), {"version": 1, "score": 2}).status_code == 200
    stale = _patch(manager, _url(world), {"version": 1, "score": 4})
    assert stale.status_code == 409
    assert stale.json()["fields"] == ["score"]
    assert stale.json()["version"] == 2
    assert _answer(world).score == 2


def test_a_submitted_return_is_not_changed(
    world: World, api_as: Callable[[str], Client]
) -> None:
    response = _patch(
        api_as("manager_a"), _url(world, submitted=True), {"version": 1, "score": 1}
    )
    assert response.status_code == 403
    assert "can no longer be changed" in response.json()["detail"]


def test_an_unknown_indicator_is_404(
    world: World, api_as: Callable[[str], Client]
) -> None:
    response = _patch(api_as("manager_a"), _url(world, "D9.9"), {"version": 1})
    assert response.status_code == 404


def test_the_answers_read_back_as_saved(
    world: World, api_as: Callable[[str], Client]
) -> None:
    manager = api_as("manager_a")
    _patch(manager, _url(world, "D1.1"), {"version": 1, "score": 4, "evidence": "E"})
    rows = manager.get(f"/api/v1/returns/{world.draft_return.pk}/answers").json()
    row = next(r for r in rows if r["indicator_code"] == "D1.1")
    assert (row["score"], row["evidence"], row["dimension_code"]) == (4, "E", "D1")
    scores = manager.get(f"/api/v1/returns/{world.draft_return.pk}/scores").json()
    d1 = next(d for d in scores["dimensions"] if d["code"] == "D1")
    assert d1["self_mean"] == 4.0
    assert d1["scored"] == 1
