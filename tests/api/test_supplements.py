"""The API's frameworks: their indicators are the national ones; an area's
local statements are listed apart, read only, as far as the user sees them."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from indicators.models import Supplement
from indicators.supplements import supplement_import_file, supplement_publish
from tests.indicators.test_supplements import _yaml
from tests.security.conftest import World


@pytest.fixture
def yorkshire(world: World) -> Supplement:
    text = _yaml().replace(b"period: 2003-04", f"period: {world.period.code}".encode())
    go = world.people["go_a"]
    return supplement_publish(
        supplement=supplement_import_file(content=text, user=go), user=go
    )


def _get(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_local_statements_listed_apart_by_scope(
    yorkshire: Supplement, world: World, api_as: Callable[[str], Client]
) -> None:
    url = f"/api/v1/frameworks/{world.framework.pk}"
    detail = _get(api_as("go_a"), url)
    codes = {i["code"] for d in detail["dimensions"] for i in d["indicators"]}
    assert len(codes) == 28 and "D2.L1" not in codes
    listed = _get(api_as("go_a"), f"{url}/supplements")
    assert [(s["name"], s["region_code"], s["label"]) for s in listed] == [
        (
            "Yorkshire local statements",
            "YH",
            "Local statement: Yorkshire and the Humber",
        )
    ]
    assert [(s["dimension_code"], s["code"]) for s in listed[0]["statements"]] == [
        ("D2", "D2.L1"),
        ("D2", "D2.L2"),
        ("D4", "D4.L1"),
    ]
    assert _get(api_as("officer_a"), f"{url}/supplements")[0]["id"] == yorkshire.pk
    assert _get(api_as("go_elsewhere"), f"{url}/supplements") == []
    assert _get(api_as("manager_a"), f"{url}/supplements") == []
