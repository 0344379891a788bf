from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from assessment.figures import figures_rebuild
from demo.api_tokens import DEMO_API_TOKEN, load_demo_api_token
from demo.categories import load_demo_categories
from demo.evidence import load_demo_evidence
from demo.imports import load_demo_imports
from demo.organisations import load_demo_data
from demo.people import DEMO_PASSWORD
from demo.plans import load_demo_plans
from demo.regeneration_bodies import load_demo_regeneration_bodies
from demo.returns import load_demo_returns
from demo.second_factor import DEMO_TOTP_SECRET, load_demo_second_factor
from demo.supplements import load_demo_supplement
from demo.years import Clock, load_demo_periods
from indicators.services import COLLABORATION_FRAMEWORK, reference_framework_load
from partnerships.models import LearningPartnership


class Command(BaseCommand):
    help = (
        "Load the reference framework, the demo partnerships, their returns and "
        "plans in the years around today, and the demo users. Safe to run again: "
        "changes nothing that is there."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        users = load_demo_data()
        load_demo_regeneration_bodies()
        load_demo_second_factor()
        load_demo_imports()
        load_demo_api_token()
        framework = reference_framework_load()
        collaboration = reference_framework_load(path=COLLABORATION_FRAMEWORK)
        # Dated around today: the year that contains it open, two before it;
        # the open year assesses the collaboration role too.
        clock = Clock(now=timezone.now())
        periods = load_demo_periods(
            framework=framework, today=clock.today, collaboration=collaboration
        )
        returns = load_demo_returns(
            framework=framework,
            periods=periods,
            clock=clock,
            collaboration=collaboration,
        )
        load_demo_categories()
        plans = load_demo_plans(periods=periods, clock=clock)
        load_demo_evidence(periods=periods, clock=clock)
        # Yorkshire and the Humber's own statements for the open year.
        supplement = load_demo_supplement(period=periods[-1], now=clock.now)
        # Some of the demo's returns are written outside the services.
        figures_rebuild()
        count = LearningPartnership.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {count} partnerships, {framework}, {collaboration}, "
                f"{returns} new returns, {plans} new development plans; "
                f"{periods[-1]} open until {periods[-1].submission_deadline:%-d %B %Y}."
            )
        )
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<8} {user.description}")
        self.stdout.write(
            f"  admin's second factor: the authenticator key {DEMO_TOTP_SECRET}, "
            "or the current code from `python manage.py demo_totp_code`"
        )
        self.stdout.write(f"  go's API token: {DEMO_API_TOKEN}")
        if supplement is not None:
            self.stdout.write(
                f"  Local statements: {supplement} in {supplement.region} for "
                f"{supplement.period}, on go's Frameworks > Local statements page "
                "and in Hull's return (manager)"
            )
