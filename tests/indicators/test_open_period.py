"""Opening a period through its question pages, as a national administrator
does: each page, its errors, going back and forth, the check page and its
Change links, the framework choices, and who may do it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from assessment.selectors import return_periods_to_start
from indicators.models import Framework, FrameworkStatus, FrameworkUse, Period
from indicators.selectors import framework_for_period
from indicators.services import period_open
from tests.plans.helpers import date_fields

CODE = "/periods/open/code/"
DATES = "/periods/open/dates/"
DEADLINE = "/periods/open/deadline/"
FRAMEWORK = "/periods/open/framework/"
CHECK = "/periods/open/check/"

# The reference framework's periods are 2002-03 and 2003-04: 2004-05 is next.
GOOD = {
    CODE: {"code": "2004-05"},
    DATES: {
        **date_fields("starts_on", datetime.date(2004, 4, 1)),
        **date_fields("ends_on", datetime.date(2005, 3, 31)),
    },
    DEADLINE: date_fields("submission_deadline", datetime.date(2005, 5, 31)),
    FRAMEWORK: {"framework_use": "same"},
}


@pytest.fixture
def admin_client(client_as, framework):
    return client_as("admin")


def answer(client, *pages: str) -> None:
    """Post the good answer of each page in turn."""
    for page in pages:
        response = client.post(page, GOOD[page])
        assert response.status_code == 302, response.context["form"].errors


def rows() -> dict[str, int]:
    return {"periods": Period.objects.count(), "frameworks": Framework.objects.count()}


def test_the_whole_flow_opens_the_period(admin_client, admin, framework):
    before = rows()
    page = admin_client.get(CODE)
    assert page.status_code == 200
    assert b'value="2004-05"' in page.content  # the next period, suggested
    assert b"the next one is 2004-05" in page.content
    response = admin_client.post(CODE, GOOD[CODE])
    assert response["Location"] == DATES
    page = admin_client.get(DATES)
    # The usual financial year, filled in.
    assert b'name="starts_on_0" value="1"' in page.content
    assert b'name="starts_on_2" value="2004"' in page.content
    assert admin_client.post(DATES, GOOD[DATES])["Location"] == DEADLINE
    page = admin_client.get(DEADLINE)
    assert "30 September 2005, 6 months after it ends" in page.content.decode()
    assert admin_client.post(DEADLINE, GOOD[DEADLINE])["Location"] == FRAMEWORK
    page = admin_client.get(FRAMEWORK)
    assert b"Keep version 1" in page.content
    assert b"Copy it to version 2 and publish the copy" in page.content
    assert admin_client.post(FRAMEWORK, GOOD[FRAMEWORK])["Location"] == CHECK

    check = admin_client.get(CHECK).content.decode()
    for shown in ("2004-05", "1 April 2004", "31 March 2005", "31 May 2005"):
        assert shown in check
    assert "version 1, as now" in check
    # Nothing is written before the administrator confirms.
    assert rows() == before

    response = admin_client.post(CHECK, follow=True)
    assert response.redirect_chain[-1][0] == "/periods/"
    assert "2004-05 is open." in response.content.decode()
    period = Period.objects.get(code="2004-05")
    assert (period.starts_on, period.ends_on, period.submission_deadline) == (
        datetime.date(2004, 4, 1),
        datetime.date(2005, 3, 31),
        datetime.date(2005, 5, 31),
    )
    assert framework_for_period(period=period) == framework
    opened = period.history.get()
    assert (opened.history_type, opened.history_user) == ("+", admin)
    # The answers are forgotten: a new flow starts afresh, suggesting 2005-06.
    assert b'value="2005-06"' in admin_client.get(CODE).content
    assert admin_client.get(CHECK)["Location"] == CODE


def test_a_copy_published_belongs_to_the_new_period_alone(
    admin_client, framework, period_2003
):
    answer(admin_client, CODE, DATES, DEADLINE)
    admin_client.post(FRAMEWORK, {"framework_use": "publish"})
    check = admin_client.get(CHECK).content.decode()
    assert "a copy of version 1, published now" in check
    admin_client.post(CHECK)
    period = Period.objects.get(code="2004-05")
    copy = Framework.objects.get(name=framework.name, version=2)
    assert copy.status == FrameworkStatus.PUBLISHED
    assert list(copy.periods.all()) == [period]
    assert copy.dimensions.count() == framework.dimensions.count()
    # Last year keeps the version it was scored against.
    assert framework_for_period(period=period_2003) == framework
    assert framework_for_period(period=period) == copy


def test_a_draft_copy_waits_for_publishing(admin_client, framework, partnership_a):
    answer(admin_client, CODE, DATES, DEADLINE)
    admin_client.post(FRAMEWORK, {"framework_use": "draft"})
    check = admin_client.get(CHECK).content.decode()
    assert "kept as a draft" in check
    assert "until you publish the draft framework" in check
    response = admin_client.post(CHECK, follow=True)
    assert "publish it from Frameworks" in response.content.decode()
    period = Period.objects.get(code="2004-05")
    draft = Framework.objects.get(name=framework.name, version=2)
    assert draft.status == FrameworkStatus.DRAFT
    assert list(draft.periods.all()) == [period]
    # No return can start until the draft is published.
    assert period not in return_periods_to_start(partnership=partnership_a)
    admin_client.post(f"/frameworks/{draft.pk}/publish/")
    assert period in return_periods_to_start(partnership=partnership_a)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the period, like 2027-28"),
        ("2027-2028", "Enter the period as the two years it spans, like 2027-28"),
        ("2027/28", "Enter the period as the two years it spans, like 2027-28"),
        ("2027-29", "The second year must be the year after the first, like 2027-28"),
        ("2003-04", "2003-04 is already open"),
        ("9999-00", "Enter a period from 1900-01 to 2098-99"),
        ("0000-01", "Enter a period from 1900-01 to 2098-99"),
    ],
)
def test_the_code_is_checked(admin_client, code, message):
    response = admin_client.post(CODE, {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": [message]}
    page = response.content.decode()
    assert page.count(message) == 2  # in the error summary and on the field
    assert "<title>Error: " in page


def dates(start: tuple[str, str, str], end: tuple[str, str, str]) -> dict:
    return {**date_fields("starts_on", start), **date_fields("ends_on", end)}


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            dates(("", "", ""), ("", "", "")),
            {
                "starts_on": ["Enter the date the period starts"],
                "ends_on": ["Enter the date the period ends"],
            },
        ),
        (
            dates(("31", "2", "2004"), ("31", "3", "")),
            {
                "starts_on": ["Enter a real date"],
                "ends_on": ["End date must include a year"],
            },
        ),
        (
            dates(("1", "4", "2004"), ("1", "4", "2004")),
            {"ends_on": ["The end date must be after the start date"]},
        ),
        (
            dates(("1", "1", "2005"), ("31", "3", "2005")),
            {"starts_on": ["2004-05 must start in 2004"]},
        ),
        (
            dates(("1", "4", "2004"), ("31", "3", "2006")),
            {"ends_on": ["2004-05 must end in 2005"]},
        ),
        (
            dates(("1", "3", "2004"), ("28", "2", "2005")),
            {
                "starts_on": [
                    "The dates overlap 2003-04, which runs from 1 April 2003 to "
                    "31 March 2004"
                ]
            },
        ),
    ],
)
def test_the_dates_are_checked(admin_client, data, errors):
    answer(admin_client, CODE)
    response = admin_client.post(DATES, data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (("", "", ""), "Enter the submission deadline"),
        (
            ("31", "3", "2004"),
            "The deadline must be on or after the start of the period, 1 April 2004",
        ),
        (
            ("1", "10", "2005"),
            "The deadline must be no later than 30 September 2005, 6 months after "
            "the period ends",
        ),
    ],
)
def test_the_deadline_is_checked(admin_client, day, message):
    answer(admin_client, CODE, DATES)
    response = admin_client.post(DEADLINE, date_fields("submission_deadline", day))
    assert response.context["form"].errors == {"submission_deadline": [message]}
    # The last day allowed is allowed.
    last = date_fields("submission_deadline", ("30", "9", "2005"))
    assert admin_client.post(DEADLINE, last)["Location"] == FRAMEWORK


@pytest.mark.parametrize("choice", ["", "anything"])
def test_a_framework_must_be_chosen(admin_client, choice):
    answer(admin_client, CODE, DATES, DEADLINE)
    response = admin_client.post(FRAMEWORK, {"framework_use": choice})
    assert response.context["form"].errors == {
        "framework_use": ["Select which framework the period uses"]
    }


def test_pages_cannot_be_skipped(admin_client):
    for page in (DATES, DEADLINE, FRAMEWORK, CHECK):
        assert admin_client.get(page)["Location"] == CODE
    answer(admin_client, CODE, DATES)
    assert admin_client.get(CHECK)["Location"] == DEADLINE
    assert admin_client.post(FRAMEWORK, GOOD[FRAMEWORK])["Location"] == DEADLINE
    assert admin_client.get("/periods/open/nowhere/").status_code == 404


def test_going_back_keeps_every_answer(admin_client):
    answer(admin_client, CODE, DATES, DEADLINE)
    page = admin_client.get(DATES)
    assert b'href="/periods/open/code/"' in page.content  # the Back link
    assert b'name="ends_on_2" value="2005"' in page.content
    admin_client.get(CODE)
    # Continuing without changing anything walks forward through the answers.
    assert admin_client.post(CODE, GOOD[CODE])["Location"] == DATES
    assert admin_client.post(DATES, GOOD[DATES])["Location"] == DEADLINE
    assert b'name="submission_deadline_1" value="5"' in (
        admin_client.get(DEADLINE).content
    )


def test_change_links_come_back_to_the_check_page(admin_client):
    answer(admin_client, CODE, DATES, DEADLINE, FRAMEWORK)
    check = admin_client.get(CHECK).content.decode()
    for step in ("code", "dates", "deadline", "framework"):
        assert f'href="/periods/open/{step}/?change=1"' in check
    page = admin_client.get(DEADLINE + "?change=1")
    assert b'href="/periods/open/check/" class="govuk-back-link"' in page.content
    assert b'action="/periods/open/deadline/?change=1"' in page.content
    new = date_fields("submission_deadline", ("30", "6", "2005"))
    assert admin_client.post(DEADLINE + "?change=1", new)["Location"] == CHECK
    assert "30 June 2005" in admin_client.get(CHECK).content.decode()


def test_a_changed_code_asks_again_for_dates_that_no_longer_fit(admin_client):
    answer(admin_client, CODE, DATES, DEADLINE, FRAMEWORK)
    response = admin_client.post(CODE + "?change=1", {"code": "2005-06"})
    assert response["Location"] == DATES + "?change=1"
    assert admin_client.get(CHECK)["Location"] == DATES
    # The dates page offers the new year's dates; once they are in, the
    # deadline and framework kept from before fit again.
    new_dates = dates(("1", "4", "2005"), ("31", "3", "2006"))
    assert admin_client.post(DATES + "?change=1", new_dates)["Location"] == CHECK
    check = admin_client.get(CHECK).content.decode()
    assert "2005-06" in check
    assert "31 May 2005" in check


def test_a_flow_left_half_way_leaves_nothing(admin_client, client_as):
    before = rows()
    answer(admin_client, CODE, DATES, DEADLINE, FRAMEWORK)
    admin_client.logout()
    assert rows() == before


def test_a_period_opened_meanwhile_is_refused_on_the_check_page(
    admin_client, admin, framework
):
    answer(admin_client, CODE, DATES, DEADLINE, FRAMEWORK)
    Period.objects.create(
        code="2004-05",
        starts_on=datetime.date(2004, 4, 1),
        ends_on=datetime.date(2005, 3, 31),
    )
    # The check page sends the administrator to the page to put right.
    assert admin_client.get(CHECK)["Location"] == CODE
    response = admin_client.post(CODE, GOOD[CODE])
    assert response.context["form"].errors == {"code": ["2004-05 is already open"]}


def test_without_a_published_framework_the_page_says_what_to_do(client_as, db):
    client = client_as("admin")
    client.post(CODE, {"code": "2026-27"})
    client.post(DATES, dates(("1", "4", "2026"), ("31", "3", "2027")))
    client.post(DEADLINE, date_fields("submission_deadline", ("29", "5", "2027")))
    page = client.get(FRAMEWORK)
    assert page.status_code == 200
    assert b"There is no published framework to use" in page.content
    assert client.get(CHECK)["Location"] == FRAMEWORK


@pytest.mark.parametrize("name", ["manager_a", "officer_a", "go_a", "no_role"])
def test_only_national_administrators_open_periods(client_as, framework, name):
    client = client_as(name)
    for url in ("/periods/", CODE, DATES, CHECK):
        assert client.get(url).status_code == 403
    assert client.post(CODE, GOOD[CODE]).status_code == 403
    assert client.post(CHECK).status_code == 403


def test_the_service_refuses_others_and_writes_nothing(framework, manager_a):
    before = rows()
    with pytest.raises(PermissionDenied):
        period_open(
            user=manager_a,
            code="2004-05",
            starts_on=datetime.date(2004, 4, 1),
            ends_on=datetime.date(2005, 3, 31),
            submission_deadline=datetime.date(2005, 5, 31),
            framework=framework,
            framework_use=FrameworkUse.PUBLISH,
        )
    assert rows() == before


def test_the_home_page_links_administrators_to_periods(client_as, framework):
    assert b'href="/periods/"' in client_as("admin").get("/").content
    assert b'href="/periods/"' not in client_as("manager_a").get("/").content


def test_the_pages_query_counts(admin_client, django_assert_max_num_queries):
    # Each page: the session, the user with their profile, the latest period, its
    # framework, the copy's version number, and the checks of the answers.
    with django_assert_max_num_queries(9):
        admin_client.get(CODE)
    answer(admin_client, CODE, DATES, DEADLINE, FRAMEWORK)
    with django_assert_max_num_queries(14):
        admin_client.get(CHECK)
    with django_assert_max_num_queries(14):
        admin_client.get(FRAMEWORK)
