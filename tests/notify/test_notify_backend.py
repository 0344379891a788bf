"""Emails through GOV.UK Notify when its key is set: each kind with its own
template, against a stand-in for Notify's API on this machine; Notify's
refusals fail the email for good, its outages are tried again."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from assessment.models import EmailDelivery, EmailKind
from assessment.notifications import notify, send_email
from govuk.notify import DEFAULT
from tests.review.helpers import SELF_SCORES, fill_answers, signed_in

from .conftest import TEMPLATES
from .stand_in import StandIn


def _sent(stand_in: StandIn) -> list[tuple[str, str]]:
    return [(r["email_address"], r["template_id"]) for r in stand_in.received]


@pytest.mark.parametrize("kind", EmailKind.values)
def test_each_kind_goes_out_with_its_own_template(
    kind, use_notify, manager_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = notify(
            [manager_a],
            "Alpha Learning's self-assessment was accepted. Well done.",
            "/returns/7/",
            kind=kind,
            subject="Self-assessment accepted: Alpha Learning 2003-04",
        )

    assert use_notify.received == [
        {
            "email_address": "manager_a@example.org",
            "template_id": TEMPLATES[kind],
            "personalisation": {
                "subject": "Self-assessment accepted: Alpha Learning 2003-04",
                "body": "Alpha Learning's self-assessment was accepted. Well done."
                "\n\nhttp://127.0.0.1:8000/returns/7/\n",
            },
            "reference": f"email-{delivery.pk}",
        }
    ]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 1, "")
    assert mail.outbox == []


def test_a_submission_through_its_page_emails_the_officers_through_notify(
    use_notify, return_a, manager_a, officer_a, django_capture_on_commit_callbacks
):
    fill_answers(return_a, SELF_SCORES)

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(manager_a).post(f"/returns/{return_a.pk}/check/")

    assert response.status_code == 302
    assert _sent(use_notify) == [("officer_a@example.org", TEMPLATES["submitted"])]
    fields = use_notify.received[0]["personalisation"]
    assert fields["subject"] == "Self-assessment submitted: Alpha Learning 2003-04"
    assert f"http://testserver/returns/{return_a.pk}/" in fields["body"]
    assert EmailDelivery.objects.get().status == "sent"


def test_a_kind_without_a_template_takes_the_default(
    use_notify, settings, manager_a, django_capture_on_commit_callbacks
):
    settings.NOTIFY_TEMPLATES = {DEFAULT: TEMPLATES["other"]}

    with django_capture_on_commit_callbacks(execute=True):
        notify([manager_a], "Accepted.", "/", kind=EmailKind.ACCEPTED)

    assert _sent(use_notify) == [("manager_a@example.org", TEMPLATES["other"])]


def test_a_kind_without_a_template_or_default_fails_saying_which_to_set(
    use_notify, settings, manager_a, django_capture_on_commit_callbacks
):
    settings.NOTIFY_TEMPLATES = {"submitted": TEMPLATES["submitted"]}

    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = notify([manager_a], "Accepted.", "/", kind=EmailKind.ACCEPTED)

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "NOTIFY_TEMPLATE_ACCEPTED or NOTIFY_TEMPLATE_DEFAULT" in delivery.last_error
    assert use_notify.received == []


# Password reset: Django's own email, sent in the request.


def test_password_reset_goes_through_notify_with_its_template(
    use_notify, client: Client, manager_a
):
    response = client.post(
        "/accounts/password_reset/", {"email": "manager_a@example.org"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert _sent(use_notify) == [("manager_a@example.org", TEMPLATES["password_reset"])]
    fields = use_notify.received[0]["personalisation"]
    assert "reset" in fields["subject"].lower()
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", fields["body"])
    assert link, fields["body"]
    # The link in the body works.
    page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in page.text
    assert mail.outbox == []


def test_password_reset_page_answers_the_same_when_notify_refuses(
    use_notify, client: Client, manager_a, caplog
):
    use_notify.answer(400, "BadRequestError", "Template not found")

    response = client.post(
        "/accounts/password_reset/", {"email": "manager_a@example.org"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert "Failed to send password reset email" in caplog.text


# Notify's refusals and outages.


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [
        (400, "BadRequestError", "Template not found"),
        (400, "ValidationError", "email_address Not a valid email address"),
        (403, "AuthError", "Invalid token: API key revoked"),
    ],
)
def test_a_refusal_fails_the_email_with_the_reason_shown_to_administrators(
    status,
    error,
    message,
    use_notify,
    manager_a,
    client_as,
    django_capture_on_commit_callbacks,
):
    use_notify.answer(status, error, message)

    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = notify([manager_a], "Accepted.", "/", kind=EmailKind.ACCEPTED)

    delivery.refresh_from_db()
    reason = f"GOV.UK Notify refused the email ({status}): {error}: {message}"
    assert delivery.status == "failed"
    assert delivery.attempts == 1
    assert delivery.next_attempt_at is None
    assert reason in delivery.last_error
    page = client_as("admin").get("/emails/")
    assert reason in page.text
    assert "Try again" in page.text


def test_a_wrong_key_is_refused_by_notify_and_fails_the_email(
    use_notify, settings, manager_a, django_capture_on_commit_callbacks
):
    # The right service, a secret Notify does not know: the token's
    # signature does not hold.
    settings.NOTIFY_API_KEY = (
        f"lp_test-{use_notify.service_id}-00000000-0000-4000-8000-000000000000"
    )

    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = notify([manager_a], "Accepted.", "/")

    delivery.refresh_from_db()
    assert use_notify.refused_tokens == ["Invalid token: API key not found"]
    assert delivery.status == "failed"
    assert "(403): AuthError: Invalid token: API key not found" in delivery.last_error


@pytest.mark.parametrize(
    ("status", "error"),
    [(500, "Exception"), (503, "Exception"), (429, "RateLimitError")],
)
def test_an_outage_is_tried_again_then_sent(
    status, error, use_notify, manager_a, django_capture_on_commit_callbacks
):
    use_notify.answer(status, error, "Internal server error")

    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = notify([manager_a], "Accepted.", "/", kind=EmailKind.ACCEPTED)

    delivery.refresh_from_db()
    assert delivery.status == "retrying"
    assert delivery.attempts == 1
    assert delivery.next_attempt_at is not None
    assert str(status) in delivery.last_error

    # The next try (a worker, at next_attempt_at) finds Notify back.
    assert send_email.call(delivery.pk) == "sent"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert _sent(use_notify) == [("manager_a@example.org", TEMPLATES["accepted"])] * 2


def test_notify_too_slow_to_answer_is_tried_again(
    use_notify, settings, manager_a, django_capture_on_commit_callbacks
):
    settings.EMAIL_TIMEOUT = 0.2
    use_notify.answer(201, delay=1.0)

    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = notify([manager_a], "Accepted.", "/")

    delivery.refresh_from_db()
    assert delivery.status == "retrying"
    assert delivery.next_attempt_at is not None
    assert "HTTP503Error" in delivery.last_error


# Without a key: the mail server, as before.


def test_without_a_key_emails_go_to_the_mail_server(
    settings, notify_api, manager_a, client: Client, django_capture_on_commit_callbacks
):
    settings.NOTIFY_BASE_URL = notify_api.base_url
    settings.NOTIFY_TEMPLATES = dict(TEMPLATES)
    assert settings.NOTIFY_API_KEY == ""
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"

    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = notify([manager_a], "Accepted.", "/", kind=EmailKind.ACCEPTED)
    client.post("/accounts/password_reset/", {"email": "manager_a@example.org"})

    assert notify_api.received == []
    assert [message.to for message in mail.outbox] == [["manager_a@example.org"]] * 2
    assert mail.outbox[0].subject == "Accepted"
    assert mail.outbox[0].extra_headers["X-Notify-Kind"] == "accepted"
    assert mail.outbox[1].extra_headers["X-Notify-Kind"] == "password_reset"
    delivery.refresh_from_db()
    assert delivery.status == "sent"
