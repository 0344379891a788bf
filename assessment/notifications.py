"""Notifications: a message in the service and an email to each person told.

Emails never go out inside the request that caused them: each is a row
(``EmailDelivery``) and a background task queued once the step is committed,
so a mail server that is down or slow cannot turn a saved step into an error
page. A refused email is tried again after 1, 5 and 30 minutes and 2 hours,
then marked failed; national administrators see the failed and waiting ones
at ``/emails/`` and can try a failed one again."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import partial

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_tasks import task

from govuk.notify import KIND_HEADER, REFERENCE_HEADER, EmailRefused
from partnerships.rules import check_perm
from partnerships.users import User

from .models import (
    PENDING_EMAIL_STATUSES,
    EmailDelivery,
    EmailKind,
    EmailStatus,
    Notification,
)

logger = logging.getLogger(__name__)

# The waits before each further try; one try more than there are waits.
RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A waiting email whose try is this late has lost its worker (or its queue
# entry): national administrators may send it again by hand.
STALLED_AFTER = datetime.timedelta(minutes=30)
# Seconds to wait for the mail server, so that a silent one cannot hold a
# worker for ever (Django's own default is no limit).
SMTP_TIMEOUT = 30
MANAGE = "assessment.follow_emails"

_current_request: ContextVar[HttpRequest | None] = ContextVar(
    "notifications_request", default=None
)


class SiteAddressMiddleware:
    """Keeps the request at hand while it is answered, so that links in the
    emails it causes point at the address the person used."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def site_address() -> str:
    """The service's address for links in emails: the current request's own
    scheme and host, or ``SITE_URL`` outside a request (a command). The host
    comes from ``request.get_host()``, which refuses any host not in
    ``ALLOWED_HOSTS``: a forged Host header never reaches an email."""
    request = _current_request.get()
    if request is not None:
        try:
            return request.build_absolute_uri("/").rstrip("/")
        except DisallowedHost:
            pass
    return str(settings.SITE_URL).rstrip("/")


def one_line(text: str, limit: int = 150) -> str:
    """Text fit for a header: one line (Django refuses to send a subject
    with a line break in it) and not too long."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def default_subject(message: str) -> str:
    """A subject taken from the message itself: its first sentence."""
    first = message.strip().split(". ", 1)[0].rstrip(".")
    return one_line(first or "Learning Partnerships self-assessment")


def notify(
    users: Iterable[User],
    message: str,
    url: str,
    *,
    kind: str = EmailKind.OTHER,
    subject: str | None = None,
) -> list[EmailDelivery]:
    """Tell each user: a notification in the service, and an email to those
    with an address, queued to be sent by a background task once the
    current transaction commits (none if it rolls back). Links point at the
    address of the request being answered, or ``SITE_URL``."""
    users = list(users)
    Notification.objects.bulk_create(
        Notification(user=user, message=message, url=url) for user in users
    )
    body = f"{message}\n\n{site_address()}{url}\n" if url else f"{message}\n"
    title = one_line(subject) if subject else default_subject(message)
    deliveries = [
        EmailDelivery.objects.create(
            kind=kind, recipient=user, subject=title, body=body
        )
        for user in users
        if user.email and user.is_active
    ]
    for delivery in deliveries:
        _send_after_commit(delivery.pk)
    return deliveries


def _send_after_commit(delivery_id: int) -> None:
    # robust: a queue that cannot be written to is logged, and the email
    # stays queued (shown to administrators), rather than failing the step
    # that was already committed.
    transaction.on_commit(partial(send_email.enqueue, delivery_id), robust=True)


@task()
def send_email(delivery_id: int) -> str:
    """Send one queued email. A refusal is written down and the email tried
    again later, up to ``MAX_ATTEMPTS`` tries; then it is marked failed."""
    delivery = (
        EmailDelivery.objects.select_related("recipient")
        .filter(pk=delivery_id, status__in=PENDING_EMAIL_STATUSES)
        .first()
    )
    if delivery is None:
        return "nothing to send"
    now = timezone.now()
    # Only one worker takes each try, even if the task was queued twice.
    taken = EmailDelivery.objects.filter(
        pk=delivery.pk, status=delivery.status, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1, last_attempt_at=now)
    if not taken:
        return "taken by another worker"
    attempt = delivery.attempts + 1
    recipient = delivery.recipient
    if not recipient.is_active or not recipient.email:
        _give_up(delivery, attempt, "The user is inactive or has no email address.")
        return EmailStatus.FAILED
    address = recipient.email
    try:
        EmailMessage(
            delivery.subject,
            delivery.body,
            settings.DEFAULT_FROM_EMAIL,
            [address],
            connection=get_connection(timeout=_timeout()),
            # GOV.UK Notify picks its template by the kind.
            headers={
                KIND_HEADER: delivery.kind,
                REFERENCE_HEADER: f"email-{delivery.pk}",
            },
        ).send()
    except (ValueError, EmailRefused) as error:
        # The message itself is malformed (BadHeaderError is one), or Notify
        # refused it for good: trying again cannot help.
        _give_up(delivery, attempt, _describe(error, address))
        return EmailStatus.FAILED
    except Exception as error:  # any refusal (SMTP, network, timeout): try again
        return _try_later(delivery, attempt, _describe(error, address))
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
    return EmailStatus.SENT


def _timeout() -> float:
    configured = getattr(settings, "EMAIL_TIMEOUT", None)
    return float(configured) if configured else SMTP_TIMEOUT


def _describe(error: BaseException, address: str) -> str:
    """The error, without the address (it may be in a refusal's text)."""
    text = f"{error.__class__.__name__}: {error}".replace(address, "<recipient>")
    return text[:500]


def _try_later(delivery: EmailDelivery, attempt: int, error: str) -> str:
    if attempt >= MAX_ATTEMPTS:
        _give_up(delivery, attempt, error)
        return EmailStatus.FAILED
    run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailStatus.RETRYING, last_error=error, next_attempt_at=run_after
    )
    logger.warning(
        "Email %s (%s) to user %s not sent, try %s of %s; trying again at %s: %s",
        delivery.pk,
        delivery.kind,
        delivery.recipient_id,
        attempt,
        MAX_ATTEMPTS,
        run_after.isoformat(timespec="seconds"),
        error,
    )
    backend = send_email.get_backend()
    # A backend that cannot wait (the test suite's, which runs tasks at once)
    # would try again in the same breath: the try is left for later, and
    # shows as waiting.
    if backend.supports_defer:
        send_email.using(run_after=run_after).enqueue(delivery.pk)
    return EmailStatus.RETRYING


