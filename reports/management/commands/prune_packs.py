from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reports.packs import packs_prune


class Command(BaseCommand):
    help = "Delete packs past their expiry date, with their files."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.style.SUCCESS(f"{packs_prune()} expired packs deleted."))
