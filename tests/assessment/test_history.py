"""Who changed what: the history page of a return."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from assessment.selectors import answer_changes

from .helpers import post_answer


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="partnerships.backends.PasswordBackend")
    return client


def rows(html: str) -> list[list[str]]:
    """The history table's rows, each as its cells' text."""
    body = re.search(r"<tbody.*?</tbody>", html, re.S)
    assert body, "no history table"
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(0), re.S)
    ]


@pytest.fixture
def two_saves(return_a, manager_a, manager_a2):
    """manager_a scores D1.1 2 with draft evidence; then the second manager
    makes it 3 with better evidence, and scores D1.4 (its first change)."""
    response = post_answer(
        signed_in(manager_a), return_a, "D1.1", {"score": 2, "evidence": "Draft"}
    )
    assert response.status_code == 302
    for code, changes in (
        ("D1.1", {"score": 3, "evidence": "Minutes of 4 May"}),
        ("D1.4", {"score": 1}),
    ):
        response = post_answer(signed_in(manager_a2), return_a, code, changes)
    assert response.status_code == 302
    return return_a


def test_history_lists_who_changed_which_score(client_as, two_saves, manager_a2):
    # Another reader of the draft: its managers and administrators.
    response = client_as("admin").get(f"/returns/{two_saves.pk}/history/")

    assert response.status_code == 200
    table = rows(response.content.decode())
    changes = {(who, code): what for _when, who, code, what in table}
    assert changes[("Second Manager", "D1.1")] == (
        "Score : 2 → 3 Evidence : Minutes of 4 May"
    )
    assert manager_a2.get_full_name() == "Second Manager"


def test_history_lists_the_first_change_too(client_as, two_saves, manager_a):
    response = client_as("manager_a").get(f"/returns/{two_saves.pk}/history/")
    table = rows(response.content.decode())
    changes = {(who, code): what for _when, who, code, what in table}
    assert changes[(manager_a.get_full_name(), "D1.1")] == (
        "Score : blank → 2 Evidence : Draft"
    )
    assert changes[("Second Manager", "D1.4")] == "Score : blank → 1"


def test_history_is_newest_first_and_names_the_indicator(two_saves, manager_a2):
    changes = answer_changes(return_record=two_saves)
    assert [c.when for c in changes] == sorted((c.when for c in changes), reverse=True)
    second = [c for c in changes if c.who == "Second Manager"]
    assert [
        (c.indicator_code, c.fields) for c in second if c.indicator_code == "D1.1"
    ] == [("D1.1", [("Score", 2, 3), ("Evidence", "Draft", "Minutes of 4 May")])]


def test_history_of_an_untouched_return(client_as, return_a):
    response = client_as("manager_a").get(f"/returns/{return_a.pk}/history/")
    assert response.status_code == 200
    assert "No answer has been changed yet." in response.content.decode()
