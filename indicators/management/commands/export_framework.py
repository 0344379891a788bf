from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.framework_sheets import FORMATS, YAML
from indicators.models import Framework
from indicators.services import framework_export, framework_export_file


class Command(BaseCommand):
    help = (
        "Print an indicator framework as its YAML file, or write it as an XLSX "
        "or ODS workbook to --output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument(
            "--framework-version", dest="framework_version", type=int, default=None
        )
        parser.add_argument("--format", choices=FORMATS, default=YAML)
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="The file to write; needed for xlsx and ods.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        file_format = options.get("format", YAML)
        output: Path | None = options.get("output")
        if file_format != YAML and output is None:
            raise CommandError(f"--format {file_format} needs --output FILE.")
        frameworks = Framework.objects.filter(name=options["name"]).order_by("-version")
        if options["framework_version"] is not None:
            frameworks = frameworks.filter(version=options["framework_version"])
        framework = frameworks.first()
        if framework is None:
            raise CommandError(
                f"No framework called {options['name']!r} with that version."
            )
        if output is None:
            self.stdout.write(framework_export(framework=framework), ending="")
            return
        content = framework_export_file(framework=framework, file_format=file_format)
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Wrote {framework} to {output}."))
