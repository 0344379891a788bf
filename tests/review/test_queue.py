"""The LLSC officer's queue of returns to review: what it lists, days
waiting, overdue, filters and who may see it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from assessment.models import Return
from assessment.selectors import is_overdue, review_queue
from assessment.services import return_start
from tests.factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    data_loader,
)

from .helpers import review_url, table, text

QUEUE = "/reviews/"


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def short(day: datetime.date) -> str:
    return date_format(day, "j M Y")


@pytest.fixture
def queue_data(
    cast,
    submitted_a,
    partnership_a,
    llsc_a,
    manager_a,
    manager_b,
    partnership_b,
    period_2002,
    period_2003,
):
    """For officer_a: A 2003-04 submitted 5 days ago, C (also in LSC A) 2003-04
    returned, A 2002-03 a draft; both deadlines have passed. B's return belongs
    to the other LSC."""
    today = timezone.localdate()
    Return.objects.filter(pk=submitted_a.pk).update(
        submitted_at=at_noon(today - datetime.timedelta(days=5))
    )
    period_2003.submission_deadline = today - datetime.timedelta(days=1)
    period_2003.save()
    period_2002.submission_deadline = today - datetime.timedelta(days=3)
    period_2002.save()
    partnership_c = LearningPartnershipFactory(name="Charlie Learning")
    LLSCRelationshipFactory(partnership=partnership_c, llsc=llsc_a)
    returned = return_start(
        partnership=partnership_c, period=period_2003, user=data_loader()
    )
    Return.objects.filter(pk=returned.pk).update(
        status="returned", submitted_at=at_noon(today - datetime.timedelta(days=9))
    )
    draft = return_start(partnership=partnership_a, period=period_2002, user=manager_a)
    other = return_start(partnership=partnership_b, period=period_2003, user=manager_b)
    return {
        "today": today,
        "submitted": submitted_a,
        "returned": returned,
        "draft": draft,
        "other": other,
    }


HEADER = ["Partnership", "Period", "Status", "Submitted", "Days waiting", "Deadline"]


def test_queue_lists_the_officers_returns(client_as, queue_data):
    today = queue_data["today"]
    response = client_as("officer_a").get(QUEUE)
    assert response.status_code == 200
    rows = table(response, "Returns of the partnerships in your area")
    assert rows[0] == HEADER
    # Waiting first, then returned, then drafts.
    assert rows[1:] == [
        [
            "Alpha Learning",
            "2003-04",
            "Submitted",
            short(today - datetime.timedelta(days=5)),
            "5",
            short(today - datetime.timedelta(days=1)),  # past, but submitted
        ],
        [
            "Charlie Learning",
            "2003-04",
            "Returned for revision",
            short(today - datetime.timedelta(days=9)),
            "–",
            f"{short(today - datetime.timedelta(days=1))} Overdue",
        ],
        [
            "Alpha Learning",
            "2002-03",
            "Draft",
            "–",
            "–",
            f"{short(today - datetime.timedelta(days=3))} Overdue",
        ],
    ]
    assert "Bravo Learning" not in text(response)
    html = response.content.decode()
    # Submitted returns link to their review page, the others to the return.
    assert f'href="{review_url(queue_data["submitted"])}"' in html
    assert f'href="/returns/{queue_data["draft"].pk}/"' in html


def test_days_waiting_counts_from_today(queue_data, officer_a):
    today = queue_data["today"]
    later = review_queue(user=officer_a, today=today + datetime.timedelta(days=2))
    assert [row.days_waiting for row in later] == [7, None, None]


def test_overdue_rule(return_a, period_2003):
    today = datetime.date(2004, 6, 30)
    return_a.period.submission_deadline = None
    assert not is_overdue(return_a, today)
    return_a.period.submission_deadline = today
    assert not is_overdue(return_a, today)  # due today is not overdue yet
    return_a.period.submission_deadline = today - datetime.timedelta(days=1)
    for status, overdue in [
        ("draft", True),
        ("returned", True),
        ("submitted", False),
        ("in_review", False),
        ("accepted", False),
    ]:
        return_a.status = status
        assert is_overdue(return_a, today) is overdue, status


def partnerships_and_periods(response) -> list[tuple[str, str]]:
    rows = table(response, "Returns of the partnerships in your area")
    return [(row[0], row[1]) for row in rows[1:]]


@pytest.mark.parametrize(
    ("query", "shown", "error"),
    [
        ("?status=submitted", [("Alpha Learning", "2003-04")], None),
        ("?status=returned", [("Charlie Learning", "2003-04")], None),
        ("?period=2002-03", [("Alpha Learning", "2002-03")], None),
        (
            "?status=draft&period=2003-04",
            [],
            None,
        ),
        (
            "?period=2003-04",
            [("Alpha Learning", "2003-04"), ("Charlie Learning", "2003-04")],
            None,
        ),
        ("?status=nonsense", "all", "There is no such status: showing all"),
        ("?period=1999-00", "all", "There is no such period: showing all"),
        ("?period=%27%3B--", "all", "There is no such period: showing all"),
        (
            "?status=bogus&period=2002-03",
            [("Alpha Learning", "2002-03")],
            "There is no such status: showing all",
        ),
    ],
)
def test_queue_filters(client_as, queue_data, query, shown, error):
    response = client_as("officer_a").get(QUEUE + query)
    assert response.status_code == 200
    if shown == "all":
        shown = [
            ("Alpha Learning", "2003-04"),
            ("Charlie Learning", "2003-04"),
            ("Alpha Learning", "2002-03"),
        ]
    if shown:
        assert partnerships_and_periods(response) == shown
    else:
        assert "No returns match your filters." in text(response)
    if error:
        assert error in text(response)


@pytest.mark.parametrize(
    "name", ["manager_a", "manager_b", "go_a", "go_elsewhere", "no_role"]
)
def test_queue_is_for_officers(client_as, queue_data, name):
    assert client_as(name).get(QUEUE).status_code == 403


def test_queue_of_another_lsc(client_as, queue_data):
    response = client_as("officer_elsewhere").get(QUEUE)
    assert response.status_code == 200
    assert partnerships_and_periods(response) == [("Bravo Learning", "2003-04")]
    assert "Alpha Learning" not in text(response)


def test_admin_queue_shows_every_return(client_as, queue_data):
    response = client_as("admin").get(QUEUE)
    assert len(partnerships_and_periods(response)) == 4
