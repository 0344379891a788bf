"""The send_reminders command: managers of active partnerships whose return is
due within N days (or overdue) and not submitted get one email a day."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessment.models import Notification, Reminder, Return
from assessment.reminders import send_reminders
from assessment.services import return_start
from partnerships.models import Role
from tests.factories import LearningPartnershipFactory, ProfileFactory


def manager(username: str, **user):
    return ProfileFactory(
        user__username=username,
        role=Role.MANAGER,
        **{f"user__{k}": v for k, v in user.items()},
    ).user


@pytest.fixture
def command(django_capture_on_commit_callbacks):
    """``manage.py send_reminders``, its emails sent once it commits."""

    def run(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", *args, **kwargs)

    return run


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return send_reminders(**kwargs)

    return run


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def due(
    cast, partnership_a, partnership_b, manager_a, manager_a2, manager_b, period_2003
):
    """The 2003-04 return is due in 10 days.

    - A (manager_a, manager_a2 and an inactive manager): draft -> reminded
    - B (manager_b): no return at all -> reminded
    - Returned (manager_r): returned for revision -> reminded
    - Submitted, In review, Accepted: done -> not reminded
    - Dormant: inactive partnership, no return -> not reminded
    """
    today = timezone.localdate()
    period_2003.submission_deadline = today + datetime.timedelta(days=10)
    period_2003.save()
    partnership_a.managers.add(manager("manager_gone", is_active=False))
    return_start(partnership=partnership_a, period=period_2003, user=manager_a)
    for status in ("returned", "submitted", "in_review", "accepted"):
        person = manager(f"manager_{status}")
        partnership = LearningPartnershipFactory(
            name=f"{status.title()} Learning", managers=[person]
        )
        record = return_start(partnership=partnership, period=period_2003, user=person)
        Return.objects.filter(pk=record.pk).update(
            status=status, submitted_at=timezone.now()
        )
    LearningPartnershipFactory(
        name="Dormant Learning", is_active=False, managers=[manager("manager_dormant")]
    )
    return today


REMINDED = [
    "manager_a2@example.org",
    "manager_a@example.org",
    "manager_b@example.org",
    "manager_returned@example.org",
]


def test_reminds_the_managers_of_returns_not_submitted(due, period_2003, command):
    out = StringIO()
    command(days=14, stdout=out)
    assert recipients() == REMINDED
    assert all(len(message.to) == 1 for message in mail.outbox)
    by_person = {message.to[0]: message for message in mail.outbox}
    message = by_person["manager_a@example.org"]
    assert message.subject == "Self-assessment due: Alpha Learning"
    when = (due + datetime.timedelta(days=10)).strftime("%-d %B %Y")
    assert f"The 2003-04 self-assessment of Alpha Learning is due on {when}." in (
        message.body
    )
    assert "overdue" not in message.body.lower()
    assert by_person["manager_b@example.org"].subject == (
        "Self-assessment due: Bravo Learning"
    )
    reminders = Reminder.objects.order_by("partnership__name")
    assert [
        (r.partnership.name, r.sent_on, r.overdue, r.recipients) for r in reminders
    ] == [
        ("Alpha Learning", due, False, 2),
        ("Bravo Learning", due, False, 1),
        ("Returned Learning", due, False, 1),
    ]
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == [
        "manager_a",
        "manager_a2",
        "manager_b",
        "manager_returned",
    ]
    assert "3 reminders sent." in out.getvalue()


def test_twice_the_same_day_sends_nothing_new(due, command):
    command(days=14, stdout=StringIO())
    sent, reminders = len(mail.outbox), list(Reminder.objects.values())
    out = StringIO()
    command(days=14, stdout=out)
    assert len(mail.outbox) == sent == 4
    assert list(Reminder.objects.values()) == reminders
    assert "0 reminders sent." in out.getvalue()


def test_next_day_sends_again(due, monkeypatch, command):
    command(days=14, stdout=StringIO())
    tomorrow = due + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    command(days=14, stdout=StringIO())
    assert len(mail.outbox) == 8
    assert (
        sorted(Reminder.objects.values_list("sent_on", flat=True))
        == [due] * 3 + [tomorrow] * 3
    )


def test_next_day_through_the_function(due, remind):
    first = remind(days=14, today=due)
    second = remind(days=14, today=due)
    third = remind(days=14, today=due + datetime.timedelta(days=1))
    assert (len(first), len(second), len(third)) == (3, 0, 3)
    assert recipients() == sorted(REMINDED * 2)


def test_submitting_stops_the_reminders(due, partnership_a, manager_a, remind):
    record = Return.objects.get(partnership=partnership_a)
    Return.objects.filter(pk=record.pk).update(
        status="submitted", submitted_at=timezone.now()
    )
    remind(days=14, today=due)
    assert "manager_a@example.org" not in recipients()
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("days", "sent"),
    [(9, 0), (10, 4), (14, 4)],  # the deadline is 10 days away
)
def test_only_deadlines_within_the_days(due, days, sent, command):
    command(days=days, stdout=StringIO())
    assert len(mail.outbox) == sent


def test_overdue_says_overdue(due, period_2003, command):
    period_2003.submission_deadline = due - datetime.timedelta(days=2)
    period_2003.save()
    command(days=0, stdout=StringIO())
    assert recipients() == REMINDED
    message = next(m for m in mail.outbox if m.to == ["manager_a@example.org"])
    assert message.subject == "Self-assessment overdue: Alpha Learning"
    when = period_2003.submission_deadline.strftime("%-d %B %Y")
    assert (
        f"The 2003-04 self-assessment of Alpha Learning was due on {when} and has "
        "not been submitted." in message.body
    )
    assert set(Reminder.objects.values_list("overdue", flat=True)) == {True}


def test_no_deadline_no_reminder(due, period_2003, period_2002, command):
    period_2003.submission_deadline = None
    period_2003.save()
    command(days=14, stdout=StringIO())
    assert mail.outbox == []
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("days", [-1, -14])
def test_negative_days_refused(due, days, command):
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        command(days=days, stdout=StringIO())
    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_negative_days_on_the_command_line(due, command):
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        command("--days=-3", stdout=StringIO())
