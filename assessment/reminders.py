"""Reminders to partnership managers whose returns are due soon or overdue:
sent on schedule by the ``send_reminders`` command, or by a national
administrator or GO officer from the reminders page (for the partnerships in
their scope). Both go one way: a partnership's managers are told at most once
a day per period, and each reminder is written down (``Reminder``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from indicators.models import Period
from partnerships.models import LearningPartnership
from partnerships.rules import check_perm
from partnerships.selectors import partnerships_for_user
from partnerships.users import AnyUser, User

from .models import EmailKind, Reminder
from .notifications import notify
from .progress import LatePartnership, is_past_deadline, unsubmitted_partnerships

SEND_REMINDERS = "assessment.send_reminders"
# The log on the reminders page shows this many, newest first.
LOG_LIMIT = 100


@dataclass
class ReminderSent:
    partnership: LearningPartnership
    period: Period
    overdue: bool
    recipients: int


@dataclass
class ReminderMessage:
    subject: str
    message: str
    kind: str


@dataclass
class PlannedReminder:
    """One partnership's reminder as it would be sent now: to whom, what it
    says, and whether it is skipped (and why)."""

    late: LatePartnership
    managers: list[User]
    message: ReminderMessage
    reminded_today: bool

    @property
    def will_send(self) -> bool:
        return bool(self.managers) and not self.reminded_today


@dataclass
class ReminderPreview:
    period: Period
    overdue: bool = False
    to_send: list[PlannedReminder] = field(default_factory=list)
    reminded_today: list[PlannedReminder] = field(default_factory=list)
    no_one_to_tell: list[PlannedReminder] = field(default_factory=list)

    @property
    def recipients(self) -> int:
        return sum(len(item.managers) for item in self.to_send)


def reminder_message(
    *, partnership: LearningPartnership, period: Period, overdue: bool
) -> ReminderMessage:
    """What a partnership's managers are told about the period's return."""
    deadline = period.submission_deadline
    due = f"{period.code} self-assessment of {partnership.name}"
    if deadline is None:
        message = f"The {due} has not been submitted yet."
    elif overdue:
        when = deadline.strftime("%-d %B %Y")
        message = f"The {due} was due on {when} and has not been submitted."
    else:
        message = f"The {due} is due on {deadline.strftime('%-d %B %Y')}."
    state = "overdue" if overdue else "due"
    return ReminderMessage(
        subject=f"Self-assessment {state}: {partnership.name}",
        message=message,
        kind=EmailKind.REMINDER_OVERDUE if overdue else EmailKind.REMINDER_DUE,
    )


def reminders_sent_on(period: Period, day: datetime.date) -> Exists:
    """Whether a partnership already had its reminder for the period that day."""
    return Exists(
        Reminder.objects.filter(partnership=OuterRef("pk"), period=period, sent_on=day)
    )


def _planned(
    *,
    partnerships: QuerySet[LearningPartnership],
    period: Period,
    today: datetime.date,
) -> list[PlannedReminder]:
    """Every active partnership of ``partnerships`` that has not submitted the
    period's return, with its managers who can be told (active, with an email
    address) and whether it was reminded today: two queries."""
    annotated = partnerships.annotate(
        reminded_today=reminders_sent_on(period, today)
    ).prefetch_related(
        Prefetch(
            "managers",
            queryset=User.objects.filter(is_active=True)
            .exclude(email="")
            .order_by("last_name", "first_name", "username"),
            to_attr="reachable_managers",
        )
    )
    planned = []
    for late in unsubmitted_partnerships(
        partnerships=annotated, period=period, today=today
    ):
        partnership = late.partnership
        planned.append(
            PlannedReminder(
                late=late,
                managers=list(partnership.reachable_managers),  # type: ignore[attr-defined]
                message=reminder_message(
                    partnership=partnership, period=period, overdue=late.overdue
                ),
                reminded_today=partnership.reminded_today,  # type: ignore[attr-defined]
            )
        )
    return planned


def _send(
    *,
    partnerships: QuerySet[LearningPartnership],
    period: Period,
    today: datetime.date,
    by: User | None,
) -> list[ReminderSent]:
    """Remind the managers of each partnership due a reminder: a notification
    and a queued email each (sent by the background worker once the reminder
    is kept), and the reminder written down."""
    sent = []
    for item in _planned(partnerships=partnerships, period=period, today=today):
        if not item.will_send:
            continue
        partnership = item.late.partnership
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    partnership=partnership,
                    period=period,
                    sent_on=today,
                    sent_at=timezone.now(),
                    sent_by=by,
                    overdue=item.late.overdue,
                    recipients=len(item.managers),
                )
                # Queued with the reminder's row: sent once both are kept.
                notify(
                    item.managers,
                    item.message.message,
                    reverse("partnerships:detail", args=[partnership.pk]),
                    kind=item.message.kind,
                    subject=item.message.subject,
                )
        except IntegrityError:
            continue  # another run sent today's reminder first
        sent.append(
            ReminderSent(partnership, period, item.late.overdue, len(item.managers))
        )
    return sent


def send_reminders(*, days: int, today: datetime.date) -> list[ReminderSent]:
    """Remind (a notification, and an email queued for the background
    worker) the managers of every active partnership whose return for a period
    is due within ``days`` days or overdue and not yet submitted. At most one
    reminder per partnership and period a day: a second run sends nothing.
    For the scheduled command; people send them with ``reminders_send``."""
    sent = []
    periods = Period.objects.filter(
        submission_deadline__isnull=False,
        submission_deadline__lte=today + datetime.timedelta(days=days),
    )
    for period in periods:
        sent += _send(
            partnerships=LearningPartnership.objects.all(),
            period=period,
            today=today,
            by=None,
        )
    return sent


def reminder_preview(
    *, user: AnyUser, period: Period, today: datetime.date | None = None
) -> ReminderPreview:
    """Who ``reminders_send`` would remind now about the period, in the user's
    scope, what they would be told, and who is skipped: already reminded
    today, or with no manager to tell."""
    today = today or timezone.localdate()
    preview = ReminderPreview(period, overdue=is_past_deadline(period, today))
    for item in _planned(
        partnerships=partnerships_for_user(user), period=period, today=today
    ):
        if item.reminded_today:
            preview.reminded_today.append(item)
        elif not item.managers:
            preview.no_one_to_tell.append(item)
        else:
            preview.to_send.append(item)
    return preview


def reminders_send(
    *, user: User, period: Period, today: datetime.date | None = None
) -> list[ReminderSent]:
    """Remind the managers of the partnerships in the user's scope that have
    not submitted the period's return, as the scheduled command does (once a
    day at most), recording who sent them."""
    check_perm(
        user,
        SEND_REMINDERS,
        message="National administrators and GO officers send reminders.",
    )
    return _send(
        partnerships=partnerships_for_user(user),
        period=period,
        today=today or timezone.localdate(),
        by=user,
    )


def reminder_log(*, user: AnyUser, period: Period) -> tuple[list[Reminder], int]:
    """The reminders sent about the period to the partnerships in the user's
    scope, newest first (at most ``LOG_LIMIT``), and how many there are."""
    reminders = Reminder.objects.filter(
        partnership__in=partnerships_for_user(user), period=period
    )
    latest = list(
        reminders.select_related("partnership", "sent_by").order_by(
            F("sent_on").desc(), F("sent_at").desc(nulls_last=True), "-pk"
        )[:LOG_LIMIT]
    )
    count = len(latest) if len(latest) < LOG_LIMIT else reminders.count()
    return latest, count
