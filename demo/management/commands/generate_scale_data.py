from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessment.figures import figures_rebuild
from demo.scale import generate_scale_data
from demo.scale_returns import generate_scale_returns


class Command(BaseCommand):
    help = "Generate synthetic partnerships at any scale, for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnerships", type=int, default=100)
        parser.add_argument(
            "--years", type=int, default=1, help="Years of returns, up to 2003-04."
        )
        parser.add_argument(
            "--region",
            default=None,
            help="Put every partnership in this region (code).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["partnerships"] < 1 or options["years"] < 1:
            raise CommandError("--partnerships and --years must be at least 1.")
        started = time.perf_counter()
        try:
            created = generate_scale_data(
                partnerships=options["partnerships"],
                years=options["years"],
                region_code=options["region"],
            )
            returns = generate_scale_returns(years=options["years"])
            # The returns are written in bulk, outside the services.
            figures_rebuild()
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} synthetic partnerships and {returns} returns created in "
                f"{time.perf_counter() - started:.1f} s."
            )
        )
