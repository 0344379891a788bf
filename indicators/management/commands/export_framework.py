from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import Framework
from indicators.services import framework_export


class Command(BaseCommand):
    help = "Print an indicator framework as its YAML file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument(
            "--framework-version", dest="framework_version", type=int, default=None
        )

    def handle(self, *args: Any, **options: Any) -> None:
        frameworks = Framework.objects.filter(name=options["name"]).order_by("-version")
        if options["framework_version"] is not None:
            frameworks = frameworks.filter(version=options["framework_version"])
        framework = frameworks.first()
        if framework is None:
            raise CommandError(
                f"No framework called {options['name']!r} with that version."
            )
        self.stdout.write(framework_export(framework=framework), ending="")
