from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from partnerships.demo import DEMO_PASSWORD, load_demo_data
from partnerships.models import LearningPartnership


class Command(BaseCommand):
    help = "Load the demo partnerships and users. Safe to run again: changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        users = load_demo_data()
        count = LearningPartnership.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded: {count} partnerships.")
        )
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<8} {user.description}")
