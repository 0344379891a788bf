"""The demo GO officer's published API token opens the API with the GO
officer's scope: their region's partnerships, printed by load_demo."""

from __future__ import annotations

import pytest
from django.test import Client

from api.models import ApiToken
from demo.api_tokens import DEMO_API_TOKEN, load_demo_api_token
from partnerships.models import LearningPartnership


@pytest.fixture
def demo(demo_world: str, db: None) -> str:
    return demo_world


def test_the_printed_token_reads_the_go_officer_s_region(demo: str) -> None:
    assert f"go's API token: {DEMO_API_TOKEN}" in demo
    assert not load_demo_api_token()  # loaded again: nothing new
    token = ApiToken.objects.get(user__username="go")
    assert token.last_used_at is not None and token.created_at < token.last_used_at

    client = Client(HTTP_AUTHORIZATION=f"Bearer {DEMO_API_TOKEN}")
    response = client.get("/api/v1/partnerships/", {"page_size": 100})
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    yorkshire = set(
        LearningPartnership.objects.filter(
            region__name="Yorkshire and the Humber"
        ).values_list("name", flat=True)
    )
    assert names == yorkshire and len(names) > 5
