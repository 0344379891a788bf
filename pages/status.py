"""The service's status in plain words, one part at a time: pages and saving
(the database), the background worker (packs, regional summaries, emails)
and the emails themselves. The database check is the one ``/healthz``
answers from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import Enum

from django.db.models import Count, Max, Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from assessment.models import PENDING_EMAIL_STATUSES, EmailDelivery, EmailStatus
from assessment.notifications import STALLED_AFTER, stalled_filter
from config.health import database_answers

# A task ready this long without a worker starting it means no worker is
# taking tasks (a busy one starts a pack's plans within a minute or two).
TASK_LATE = datetime.timedelta(minutes=10)
# An email that failed more recently than this still says something about
# the mail server now.
RECENT_FAILURE = datetime.timedelta(days=1)

DATABASE = "Pages and saving"
WORKER = "Background work (packs, regional summaries and emails)"
EMAILS = "Emails"


class State(Enum):
    """How a part of the service is doing, with its GOV.UK tag colour."""

    WORKING = ("Working", "green")
    DELAYED = ("Delayed", "yellow")
    NOT_WORKING = ("Not working", "red")
    NOT_KNOWN = ("Not known", "grey")

    def __init__(self, label: str, colour: str) -> None:
        self.label = label
        self.colour = colour


@dataclass(frozen=True)
class Component:
    """One part of the service: its state, a sentence saying what that means
    for people, and the facts behind it."""

    name: str
    state: State
    summary: str
    facts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ServiceStatus:
    checked_at: datetime.datetime
    database_answers: bool
    components: list[Component]

    @property
    def all_working(self) -> bool:
        return all(c.state is State.WORKING for c in self.components)


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def _database(answers: bool) -> Component:
    name = DATABASE
    if answers:
        return Component(
            name,
            State.WORKING,
            "Pages open and what you save is kept.",
        )
    return Component(
        name,
        State.NOT_WORKING,
        "The service cannot reach its database: pages may not open and nothing "
        "can be saved. Try again in a few minutes; what was saved before is safe.",
    )


def _worker(now: datetime.datetime) -> Component:
    name = WORKER
    late = now - TASK_LATE
    no_start_time = get_date_max()
    ready = Q(status=TaskResultStatus.READY)
    figures = DBTaskResult.objects.aggregate(
        last_started=Max("started_at"),
        waiting=Count("pk", filter=ready),
        late=Count(
            "pk",
            filter=ready
            & (
                Q(run_after=no_start_time, enqueued_at__lt=late) | Q(run_after__lt=late)
            ),
        ),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
    )
    facts = []
    if figures["last_started"]:
        facts.append(
            f"The background worker last started a task at "
            f"{_when(figures['last_started'])}."
        )
    else:
        facts.append("The background worker has not started any task yet.")
    facts.append(
        f"{_count(figures['running'], 'task is', 'tasks are')} running and "
        f"{_count(figures['waiting'], 'task is', 'tasks are')} waiting to start."
    )
    minutes = int(TASK_LATE.total_seconds() // 60)
    if figures["late"]:
        return Component(
            name,
            State.DELAYED,
            f"{_count(figures['late'], 'task has', 'tasks have')} waited more than "
            f"{minutes} minutes to start: the background worker may have stopped. "
            "Packs, regional summaries and emails wait until it runs again; "
            "nothing is lost.",
            facts,
        )
    return Component(
        name,
        State.WORKING,
        f"No task has waited more than {minutes} minutes to start.",
        facts,
    )


def _emails(now: datetime.datetime) -> Component:
    name = EMAILS
    figures = EmailDelivery.objects.aggregate(
        last_sent=Max("sent_at"),
        waiting=Count("pk", filter=Q(status__in=PENDING_EMAIL_STATUSES)),
        stalled=Count("pk", filter=stalled_filter(now)),
        failed=Count(
            "pk",
            filter=Q(
                status=EmailStatus.FAILED, last_attempt_at__gte=now - RECENT_FAILURE
            ),
        ),
    )
    facts = [
        f"The last email was sent at {_when(figures['last_sent'])}."
        if figures["last_sent"]
        else "No email has been sent yet.",
        f"{_count(figures['waiting'], 'email is', 'emails are')} waiting to be sent.",
    ]
    if figures["failed"]:
        facts.append(
            f"{_count(figures['failed'], 'email', 'emails')} could not be sent in "
            "the last day, after every try: national administrators can send "
            "them again."
        )
    if figures["stalled"]:
        minutes = int(STALLED_AFTER.total_seconds() // 60)
        return Component(
            name,
            State.DELAYED,
            f"{_count(figures['stalled'], 'email has', 'emails have')} waited more "
            f"than {minutes} minutes past its time to be sent. They will go when "
            "the background worker runs again.",
            facts,
        )
    if figures["failed"]:
        return Component(
            name,
            State.DELAYED,
            "The mail server refused some emails: they were not sent.",
            facts,
        )
    return Component(name, State.WORKING, "Emails go out as they should.", facts)


def service_status() -> ServiceStatus:
    """Each part of the service as it is now. When the database does not
    answer, what it holds (the queue, the emails) is not known."""
    now = timezone.now()
    if not database_answers():
        unknown = "Not known while the service cannot reach its database."
        return ServiceStatus(
            now,
            False,
            [
                _database(False),
                Component(WORKER, State.NOT_KNOWN, unknown),
                Component(EMAILS, State.NOT_KNOWN, unknown),
            ],
        )
    return ServiceStatus(now, True, [_database(True), _worker(now), _emails(now)])
