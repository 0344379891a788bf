"""Suggested priorities: the indicators with the lowest agreed (else self)
scores of the plan's return, lowest first; accepting makes a priority of one,
dismissing drops it; readers may look but not act."""

from __future__ import annotations

import pytest

from assessment.models import Answer, Return
from assessment.services import return_submit
from plans import services as plan_services
from plans.models import DevelopmentPlan, Priority

from .helpers import CODES, fill_answers, signed_in, text

# Every indicator scored 4 by the partnership unless listed; some agreed.
SELF = {code: 4 for code in CODES} | {
    "D1.1": 1,
    "D1.3": 2,
    "D2.5": 3,
    "D3.4": 1,
    "D3.6": 2,
    "D4.1": 3,
    "D4.7": 3,
}
AGREED = {
    "D1.1": 3,  # self 1, agreed 3: not among the lowest
    "D2.2": 1,  # self 4, agreed 1: among the lowest
    "D2.5": 2,
    "D3.6": 2,
    "D4.7": 1,
    "D4.2": 4,
}
BARRIERS = {
    "D4.7": "The LSP board meets in the day, when our voluntary members work.",
    "D3.4": "No venue in the east wards.",
    "D2.5": "Outreach workers left when the pilot funding ended last March.",
    "D3.6": "Short.",
}
PLANNED = {"D4.7": "Ask the LSP to hold two evening board meetings a year."}
# Effective score 1: D2.2, D3.4, D4.7; score 2: D1.3, D2.5, D3.6; then 3: D1.1,
# D4.1 (D1.1 first, in framework order).
LOWEST = {"D2.2", "D3.4", "D4.7"}
NEXT = {"D1.3", "D2.5", "D3.6"}


@pytest.fixture
def plan(return_a, manager_a) -> DevelopmentPlan:
    fill_answers(return_a, SELF, barriers=BARRIERS, planned=PLANNED)
    return_submit(return_record=return_a, user=manager_a)
    for code, score in AGREED.items():
        Answer.objects.filter(return_record=return_a, indicator__code=code).update(
            agreed_score=score
        )
    Return.objects.filter(pk=return_a.pk).update(status="in_review")
    return_a.refresh_from_db()
    return plan_services.plan_create(return_record=return_a, user=manager_a)


def suggested(client, plan) -> list:
    response = client.get(f"/plans/{plan.pk}/suggestions/")
    assert response.status_code == 200
    return response.context["suggestions"]


def codes(client, plan) -> list[str]:
    return [s.code for s in suggested(client, plan)]


def test_the_lowest_agreed_else_self_scores_come_first(plan, client_as):
    suggestions = suggested(client_as("manager_a"), plan)

    found = [s.code for s in suggestions]
    assert len(found) == 6
    assert set(found[:3]) == LOWEST
    assert set(found[3:]) == NEXT
    scores = {s.code: (s.score, s.agreed) for s in suggestions}
    assert scores == {
        "D2.2": (1, True),
        "D3.4": (1, False),
        "D4.7": (1, True),
        "D1.3": (2, False),
        "D2.5": (2, True),
        "D3.6": (2, True),
    }
    # Self scored 1, but agreed 3: the agreed score counts.
    assert "D1.1" not in found


def test_the_page_shows_the_suggestions_in_order_with_their_scores(plan, client_as):
    response = client_as("manager_a").get(f"/plans/{plan.pk}/suggestions/")

    page = text(response)
    order = [s.code for s in response.context["suggestions"]]
    positions = [page.index(f"{code}: ") for code in order]
    assert positions == sorted(positions)
    assert BARRIERS["D4.7"] in page
    assert PLANNED["D4.7"] in page
    assert "Add as a priority (D4.7)" in page


