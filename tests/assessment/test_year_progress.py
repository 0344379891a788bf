"""The year's progress: a return not submitted by the deadline, started or
not, is overdue; GO officers see their region's counts by status on the home
page, administrators England's by region, LLSC officers the overdue
partnerships under their review queue."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.utils import timezone

from assessment.models import Return
from assessment.progress import (
    current_period,
    overdue_for_user,
    progress_for_user,
)
from assessment.services import return_start
from partnerships.models import Role
from tests.factories import (
    LearningPartnershipFactory,
    LLSCRelationshipFactory,
    ProfileFactory,
)


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def started(partnership, period, status: str) -> Return:
    person = ProfileFactory(role=Role.MANAGER).user
    partnership.managers.add(person)
    record = return_start(partnership=partnership, period=period, user=person)
    Return.objects.filter(pk=record.pk).update(
        status=status, submitted_at=None if status == "draft" else timezone.now()
    )
    return record


@pytest.fixture
def year(cast, partnership_a, partnership_b, period_2003, region_a, llsc_a):
    """2003-04, due yesterday. Yorkshire: Alpha a draft, Sub submitted, Acc
    accepted, Ret returned, Idle and Quiet not started (all linked to
    officer_a's local LSC), Gone inactive. Bravo, elsewhere, not started."""
    period_2003.submission_deadline = timezone.localdate() - datetime.timedelta(1)
    period_2003.save()
    started(partnership_a, period_2003, "draft")
    for name, status in [
        ("Sub", "submitted"),
        ("Acc", "accepted"),
        ("Ret", "returned"),
    ]:
        partnership = LearningPartnershipFactory(
            name=f"{name} Learning", region=region_a
        )
        LLSCRelationshipFactory(partnership=partnership, llsc=llsc_a)
        started(partnership, period_2003, status)
    for name in ("Idle", "Quiet"):
        partnership = LearningPartnershipFactory(
            name=f"{name} Learning", region=region_a
        )
        LLSCRelationshipFactory(partnership=partnership, llsc=llsc_a)
    LearningPartnershipFactory(name="Gone Learning", region=region_a, is_active=False)
    return period_2003


def test_the_current_period_is_the_newest_begun(year, period_2002):
    assert current_period() == year
    assert current_period(today=datetime.date(2003, 1, 1)) == period_2002


def test_counts_by_status_with_not_started_overdue(cast, year):
    progress = progress_for_user(user=cast["go_a"], period=year)
    assert progress.totals.counts == {
        "not_started": 2,
        "draft": 1,
        "submitted": 1,
        "in_review": 0,
        "returned": 1,
        "accepted": 1,
    }
    assert progress.totals.overdue == 4
    assert [r.region.code for r in progress.regions] == ["YH"]


def test_nothing_is_overdue_before_the_deadline(cast, year):
    year.submission_deadline = timezone.localdate()
    year.save()
    assert progress_for_user(user=cast["go_a"], period=year).totals.overdue == 0
    assert overdue_for_user(user=cast["officer_a"], period=year) == (year, [])


def test_the_go_home_page_shows_the_region_by_status(
    client_as, year, django_assert_max_num_queries
):
    client = client_as("go_a")
    with django_assert_max_num_queries(16):
        response = client.get("/")
    page = text(response)
    assert "Progress in 2003-04" in page
    for label, count in [
        ("Not started", 2),
        ("Draft", 1),
        ("Submitted", 1),
        ("In review", 0),
        ("Accepted", 1),
        ("Overdue", 4),
    ]:
        noun = "partnership" if count == 1 else "partnerships"
        assert f"{label} {count} {noun}" in page
    assert (
        'href="/dashboard/?period=2003-04&amp;status=not_started">2 partnerships'
        in response.text
    )
    # The overdue are those the regional view lists under its overdue filter.
    assert (
        'href="/dashboard/?period=2003-04&amp;status=overdue">4 partnerships'
        in response.text
    )
    assert 'href="/ratings/2003-04/">Rate partnerships' in response.text
    assert "Partnerships by region" not in page


def test_the_go_home_page_query_count_does_not_grow(
    client_as, year, region_a, django_assert_max_num_queries
):
    for number in range(10):
        LearningPartnershipFactory(name=f"More {number}", region=region_a)
    client = client_as("go_a")
    with django_assert_max_num_queries(16):
        assert "Not started 12 partnerships" in text(client.get("/"))


def test_the_administrator_home_page_shows_england_by_region(client_as, year):
    response = client_as("admin").get("/")
    page = text(response)
    seen = " ".join(
        html.unescape(
            re.sub(
                r"<[^>]+>",
                " ",
                re.sub(
                    r'<span class="govuk-visually-hidden">[^<]*</span>',
                    "",
                    response.text,
                ),
            )
        ).split()
    )
    assert "1 not started in North East" in page
    page = seen
    assert "Partnerships by region and status of their 2003-04 return" in page
    assert "North East 1 0 0 0 0 0 1" in page
    assert "Yorkshire and the Humber 2 1 1 0 1 1 4" in page
    assert "England 3 1 1 0 1 1 5" in page
    region = re.search(r'region=(\d+)&amp;status=draft">1', response.text)
    assert region


@pytest.mark.parametrize("who", ["manager_a", "officer_a"])
def test_others_see_no_progress_on_home(client_as, year, who):
    assert "Progress in 2003-04" not in text(client_as(who).get("/"))


def test_the_review_queue_lists_the_overdue_started_or_not(
    client_as, year, django_assert_max_num_queries
):
    client = client_as("officer_a")
    with django_assert_max_num_queries(14):
        response = client.get("/reviews/")
    page = text(response)
    overdue = page[page.index("Overdue for 2003-04") :]
    assert "4 partnerships in your area did not submit 2003-04 by the deadline" in (
        overdue
    )
    rows = re.findall(
        r"(\w+) Learning (Not started|Draft|Returned for revision)", overdue
    )
    assert rows == [
        ("Alpha", "Draft"),
        ("Idle", "Not started"),
        ("Quiet", "Not started"),
        ("Ret", "Returned for revision"),
    ]
    assert "Bravo" not in overdue and "Sub Learning" not in overdue


def test_the_queue_follows_its_period_filter(client_as, year, period_2002):
    page = text(client_as("officer_a").get("/reviews/?period=2002-03"))
    assert "2002-03 has no submission deadline, so no return is overdue." in page
