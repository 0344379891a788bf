from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.document_stylesheet import document_stylesheet, print_stylesheet_path


class Command(BaseCommand):
    help = (
        "Writes templates/reports/includes/govuk-print.css, the GOV.UK rules the "
        "PDF documents use (run it after changing a document template or "
        "GOV.UK Frontend); --check only says whether it is up to date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="exit non-zero if the file written differs from what it should be",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = print_stylesheet_path()
        shown = os.path.relpath(path, settings.BASE_DIR)
        wanted = document_stylesheet()
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.is_file() else ""
            if current != wanted:
                raise CommandError(
                    f"{shown} is out of date: run manage.py document_stylesheet"
                )
            self.stdout.write(f"{shown} is up to date")
            return
        path.write_text(wanted, encoding="utf-8")
        self.stdout.write(f"Wrote {shown} ({len(wanted.encode()):,} bytes)")