def _give_up(delivery: EmailDelivery, attempt: int, error: str) -> None:
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailStatus.FAILED, last_error=error, next_attempt_at=None
    )
    logger.error(
        "Email %s (%s) to user %s failed after %s tries: %s",
        delivery.pk,
        delivery.kind,
        delivery.recipient_id,
        attempt,
        error,
    )


# The administrators' view of the emails.


def emails_needing_attention(*, limit: int = 200) -> QuerySet[EmailDelivery]:
    """Emails that failed or are still waiting to go, newest first, with
    their recipients, each saying whether it may be tried again now
    (``may_try_again``)."""
    return (
        EmailDelivery.objects.exclude(status=EmailStatus.SENT)
        .select_related("recipient")
        .annotate(
            may_try_again=ExpressionWrapper(
                may_try_again(timezone.now()), output_field=BooleanField()
            )
        )
        .order_by("-created_at", "-pk")[:limit]
    )


def stalled_filter(now: datetime.datetime) -> Q:
    """Waiting emails whose next try is long overdue: their worker is gone."""
    late = now - STALLED_AFTER
    return Q(status__in=PENDING_EMAIL_STATUSES) & (
        Q(next_attempt_at__lt=late)
        | Q(next_attempt_at__isnull=True, created_at__lt=late)
    )


def may_try_again(now: datetime.datetime) -> Q:
    """A failed email, or a waiting one that has stalled, may be sent again."""
    return Q(status=EmailStatus.FAILED) | stalled_filter(now)


@transaction.atomic
def email_try_again(*, delivery: EmailDelivery, user: User) -> bool:
    """Queue a failed (or stalled) email again, with a fresh set of tries.
    False if it is not one that may be tried again (sent meanwhile, or still
    waiting for its next try)."""
    check_perm(user, MANAGE, message="Only national administrators do this.")
    now = timezone.now()
    moved = (
        EmailDelivery.objects.filter(pk=delivery.pk)
        .filter(may_try_again(now))
        .update(status=EmailStatus.QUEUED, attempts=0, next_attempt_at=now)
    )
    if moved:
        logger.info("Email %s queued again by user %s", delivery.pk, user.pk)
        _send_after_commit(delivery.pk)
    return bool(moved)
