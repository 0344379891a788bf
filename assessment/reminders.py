"""Reminders to partnership managers whose returns are due soon or overdue."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from indicators.models import Period
from partnerships.models import LearningPartnership
from partnerships.users import User

from .models import EDITABLE_STATUSES, EmailKind, Reminder, Return
from .notifications import notify


@dataclass
class ReminderSent:
    partnership: LearningPartnership
    period: Period
    overdue: bool
    recipients: int


def send_reminders(*, days: int, today: datetime.date) -> list[ReminderSent]:
    """Remind (a notification, and an email queued for the background
    worker) the managers of every active partnership whose return for a period
    is due within ``days`` days or overdue and not yet submitted. At most one
    reminder per partnership and period a day: a second run sends nothing."""
    sent = []
    periods = Period.objects.filter(
        submission_deadline__isnull=False,
        submission_deadline__lte=today + datetime.timedelta(days=days),
    )
    for period in periods:
        deadline = period.submission_deadline
        assert deadline is not None  # noqa: S101 (filtered above)
        submitted = Return.objects.filter(period=period).exclude(
            status__in=EDITABLE_STATUSES
        )
        partnerships = (
            LearningPartnership.objects.filter(is_active=True)
            .exclude(pk__in=submitted.values("partnership_id"))
            .exclude(reminders_sent_on(period, today))
            .prefetch_related("managers")
        )
        for partnership in partnerships:
            managers = [
                m for m in partnership.managers.all() if m.is_active and m.email
            ]
            if not managers:
                continue
            overdue = today > deadline
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        partnership=partnership,
                        period=period,
                        sent_on=today,
                        overdue=overdue,
                        recipients=len(managers),
                    )
                    # Queued with the reminder's row: sent once both are kept.
                    _remind(partnership, period, deadline, overdue, managers)
            except IntegrityError:
                continue  # another run sent today's reminder first
            sent.append(ReminderSent(partnership, period, overdue, len(managers)))
    return sent


def reminders_sent_on(period: Period, day: datetime.date) -> Exists:
    """Whether a partnership already had its reminder for the period that day."""
    return Exists(
        Reminder.objects.filter(partnership=OuterRef("pk"), period=period, sent_on=day)
    )


def _remind(
    partnership: LearningPartnership,
    period: Period,
    deadline: datetime.date,
    overdue: bool,
    managers: list[User],
) -> None:
    when = deadline.strftime("%-d %B %Y")
    if overdue:
        message = (
            f"The {period.code} self-assessment of {partnership.name} was due on "
            f"{when} and has not been submitted."
        )
    else:
        message = (
            f"The {period.code} self-assessment of {partnership.name} is due on {when}."
        )
    url = reverse("partnerships:detail", args=[partnership.pk])
    kind = EmailKind.REMINDER_OVERDUE if overdue else EmailKind.REMINDER_DUE
    state = "overdue" if overdue else "due"
    notify(
        managers,
        message,
        url,
        kind=kind,
        subject=f"Self-assessment {state}: {partnership.name}",
    )
