"""The manager's home page: where each of their partnerships' self-assessment
and development plan stands, and the one link that takes them on."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from assessment.models import Return
from assessment.services import return_start
from indicators.models import Period
from plans.services import plan_create

from .helpers import earlier_returns

CARD = re.compile(r'<div class="govuk-summary-card">.*?</dl>', re.S)


def card(client) -> str:
    """The text of the first partnership card on the home page, one space apart."""
    response = client.get("/")
    assert response.status_code == 200
    found = CARD.search(response.text)
    assert found, "no partnership card on the home page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def set_status(return_record: Return, status: str, **fields) -> None:
    """The status as the workflow would leave it: every status after the draft
    has a submission date."""
    fields.setdefault("submitted_at", timezone.now())
    Return.objects.filter(pk=return_record.pk).update(status=status, **fields)


def test_a_partnership_with_no_return_is_offered_every_open_year(
    client_as, partnership_a, framework
):
    client = client_as("manager_a")

    text = card(client)

    assert "Your self-assessment" in client.get("/").text
    assert "Self-assessment Not started 2002-03 and 2003-04 can be started." in text
    assert (
        f'href="/partnerships/{partnership_a.pk}/returns/new/"' in client.get("/").text
    )


def test_a_draft_says_when_it_is_due_and_continues(client_as, return_a):
    today = timezone.localdate()
    Period.objects.filter(pk=return_a.period_id).update(
        submission_deadline=today + datetime.timedelta(days=10)
    )
    client = client_as("manager_a")

    text = card(client)
    due = (today + datetime.timedelta(days=10)).strftime("%-d %B %Y")
    assert f"Self-assessment 2003-04 Draft In progress. Due {due}. Continue" in text
    assert "You can start it once the self-assessment is submitted." in text
    assert f'href="/returns/{return_a.pk}/">Continue' in client.get("/").text

    Period.objects.filter(pk=return_a.period_id).update(
        submission_deadline=today - datetime.timedelta(days=1)
    )
    late = (today - datetime.timedelta(days=1)).strftime("%-d %B %Y")
    assert f"It was due on {late}." in card(client)


def test_a_returned_return_asks_for_a_revision(client_as, return_a):
    set_status(return_a, "returned")

    text = card(client_as("manager_a"))

    # The manager reads what it asks of them, not what the officer did.
    assert "Self-assessment 2003-04 Changes needed" in text
    assert "Returned for revision" not in text
    assert "read their comments, change your answers and submit it again" in text
    assert "Revise the self-assessment 2003-04" in text


def test_a_submitted_return_waits_for_review_and_leads_to_the_plan(
    client_as, return_a, manager_a
):
    set_status(
        return_a,
        "submitted",
        submitted_at=datetime.datetime(2004, 5, 18, 10, tzinfo=datetime.UTC),
    )
    client = client_as("manager_a")

    text = card(client)
    assert (
        "Submitted Submitted on 18 May 2004. Waiting for your LLSC officer's review."
        in text
    )
    assert "Development plan 2003-04 Not started Start it from the self-assessment" in (
        text
    )
    assert "Start the development plan 2003-04" in text

    plan = plan_create(return_record=Return.objects.get(pk=return_a.pk), user=manager_a)

    text = card(client)
    assert "Development plan 2003-04 Draft Add the actions" in text
    assert f'href="{plan.get_absolute_url()}">Open' in client.get("/").text


def test_an_older_return_still_open_is_shown_beside_the_newest(
    client_as, partnership_a, manager_a, period_2002, return_a
):
    older = return_start(partnership=partnership_a, period=period_2002, user=manager_a)
    set_status(older, "returned")

    text = card(client_as("manager_a"))

    assert text.index("Self-assessment 2003-04") < text.index("Self-assessment 2002-03")
    assert "Revise the self-assessment 2002-03" in text


def test_an_accepted_year_offers_the_next_one(
    client_as, partnership_a, manager_a, period_2002
):
    older = return_start(partnership=partnership_a, period=period_2002, user=manager_a)
    set_status(older, "accepted")

    text = card(client_as("manager_a"))

    assert "Accepted: the agreed scores are on the return." in text
    assert "Next self-assessment Not started 2003-04 can be started." in text


@pytest.mark.parametrize("name", ["officer_a", "go_a", "admin"])
def test_only_managers_get_the_cards(client_as, return_a, name):
    response = client_as(name).get("/")

    assert response.status_code == 200
    assert "Your self-assessment" not in response.text
    assert "govuk-summary-card" not in response.text


@pytest.mark.parametrize("years", [1, 10])
def test_the_managers_home_reads_the_same_whatever_the_years(
    client_as, partnership_a, manager_a, period_2002, django_assert_num_queries, years
):
    framework = period_2002.frameworks.get()
    return_start(partnership=partnership_a, period=period_2002, user=manager_a)
    earlier_returns(
        partnership=partnership_a,
        framework=framework,
        user=manager_a,
        before=2002,
        years=years,
    )
    client = client_as("manager_a")
    # 1. the session
    # 2. the user, with their profile
    # 3. the first ten partnerships
    # 4. their local LSCs (prefetched)
    # 5. the counts of partnerships
    # 6. their returns, with periods
    # 7. their development plans, with periods
    # 8. the periods open for returns
    # 9. the count of unread notifications
    with django_assert_num_queries(9):
        response = client.get("/")
    assert len(response.context["managed"]) == 1
    assert response.context["managed"][0].latest.period.code == "2002-03"
    assert [p.code for p in response.context["managed"][0].to_start] == ["2003-04"]
    assert len(response.context["managed"][0].also_open) == years
