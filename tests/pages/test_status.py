"""The service status page: each part of the service in plain words with a
GOV.UK tag, from the same database check as /healthz, the task queue and the
email records."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from assessment.models import EmailDelivery, EmailStatus


def components(html: str) -> dict[str, str]:
    """Each part's heading and the text of its tag."""
    return dict(
        re.findall(
            r'<h2 class="govuk-heading-m">([^<]+)</h2>\s*<p class="govuk-body">'
            r'<strong class="govuk-tag govuk-tag--\w+">([^<]+)</strong>',
            html,
        )
    )


def tag_colours(html: str) -> list[str]:
    return re.findall(r'class="govuk-tag govuk-tag--(\w+)"', html)


def task(*, status=TaskResultStatus.READY, waited=datetime.timedelta(0), **fields):
    row = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="assessment.notifications.send_email",
        backend_name="default",
        run_after=get_date_max(),
        **fields,
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - waited)
    return row


def email(user, *, status, **fields) -> EmailDelivery:
    created_at = fields.pop("created_at", None)
    delivery = EmailDelivery.objects.create(
        recipient=user,
        subject="Self-assessment submitted",
        body="",
        status=status,
        **fields,
    )
    if created_at:
        EmailDelivery.objects.filter(pk=delivery.pk).update(created_at=created_at)
    return delivery


def test_everything_working(anonymous, db):
    response = anonymous.get("/status/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    assert components(html) == {
        "Pages and saving": "Working",
        "Background work (packs, regional summaries and emails)": "Working",
        "Emails": "Working",
    }
    assert tag_colours(html) == ["green", "green", "green"]
    assert "Every part of the service is working." in html
    assert "No email has been sent yet." in html
    assert "The background worker has not started any task yet." in html


def test_a_database_that_does_not_answer_is_shown_failing(anonymous, db):
    """The page asks the same check as /healthz: when it fails, both say so,
    and nothing else is asked of the database."""
    with mock.patch.object(connection, "cursor", side_effect=DatabaseError("gone")):
        response = anonymous.get("/status/")
        health = anonymous.get("/healthz")
    assert health.status_code == 503
    assert response.status_code == 503
    html = response.content.decode()
    assert components(html) == {
        "Pages and saving": "Not working",
        "Background work (packs, regional summaries and emails)": "Not known",
        "Emails": "Not known",
    }
    assert tag_colours(html) == ["red", "grey", "grey"]
    assert "The service cannot reach its database" in html
    assert "Part of the service is not working as it should" in html


def test_the_check_failing_is_enough(anonymous, db):
    with mock.patch("pages.status.database_answers", return_value=False) as check:
        response = anonymous.get("/status/")
    check.assert_called_once_with()
    assert response.status_code == 503
    assert components(response.content.decode())["Pages and saving"] == "Not working"


def test_tasks_waiting_too_long_mean_the_worker_may_have_stopped(anonymous, db):
    started = timezone.now() - datetime.timedelta(hours=3)
    task(status=TaskResultStatus.SUCCESSFUL, started_at=started, finished_at=started)
    task(waited=datetime.timedelta(minutes=25))
    task(waited=datetime.timedelta(minutes=1))
    html = anonymous.get("/status/").content.decode()
    assert (
        components(html)["Background work (packs, regional summaries and emails)"]
        == "Delayed"
    )
    assert "1 task has waited more than 10 minutes to start" in html
    assert "0 tasks are running and 2 tasks are waiting to start." in html
    local = timezone.localtime(started)
    assert f"last started a task at {local:%H:%M} on {local.day} {local:%B %Y}" in html


def test_tasks_waiting_a_moment_are_normal(anonymous, db):
    task(waited=datetime.timedelta(minutes=2))
    task(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    html = anonymous.get("/status/").content.decode()
    assert (
        components(html)["Background work (packs, regional summaries and emails)"]
        == "Working"
    )
    assert "1 task is running and 1 task is waiting to start." in html


def test_emails_sent_and_waiting(anonymous, manager_a):
    sent_at = timezone.now() - datetime.timedelta(minutes=20)
    email(manager_a, status=EmailStatus.SENT, sent_at=sent_at)
    email(manager_a, status=EmailStatus.QUEUED)
    email(manager_a, status=EmailStatus.RETRYING)
    html = anonymous.get("/status/").content.decode()
    assert components(html)["Emails"] == "Working"
    local = timezone.localtime(sent_at)
    assert f"The last email was sent at {local:%H:%M} on {local.day}" in html
    assert "2 emails are waiting to be sent." in html


def test_stalled_emails_are_delayed(anonymous, manager_a):
    email(
        manager_a,
        status=EmailStatus.QUEUED,
        created_at=timezone.now() - datetime.timedelta(hours=1),
    )
    html = anonymous.get("/status/").content.decode()
    assert components(html)["Emails"] == "Delayed"
    assert "1 email has waited more than 30 minutes past its time" in html


def test_emails_refused_today_are_delayed_but_old_ones_are_not(anonymous, manager_a):
    now = timezone.now()
    email(
        manager_a,
        status=EmailStatus.FAILED,
        last_attempt_at=now - datetime.timedelta(days=3),
    )
    html = anonymous.get("/status/").content.decode()
    assert components(html)["Emails"] == "Working"
    email(
        manager_a,
        status=EmailStatus.FAILED,
        last_attempt_at=now - datetime.timedelta(hours=2),
    )
    html = anonymous.get("/status/").content.decode()
    assert components(html)["Emails"] == "Delayed"
    assert "1 email could not be sent in the last day" in html


@pytest.mark.parametrize("rows", [0, 10])
def test_the_status_page_queries_stay_the_same(
    rows, anonymous, manager_a, django_assert_num_queries
):
    for _ in range(rows):
        email(manager_a, status=EmailStatus.SENT, sent_at=timezone.now())
        task(waited=datetime.timedelta(minutes=30))
    # The database check; the task queue's figures; the emails' figures.
    with django_assert_num_queries(3):
        assert anonymous.get("/status/").status_code == 200


def test_healthz_stays_json_for_machines(anonymous, db):
    response = anonymous.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok"}
