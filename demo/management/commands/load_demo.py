from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from demo.organisations import load_demo_data
from demo.people import DEMO_PASSWORD
from demo.plans import load_demo_plans
from demo.returns import load_demo_returns
from indicators.services import reference_framework_load
from partnerships.models import LearningPartnership


class Command(BaseCommand):
    help = (
        "Load the reference framework, the demo partnerships, their returns and the "
        "demo users. Safe to run again: changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        users = load_demo_data()
        framework = reference_framework_load()
        returns = load_demo_returns(framework=framework)
        plans = load_demo_plans()
        count = LearningPartnership.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {count} partnerships, {framework}, "
                f"{returns} new returns, {plans} new development plans."
            )
        )
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<8} {user.description}")
