from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.framework_files import FrameworkFileError
from indicators.services import framework_import_file


class Command(BaseCommand):
    help = (
        "Import an indicator framework from its YAML file or an XLSX or ODS "
        "workbook (the type read from the content); all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        try:
            framework = framework_import_file(content=content)
        except FrameworkFileError as error:
            raise CommandError(
                f"{path} was not imported:\n"
                + "\n".join(f"  {p}" for p in error.problems)
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Imported {framework}."))
