"""The periods list and changing a period's dates and submission deadline:
the page, its confirmation, its errors (a submitted return stays on time),
the history kept, who may do it, and the queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from assessment.models import Return
from indicators.models import Period
from indicators.services import period_change_dates
from tests.plans.helpers import date_fields


def change_data(start: datetime.date, end: datetime.date, deadline: datetime.date):
    return {
        **date_fields("starts_on", start),
        **date_fields("ends_on", end),
        **date_fields("submission_deadline", deadline),
    }


APRIL_2003 = datetime.date(2003, 4, 1)
MARCH_2004 = datetime.date(2004, 3, 31)


@pytest.fixture
def admin_client(client_as, framework):
    return client_as("admin")


def test_the_list_shows_each_period(admin_client, framework, return_a, period_2003):
    period_2003.submission_deadline = datetime.date(2004, 5, 28)
    period_2003.save()
    page = admin_client.get("/periods/").content.decode()
    assert "2003-04" in page and "2002-03" in page
    assert "1 April 2003 to 31 March 2004" in page
    assert "28 May 2004" in page
    assert "None set" in page  # 2002-03 has no deadline
    assert f"{framework.name}, version 1" in page
    assert f'href="/periods/{period_2003.pk}/change/"' in page
    assert 'href="/periods/open/code/"' in page
    # One return, for 2003-04.
    assert '<dd class="govuk-summary-list__value">1</dd>' in page


@pytest.mark.parametrize("extra", [0, 10])
def test_the_list_queries_do_not_grow(
    admin_client, return_a, extra, django_assert_num_queries
):
    for year in range(1990, 1990 + extra):
        Period.objects.create(
            code=f"{year}-{(year + 1) % 100:02d}",
            starts_on=datetime.date(year, 4, 1),
            ends_on=datetime.date(year + 1, 3, 31),
        )
    # The session, the user with their profile; the periods with their returns
    # counted, and their frameworks.
    with django_assert_num_queries(4):
        assert admin_client.get("/periods/").status_code == 200


def test_changing_the_dates_asks_for_confirmation(admin_client, admin, period_2003):
    url = f"/periods/{period_2003.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="starts_on_2" value="2003"' in page
    new = change_data(APRIL_2003, MARCH_2004, datetime.date(2004, 6, 30))
    response = admin_client.post(url, new)
    assert response["Location"] == f"{url}check/"
    check = admin_client.get(f"{url}check/").content.decode()
    assert "30 June 2004" in check
    assert "Was not set" in check
    assert "Unchanged" in check
    period_2003.refresh_from_db()
    assert period_2003.submission_deadline is None  # not before confirming
    response = admin_client.post(f"{url}check/", follow=True)
    assert response.redirect_chain[-1][0] == "/periods/"
    assert "The dates of 2003-04 are changed." in response.content.decode()
    period_2003.refresh_from_db()
    assert period_2003.submission_deadline == datetime.date(2004, 6, 30)
    changed = period_2003.history.first()
    assert (changed.history_type, changed.history_user) == ("~", admin)
    # Confirmed once: the check page now has nothing to confirm.
    assert admin_client.get(f"{url}check/")["Location"] == url


def test_the_change_links_keep_the_new_dates(admin_client, period_2003):
    url = f"/periods/{period_2003.pk}/change/"
    new = change_data(APRIL_2003, MARCH_2004, datetime.date(2004, 6, 30))
    admin_client.post(url, new)
    check = admin_client.get(f"{url}check/").content.decode()
    assert f'href="{url}?edit=1"' in check
    assert (
        'name="submission_deadline_1" value="6"'
        in admin_client.get(f"{url}?edit=1").content.decode()
    )
    # Opened afresh from the list, the page shows the period as it is.
    assert (
        'name="submission_deadline_1" value="6"'
        not in admin_client.get(url).content.decode()
    )


def test_the_person_who_opened_a_period_is_shown(admin_client, admin, period_2003):
    Period.history.filter(id=period_2003.pk).update(history_user=admin)
    page = admin_client.get(f"/periods/{period_2003.pk}/change/").content.decode()
    assert f"Opened by {admin.get_full_name() or admin.username} on" in page


def test_a_deadline_before_a_submitted_return_is_refused(
    admin_client, return_a, period_2003
):
    Return.objects.filter(pk=return_a.pk).update(
        status="submitted",
        submitted_at=timezone.make_aware(datetime.datetime(2004, 5, 20, 10)),
    )
    url = f"/periods/{period_2003.pk}/change/"
    assert "last submitted on 20 May 2004" in admin_client.get(url).content.decode()
    early = change_data(APRIL_2003, MARCH_2004, datetime.date(2004, 5, 19))
    response = admin_client.post(url, early)
    assert response.context["form"].errors == {
        "submission_deadline": [
            "The deadline must be on or after 20 May 2004: a return for the period "
            "was submitted that day, and an earlier deadline would make it late"
        ]
    }
    on_the_day = change_data(APRIL_2003, MARCH_2004, datetime.date(2004, 5, 20))
    assert admin_client.post(url, on_the_day).status_code == 302


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {},
            {
                "starts_on": ["Enter the date the period starts"],
                "ends_on": ["Enter the date the period ends"],
                "submission_deadline": ["Enter the submission deadline"],
            },
        ),
        (
            change_data(
                datetime.date(2003, 3, 1), MARCH_2004, datetime.date(2004, 5, 1)
            ),
            {
                "starts_on": [
                    "The dates overlap 2002-03, which runs from 1 April 2002 to "
                    "31 March 2003"
                ]
            },
        ),
        (
            change_data(APRIL_2003, MARCH_2004, datetime.date(2004, 10, 1)),
            {
                "submission_deadline": [
                    "The deadline must be no later than 30 September 2004, 6 months "
                    "after the period ends"
                ]
            },
        ),
    ],
)
def test_the_new_dates_are_checked(admin_client, period_2003, data, errors):
    response = admin_client.post(f"/periods/{period_2003.pk}/change/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == errors


@pytest.mark.parametrize(
    ("name", "status"),
    [("manager_a", 403), ("officer_a", 403), ("go_a", 403), ("no_role", 404)],
)
def test_only_national_administrators_change_dates(
    client_as, period_2003, name, status
):
    client = client_as(name)
    url = f"/periods/{period_2003.pk}/change/"
    new = change_data(APRIL_2003, MARCH_2004, datetime.date(2004, 6, 30))
    for response in (
        client.get(url),
        client.post(url, new),
        client.get(f"{url}check/"),
        client.post(f"{url}check/"),
    ):
        assert response.status_code == status
    period_2003.refresh_from_db()
    assert period_2003.submission_deadline is None


def test_the_service_refuses_others(period_2003, manager_a):
    with pytest.raises(PermissionDenied):
        period_change_dates(
            user=manager_a,
            period=period_2003,
            starts_on=APRIL_2003,
            ends_on=MARCH_2004,
            submission_deadline=datetime.date(2004, 6, 30),
        )
    period_2003.refresh_from_db()
    assert period_2003.submission_deadline is None
    assert period_2003.history.count() == 1


def test_an_unknown_period_is_not_found(admin_client):
    assert admin_client.get("/periods/999999/change/").status_code == 404


def test_the_change_page_queries(admin_client, period_2003, django_assert_num_queries):
    # The session, the user with their profile, the period, who opened it, the
    # last submission; the form's check of the period's neighbours is not
    # run on a GET.
    with django_assert_num_queries(5):
        admin_client.get(f"/periods/{period_2003.pk}/change/")
