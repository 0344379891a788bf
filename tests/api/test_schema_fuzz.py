"""Property-based requests from the API's own OpenAPI document
(schemathesis): for every operation, requests Hypothesis makes from its
parameters and body, with the token of a manager and of a GO officer. No
answer is a server error, and every answer the document describes has the
shape it says.

The requests go through Django's test client (inside the test's
transaction), not over the network; schemathesis checks each answer."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from api.v1 import api
from tests.security.conftest import World

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_params={}))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
# A few examples each: the suite stays under a minute for about twenty
# operations and two people.
EXAMPLES = 8


def _send(client: Client, case: Any, token: str) -> schemathesis.Response:
    path = case.formatted_path
    query = urlencode(case.query or {}, doseq=True)
    url = f"{path}?{query}" if query else path
    headers = {"Authorization": f"Bearer {token}"}
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": headers["Authorization"]}
    if case.method != "GET":
        kwargs["data"] = json.dumps(case.body)
        kwargs["content_type"] = "application/json"
    answer = client.generic(case.method, url, **kwargs)
    prepared = requests.Request(
        case.method, f"http://testserver{url}", headers=headers
    ).prepare()
    return schemathesis.Response(
        status_code=answer.status_code,
        headers={name: [value] for name, value in answer.headers.items()},
        content=answer.content,
        request=prepared,
        elapsed=0.0,
        verify=True,
    )


@pytest.mark.parametrize("member", ["manager_a", "go_a"])
def test_no_server_error_and_answers_as_documented(
    member: str, world: World, tokens: dict[str, str]
) -> None:
    """Slow: about 160 generated requests for each person, a few for each of
    the document's operations."""
    client = Client()
    token = tokens[member]
    assert len(OPERATIONS) >= 15

    for operation in OPERATIONS:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = _send(client, case, token)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

        run()
