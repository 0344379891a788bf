"""Emails out of the request: each is a row and a background task queued on
commit, tried again with growing delays when the mail server refuses it, and
shown to national administrators when it fails. With the mail server down,
every step still answers its normal page."""

from __future__ import annotations

import datetime
import logging
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from assessment import notifications
from assessment.models import EmailDelivery, Notification, Reminder, Return
from assessment.notifications import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    SiteAddressMiddleware,
    notify,
    send_email,
    site_address,
)
from plans import services as plan_services
from plans.models import DevelopmentPlan

from .helpers import (
    SELF_SCORES,
    check_url,
    fill_answers,
    review_data,
    signed_in,
)

MIDDLEWARE = "assessment.notifications.SiteAddressMiddleware"


class RefusedBackend(BaseEmailBackend):
    """A mail server that is not there."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError(111, "Connection refused")


class DisconnectedBackend(BaseEmailBackend):
    """A mail server that hangs up."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


REFUSED = f"{__name__}.RefusedBackend"
DISCONNECTED = f"{__name__}.DisconnectedBackend"


@pytest.fixture(autouse=True)
def _site_address_middleware(settings):
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = REFUSED


@pytest.fixture
def deferred_tasks(settings):
    """A task backend that keeps what is queued (with its run_after) instead
    of running it, as the database backend does until a worker takes it."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    return send_email.get_backend()


def deliveries() -> list[tuple[str, str, str, int]]:
    return sorted(
        EmailDelivery.objects.values_list(
            "recipient__username", "kind", "status", "attempts"
        )
    )


# The mail server down: every step answers its normal page.


@pytest.mark.parametrize("backend", [REFUSED, DISCONNECTED])
def test_submitting_with_the_mail_server_down(
    backend,
    settings,
    return_a,
    manager_a,
    officer_a,
    officer_a2,
    django_capture_on_commit_callbacks,
    caplog,
):
    settings.EMAIL_BACKEND = backend
    fill_answers(return_a, SELF_SCORES)
    client = signed_in(manager_a)
    before = timezone.now()

    with (
        caplog.at_level(logging.WARNING, logger="assessment.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(f"/returns/{return_a.pk}/check/")

    assert response.status_code == 302
    assert response["Location"] == f"/returns/{return_a.pk}/submitted/"
    assert Return.objects.get(pk=return_a.pk).status == "submitted"
    assert mail.outbox == []
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == [
        "officer_a",
        "officer_a2",
    ]
    assert deliveries() == [
        ("officer_a", "submitted", "retrying", 1),
        ("officer_a2", "submitted", "retrying", 1),
    ]
    for delivery in EmailDelivery.objects.all():
        assert delivery.subject == "Self-assessment submitted: Alpha Learning 2003-04"
        assert (
            before + RETRY_DELAYS[0]
            <= delivery.next_attempt_at
            <= timezone.now() + RETRY_DELAYS[0]
        )
        assert delivery.last_error.startswith(
            ("ConnectionRefusedError", "SMTPServerDisconnected")
        )
    # Logged with the user's id, never the address.
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert f"to user {officer_a.pk} not sent, try 1 of {MAX_ATTEMPTS}" in logged
    assert "@example.org" not in logged
    # The submitted page itself, as the manager sees it next.
    assert client.get(response["Location"]).status_code == 200


def test_every_decision_answers_its_page_with_the_mail_server_down(
    mail_server_down,
    submitted_a,
    manager_a,
    officer_a,
    django_capture_on_commit_callbacks,
):
    officer = signed_in(officer_a)
    manager = signed_in(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        taken = officer.post(f"/returns/{submitted_a.pk}/review/start/")
    assert taken.status_code == 302
    assert Return.objects.get(pk=submitted_a.pk).status == "in_review"

    with django_capture_on_commit_callbacks(execute=True):
        returned = officer.post(
            check_url(submitted_a),
            review_data(submitted_a, decision="returned", reasons="More on D2."),
        )
    assert returned.status_code == 302
    assert Return.objects.get(pk=submitted_a.pk).status == "returned"

    with django_capture_on_commit_callbacks(execute=True):
        resubmitted = manager.post(f"/returns/{submitted_a.pk}/check/")
    assert resubmitted.status_code == 302

    record = Return.objects.get(pk=submitted_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = officer.post(check_url(record), review_data(record))
    assert accepted.status_code == 302
    assert Return.objects.get(pk=submitted_a.pk).status == "accepted"

    assert mail.outbox == []
    assert deliveries() == [
        ("manager_a", "accepted", "retrying", 1),
        ("manager_a", "in_review", "retrying", 1),
        ("manager_a", "returned", "retrying", 1),
        ("officer_a", "submitted", "retrying", 1),
    ]
    assert Notification.objects.filter(user=manager_a).count() == 3


def test_plan_approval_answers_its_page_with_the_mail_server_down(
    mail_server_down,
    submitted_a,
    manager_a,
    officer_a,
    django_capture_on_commit_callbacks,
):
    plan = plan_services.plan_create(return_record=submitted_a, user=manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = signed_in(manager_a).post(f"/plans/{plan.pk}/submit/")
    assert submitted.status_code == 302
    assert DevelopmentPlan.objects.get(pk=plan.pk).status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(officer_a).post(
            f"/plans/{plan.pk}/approve/",
            {"comment": "A realistic plan.", "decision": "approve"},
        )
    assert response.status_code == 302
    assert DevelopmentPlan.objects.get(pk=plan.pk).status == "approved"
    assert mail.outbox == []
    assert not EmailDelivery.objects.filter(status="sent").exists()


def test_reminders_with_the_mail_server_down(
    mail_server_down,
    return_a,
    manager_a,
    period_2003,
    django_capture_on_commit_callbacks,
):
    period_2003.submission_deadline = timezone.localdate() + datetime.timedelta(5)
    period_2003.save()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", days=14, stdout=out)
    assert "1 reminders sent." in out.getvalue()
    assert Reminder.objects.count() == 1
    assert deliveries() == [("manager_a", "reminder_due", "retrying", 1)]


# Trying again, with growing delays, then giving up.


def test_tries_again_with_growing_delays_then_fails(
    mail_server_down, deferred_tasks, manager_a, caplog
):
    (delivery,) = notify(
        [manager_a], "The self-assessment of Alpha was accepted.", "/returns/1/"
    )
    waits = []
    with caplog.at_level(logging.WARNING, logger="assessment.notifications"):
        for attempt in range(1, MAX_ATTEMPTS + 1):
            started = timezone.now()
            outcome = send_email.call(delivery.pk)
            delivery.refresh_from_db()
            assert delivery.attempts == attempt
            if attempt < MAX_ATTEMPTS:
                assert outcome == delivery.status == "retrying"
                queued = deferred_tasks.results[-1]
                assert queued.args == [delivery.pk]
                assert queued.task.run_after == delivery.next_attempt_at
                waits.append(queued.task.run_after - started)
    assert outcome == delivery.status == "failed"
    assert delivery.next_attempt_at is None
    assert len(deferred_tasks.results) == MAX_ATTEMPTS - 1  # no try after the last
    for wait, delay in zip(waits, RETRY_DELAYS, strict=True):
        assert delay <= wait < delay + datetime.timedelta(seconds=5)
    assert [r.levelname for r in caplog.records] == ["WARNING"] * 4 + ["ERROR"]
    assert f"to user {manager_a.pk} failed after {MAX_ATTEMPTS} tries" in (
        caplog.records[-1].getMessage()
    )
    # A task queued twice sends nothing more.
    assert send_email.call(delivery.pk) == "nothing to send"


def test_a_later_try_that_works_sends_it(settings, deferred_tasks, manager_a):
    settings.EMAIL_BACKEND = REFUSED
    (delivery,) = notify([manager_a], "The plan was approved.", "/plans/1/")
    send_email.call(delivery.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_email.call(delivery.pk) == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert delivery.sent_at is not None
    (message,) = mail.outbox
    assert message.to == [manager_a.email]


def test_an_inactive_user_is_not_emailed(deferred_tasks, manager_a):
    (delivery,) = notify([manager_a], "The plan was approved.", "/plans/1/")
    manager_a.is_active = False
    manager_a.save()
    assert send_email.call(delivery.pk) == "failed"
    assert mail.outbox == []


# Each kind its own subject; links from the request's own address.


def test_taken_into_review_tells_the_managers(
    submitted_a, manager_a, officer_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(officer_a).post(
            f"/returns/{submitted_a.pk}/review/start/",
            HTTP_HOST="localhost",
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [manager_a.email]
    assert (
        message.subject == "Self-assessment taken into review: Alpha Learning 2003-04"
    )
    assert "The self-assessment of Alpha Learning 2003-04 was taken into review." in (
        message.body
    )
    # The address the officer used, not SITE_URL.
    assert f"http://localhost/returns/{submitted_a.pk}/\n" in message.body
    assert EmailDelivery.objects.get().status == "sent"


def test_reminders_link_to_site_url(
    settings, return_a, manager_a, period_2003, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://lp.example.gov.uk"
    period_2003.submission_deadline = timezone.localdate() - datetime.timedelta(1)
    period_2003.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", days=14, stdout=StringIO())
    (message,) = mail.outbox
    assert message.subject == "Self-assessment overdue: Alpha Learning"
    partnership = return_a.partnership_id
    assert f"https://lp.example.gov.uk/partnerships/{partnership}/" in message.body
    assert EmailDelivery.objects.get().kind == "reminder_overdue"


def test_a_caller_without_a_subject_gets_the_first_sentence(
    manager_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [manager_a],
            "The development plan of Alpha Learning 2003-04 was approved. Well done.",
            "/plans/7/",
        )
    (message,) = mail.outbox
    assert message.subject == (
        "The development plan of Alpha Learning 2003-04 was approved"
    )
    assert EmailDelivery.objects.get().kind == "other"


def test_a_subject_is_one_line(manager_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify([manager_a], "Message", "/", subject="Alpha\r\nBcc: all@example.org")
    (message,) = mail.outbox
    assert message.subject == "Alpha Bcc: all@example.org"
    assert message.recipients() == [manager_a.email]


def test_nothing_is_queued_when_the_step_rolls_back(manager_a):
    """No commit, no task: the email row exists only inside the transaction."""
    with transaction.atomic():
        notify([manager_a], "Message", "/")
        transaction.set_rollback(True)
    assert not EmailDelivery.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("host", "secure", "expected"),
    [
        ("localhost:8000", False, "http://localhost:8000"),
        ("127.0.0.1", True, "https://127.0.0.1"),
        # A host Django does not accept never reaches an email.
        ("evil.example", False, "https://lp.example.gov.uk"),
        ("localhost\r\nX: y", False, "https://lp.example.gov.uk"),
    ],
)
def test_site_address_of_a_request(settings, host, secure, expected):
    settings.SITE_URL = "https://lp.example.gov.uk"
    request = RequestFactory().get("/", HTTP_HOST=host, secure=secure)
    seen = []
    middleware = SiteAddressMiddleware(lambda r: seen.append(site_address()))  # type: ignore[arg-type,func-returns-value]
    middleware(request)
    assert seen == [expected]
    # Outside the request: SITE_URL again.
    assert site_address() == "https://lp.example.gov.uk"


def test_a_forged_host_is_refused_before_any_step(
    return_a, manager_a, django_capture_on_commit_callbacks
):
    fill_answers(return_a, SELF_SCORES)
    client = signed_in(manager_a)
    client.raise_request_exception = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/returns/{return_a.pk}/check/", HTTP_HOST="evil.example"
        )
    assert response.status_code >= 400
    assert Return.objects.get(pk=return_a.pk).status == "draft"
    assert not EmailDelivery.objects.exists()


# The national administrators' page.


@pytest.fixture
def failed_and_waiting(mail_server_down, deferred_tasks, manager_a, officer_a):
    """A failed email to manager_a, one waiting to be tried again to
    officer_a, and one sent."""
    (failed,) = notify(
        [manager_a], "Alpha was accepted.", "/", subject="Accepted: Alpha"
    )
    for _ in range(MAX_ATTEMPTS):
        send_email.call(failed.pk)
    (waiting,) = notify(
        [officer_a], "Alpha was submitted.", "/", subject="Submitted: Alpha"
    )
    send_email.call(waiting.pk)
    EmailDelivery.objects.create(
        recipient=manager_a, subject="Sent long ago", body=".", status="sent"
    )
    return {"failed": failed, "waiting": waiting}


def test_the_administrator_sees_failed_and_waiting_emails(
    failed_and_waiting, client_as, django_assert_num_queries
):
    client = client_as("admin")
    # session, user with their profile; the emails with their recipients; the counts
    with django_assert_num_queries(4):
        response = client.get("/emails/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Accepted: Alpha" in page
    assert "Submitted: Alpha" in page
    assert "Sent long ago" not in page
    assert "<strong>1</strong> failed" in page
    assert "<strong>1</strong> waiting to be sent" in page
    assert "<strong>1</strong> sent" in page
    assert "ConnectionRefusedError" in page
    assert "@example.org" not in page
    # Only the failed one can be tried again now.
    failed = failed_and_waiting["failed"].pk
    waiting = failed_and_waiting["waiting"].pk
    assert f'action="/emails/{failed}/retry/"' in page
    assert f'action="/emails/{waiting}/retry/"' not in page
    # The page is linked from the administrator's home page.
    assert 'href="/emails/"' in client.get("/").content.decode()


def test_the_page_query_count_does_not_grow(
    failed_and_waiting, client_as, manager_b, django_assert_num_queries, monkeypatch
):
    for _ in range(10):
        EmailDelivery.objects.create(
            recipient=manager_b, subject="Queued", body=".", status="failed"
        )
    client = client_as("admin")
    with django_assert_num_queries(4):
        response = client.get("/emails/")
    assert response.status_code == 200
    assert "The newest" not in response.content.decode()
    monkeypatch.setattr(
        notifications,
        "emails_needing_attention",
        lambda: EmailDelivery.objects.exclude(status="sent")[:3],
    )
    page = client.get("/emails/").content.decode()
    assert "The newest 3 are shown." in page


@pytest.mark.parametrize("name", ["manager_a", "officer_a", "go_a"])
def test_only_national_administrators_see_the_page(failed_and_waiting, client_as, name):
    client = client_as(name)
    assert client.get("/emails/").status_code == 403
    failed = failed_and_waiting["failed"]
    assert client.post(f"/emails/{failed.pk}/retry/").status_code == 403
    failed.refresh_from_db()
    assert failed.status == "failed"
    assert 'href="/emails/"' not in client.get("/").content.decode()


def test_trying_a_failed_email_again(
    failed_and_waiting, settings, client_as, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    failed = failed_and_waiting["failed"]
    client = client_as("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/emails/{failed.pk}/retry/")
    assert response.status_code == 302
    assert response["Location"] == "/emails/"
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 1)
    (message,) = mail.outbox
    assert message.subject == "Accepted: Alpha"
    assert "will be sent again" in client.get("/emails/").content.decode()


def test_a_waiting_email_is_not_queued_twice(failed_and_waiting, client_as):
    waiting = failed_and_waiting["waiting"]
    client = client_as("admin")
    response = client.post(f"/emails/{waiting.pk}/retry/")
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == ("retrying", 1)
    assert "was not queued again" in client.get("/emails/").content.decode()


def test_a_stalled_email_may_be_tried_again(failed_and_waiting, client_as):
    waiting = failed_and_waiting["waiting"]
    EmailDelivery.objects.filter(pk=waiting.pk).update(
        next_attempt_at=timezone.now() - notifications.STALLED_AFTER * 2
    )
    client = client_as("admin")
    assert f'action="/emails/{waiting.pk}/retry/"' in (
        client.get("/emails/").content.decode()
    )
    client.post(f"/emails/{waiting.pk}/retry/")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == ("queued", 0)


def test_an_unknown_email_is_404(client_as, db, cast):
    assert client_as("admin").post("/emails/999999/retry/").status_code == 404


def test_one_task_per_email_queued_on_commit(
    deferred_tasks, manager_a, manager_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        emails = notify([manager_a, manager_b], "Alpha was accepted.", "/")
        assert deferred_tasks.results == []  # nothing before the commit
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    assert sorted(r.args[0] for r in deferred_tasks.results) == sorted(
        e.pk for e in emails
    )
    assert {r.task.name for r in deferred_tasks.results} == {"send_email"}
    assert {r.task.run_after for r in deferred_tasks.results} == {None}


def test_the_page_escapes_what_was_typed(failed_and_waiting, client_as):
    EmailDelivery.objects.filter(pk=failed_and_waiting["failed"].pk).update(
        subject='Accepted: <script>alert("x")</script>',
        last_error="SMTPDataError: <b>refused</b>",
    )
    page = client_as("admin").get("/emails/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<b>refused</b>" not in page
