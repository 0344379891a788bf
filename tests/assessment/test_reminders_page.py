"""Sending reminders from the service: a preview of who gets what in the
sender's scope, one send (as the scheduled command sends them, once a day at
most), a confirmation and a log of what was sent."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.models import EmailDelivery, Notification, Reminder, Return
from assessment.services import return_start
from partnerships.models import Role
from tests.factories import LearningPartnershipFactory, ProfileFactory


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


@pytest.fixture
def overdue(cast, partnership_a, partnership_b, period_2003, manager_a2):
    """2003-04 was due yesterday. In Yorkshire (go_a's region): A has a draft,
    Submitted Learning submitted, Quiet Learning has no manager and no return.
    B (elsewhere) has not started."""
    period_2003.submission_deadline = timezone.localdate() - datetime.timedelta(1)
    period_2003.save()
    return_start(partnership=partnership_a, period=period_2003, user=cast["manager_a"])
    person = ProfileFactory(user__username="manager_s", role=Role.MANAGER).user
    done = LearningPartnershipFactory(
        name="Submitted Learning", region=partnership_a.region, managers=[person]
    )
    record = return_start(partnership=done, period=period_2003, user=person)
    Return.objects.filter(pk=record.pk).update(
        status="submitted", submitted_at=timezone.now()
    )
    LearningPartnershipFactory(name="Quiet Learning", region=partnership_a.region)
    return period_2003


def test_the_preview_shows_who_gets_what_in_the_region(
    client_as, overdue, django_assert_max_num_queries
):
    client = client_as("go_a")

    # session, user with their profile (role), current period, preview (partnerships
    # with status and reminded today; managers), log, and the base layout's
    with django_assert_max_num_queries(12):
        response = client.get("/reminders/")

    assert response.status_code == 200
    page = text(response)
    assert "Who will be reminded" in page
    assert "1 partnership: 2 managers will be told." in page
    assert (
        "Self-assessment overdue: Alpha Learning The 2003-04 self-assessment of "
        "Alpha Learning was due on" in page
    )
    assert "Quiet Learning Not started Overdue No active manager" in page
    assert "Submitted Learning" not in page
    assert "Bravo Learning" not in page  # another region
    assert "No reminders have been sent about 2003-04" in page
    # Nothing is sent by looking.
    assert not Reminder.objects.exists()
    assert not EmailDelivery.objects.exists()


def test_the_query_count_does_not_grow_with_the_region(
    client_as, overdue, region_a, django_assert_max_num_queries
):
    for number in range(10):
        person = ProfileFactory(user__username=f"m{number}", role=Role.MANAGER).user
        LearningPartnershipFactory(
            name=f"More Learning {number}", region=region_a, managers=[person]
        )
    client = client_as("go_a")
    with django_assert_max_num_queries(12):
        response = client.get("/reminders/")
    assert "11 partnerships: 12 managers will be told." in text(response)


def test_sending_reminds_the_region_once_and_logs_it(
    client_as, overdue, partnership_a, django_capture_on_commit_callbacks
):
    client = client_as("go_a")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reminders/send/", {"period": "2003-04"}, follow=True)

    page = text(response)
    assert response.redirect_chain[-1][0] == "/reminders/?period=2003-04#sent"
    assert "1 reminder sent about 2003-04: 2 managers told" in page
    reminder = Reminder.objects.get()
    assert reminder.partnership == partnership_a
    assert reminder.sent_by.username == "go_a"
    assert reminder.overdue and reminder.recipients == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in partnership_a.managers.all()
    )
    assert Notification.objects.filter(user__username="manager_a").count() == 1
    # The log, and the partnership now among those skipped.
    go_a = reminder.sent_by.get_full_name() or "go_a"
    assert f"Alpha Learning Overdue 2 {go_a}" in page
    assert "Alpha Learning Draft Overdue Already reminded today" in page
    assert "No one to remind about 2003-04 now" in page

    # A second send the same day tells no one again, however it is sent.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/reminders/send/", {"period": "2003-04"}, follow=True)
        call_command("send_reminders", days=14, stdout=StringIO())
    assert "No reminders sent about 2003-04" in text(again)
    assert Reminder.objects.filter(partnership=partnership_a).count() == 1
    # The command reminded only Bravo Learning's manager, elsewhere.
    assert len(mail.outbox) == 3
    assert mail.outbox[-1].to == [
        Reminder.objects.last().partnership.managers.get().email
    ]


def test_the_command_and_the_page_share_the_once_a_day_rule(
    client_as, overdue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", days=14, stdout=StringIO())
    assert Reminder.objects.filter(sent_by__isnull=True).count() == 2  # A and B

    page = text(client_as("go_a").get("/reminders/?period=2003-04"))
    assert "Alpha Learning Draft Overdue Already reminded today" in page
    assert "Sent on schedule" in page
    assert "Bravo Learning" not in page


def test_an_administrator_reminds_england(
    client_as, overdue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_as("admin").post("/reminders/send/", {"period": "2003-04"})
    assert sorted(r.partnership.name for r in Reminder.objects.all()) == [
        "Alpha Learning",
        "Bravo Learning",
    ]


def test_a_period_before_its_deadline_sends_due_reminders(
    client_as, overdue, period_2002, partnership_a
):
    period_2002.submission_deadline = timezone.localdate() + datetime.timedelta(9)
    period_2002.save()
    page = text(client_as("go_a").get("/reminders/?period=2002-03"))
    assert "Self-assessment due: Alpha Learning" in page
    assert "Overdue" not in page


def test_an_unknown_period_shows_the_current_one(client_as, overdue):
    response = client_as("go_a").get("/reminders/?period=1999-00")
    assert response.status_code == 200
    page = text(response)
    assert "There is no such period: showing the current one" in page
    assert "2003-04" in page


@pytest.mark.parametrize("who", ["manager_a", "officer_a"])
def test_others_may_not_send(client_as, overdue, who):
    client = client_as(who)
    assert client.get("/reminders/").status_code == 403
    assert client.post("/reminders/send/", {"period": "2003-04"}).status_code == 403
    assert not Reminder.objects.exists()


def test_sending_about_no_period_sends_nothing(client_as, overdue):
    client = client_as("go_a")
    response = client.post("/reminders/send/", {}, follow=True)
    assert "Choose the period to send reminders about." in text(response)
    assert client.post("/reminders/send/", {"period": "1999-00"}).status_code == 404
    # Text PostgreSQL refuses in any query is no period either.
    assert client.post("/reminders/send/", {"period": "\x00"}).status_code == 404
    assert not Reminder.objects.exists()


def test_sending_many_only_writes_rows_in_the_request(client_as, overdue, region_a):
    """The request writes the reminders, notifications and queued emails; the
    emails themselves are sent by the worker after it (none in the request):
    a few queries per partnership."""
    for number in range(10):
        person = ProfileFactory(user__username=f"m{number}", role=Role.MANAGER).user
        LearningPartnershipFactory(
            name=f"More Learning {number}", region=region_a, managers=[person]
        )
    client = client_as("go_a")
    with CaptureQueriesContext(connection) as queries:
        client.post("/reminders/send/", {"period": "2003-04"})
    assert Reminder.objects.count() == 11
    assert EmailDelivery.objects.filter(status="queued").count() == 12
    assert mail.outbox == []
    # Per partnership: a savepoint and its release, the reminder, the
    # notifications, an email row per manager; plus the page's own reads.
    assert len(queries) <= 15 + 11 * 6 + 12, len(queries)