def test_accepting_makes_a_priority_and_the_suggestion_goes(
    plan, client_as, indicators
):
    client = client_as("manager_a")

    response = client.post(
        f"/plans/{plan.pk}/suggestions/", {"code": "D4.7", "action": "accept"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/suggestions/"
    priority = Priority.objects.get(plan=plan)
    indicator = indicators["D4.7"]
    assert priority.title.startswith("D4.7: ")
    assert priority.title[len("D4.7: ") :][:60] == indicator.statement[:60]
    assert list(priority.indicators.all()) == [indicator]
    assert priority.dimension == indicator.dimension
    assert BARRIERS["D4.7"] in priority.description
    assert PLANNED["D4.7"] in priority.description
    assert "Priority added: D4.7" in text(client.get(response["Location"]))
    found = codes(client, plan)
    assert "D4.7" not in found
    # The next lowest moves up: D1.1 (agreed 3) comes before D4.1 (self 3).
    assert set(found) == (LOWEST | NEXT | {"D1.1"}) - {"D4.7"}
    assert priority.title in text(client.get(f"/plans/{plan.pk}/"))


def test_accepting_twice_makes_one_priority(plan, client_as):
    client = client_as("manager_a")
    url = f"/plans/{plan.pk}/suggestions/"

    client.post(url, {"code": "D3.4", "action": "accept"})
    client.post(url, {"code": "D3.4", "action": "accept"})

    assert Priority.objects.filter(plan=plan).count() == 1
    assert "D3.4 is no longer a suggestion." in text(client.get(url))


def test_an_indicator_that_is_not_suggested_cannot_be_accepted(plan, client_as):
    client = client_as("manager_a")

    for code in ("D4.3", "D1.1", "Z9.9", ""):
        client.post(
            f"/plans/{plan.pk}/suggestions/", {"code": code, "action": "accept"}
        )

    assert not Priority.objects.filter(plan=plan).exists()


def test_accepted_suggestions_are_numbered_in_turn(plan, client_as):
    client = client_as("manager_a")
    for code in ("D2.2", "D3.6"):
        client.post(
            f"/plans/{plan.pk}/suggestions/", {"code": code, "action": "accept"}
        )

    titles = list(Priority.objects.filter(plan=plan).values_list("title", flat=True))

    assert [t[:4] for t in titles] == ["D2.2", "D3.6"]


def test_dismissing_drops_the_suggestion(plan, client_as):
    client = client_as("manager_a")
    url = f"/plans/{plan.pk}/suggestions/"

    response = client.post(url, {"code": "D3.4", "action": "dismiss"})
    client.post(url, {"code": "D3.4", "action": "dismiss"})

    assert response.status_code == 302
    assert "D3.4 will not be suggested again." in text(client.get(url))
    plan.refresh_from_db()
    assert plan.dismissed_suggestions == ["D3.4"]
    assert not Priority.objects.filter(plan=plan).exists()
    found = codes(client, plan)
    assert "D3.4" not in found
    assert len(found) == 6


def test_an_indicator_already_a_priority_is_not_suggested(
    plan, client_as, indicators, manager_a
):
    plan_services.priority_save(
        plan=plan,
        user=manager_a,
        title="Our own priority",
        dimension=indicators["D2.2"].dimension,
        indicators=[indicators["D2.2"]],
    )

    assert "D2.2" not in codes(client_as("manager_a"), plan)


@pytest.mark.parametrize("name", ["officer_a", "go_a"])
def test_readers_see_the_suggestions_but_cannot_act(plan, cast, name):
    client = signed_in(cast[name])
    url = f"/plans/{plan.pk}/suggestions/"

    page = client.get(url)
    accept = client.post(url, {"code": "D4.7", "action": "accept"})
    dismiss = client.post(url, {"code": "D4.7", "action": "dismiss"})

    assert page.status_code == 200
    assert {s.code for s in page.context["suggestions"]} == LOWEST | NEXT
    assert "Add as a priority" not in page.content.decode()
    assert accept.status_code == 403
    assert dismiss.status_code == 403
    plan.refresh_from_db()
    assert plan.dismissed_suggestions == []
    assert not Priority.objects.filter(plan=plan).exists()


@pytest.mark.parametrize("name", ["manager_b", "officer_elsewhere", "go_elsewhere"])
def test_people_out_of_scope_get_404(plan, cast, name):
    client = signed_in(cast[name])
    url = f"/plans/{plan.pk}/suggestions/"

    assert client.get(url).status_code == 404
    assert client.post(url, {"code": "D4.7", "action": "accept"}).status_code == 404
    assert not Priority.objects.filter(plan=plan).exists()
