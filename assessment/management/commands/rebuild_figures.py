from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from assessment.figures import figures_rebuild


class Command(BaseCommand):
    help = (
        "Recompute England's and each region's medians and trend figures for "
        "every period from the returns, as the services keep them. Safe to run "
        "again: after loading data outside the service, or to check them."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        periods = figures_rebuild()
        self.stdout.write(f"Figures rebuilt for {periods} period(s).")
