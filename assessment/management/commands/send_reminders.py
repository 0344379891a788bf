from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from assessment.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Remind the managers of partnerships whose returns are due within N days or "
        "overdue (a notification, and an email queued for the background worker). "
        "Running it again the same day sends nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=14, help="Default 14.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0:
            raise CommandError("--days must be 0 or more.")
        sent = send_reminders(days=options["days"], today=timezone.localdate())
        for reminder in sent:
            state = "overdue" if reminder.overdue else "due"
            self.stdout.write(
                f"{reminder.partnership.name} {reminder.period.code}: {state}, "
                f"{reminder.recipients} manager(s)"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminders sent."))
