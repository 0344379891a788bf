from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reports.packs import packs_prune, packs_recover


class Command(BaseCommand):
    help = (
        "Take up packs whose worker stopped (their missing plans queued once "
        "more, then marked failed), and delete packs past their expiry date "
        "with their files. Run it every few minutes, e.g. from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = packs_recover()
        if recovered:
            self.stdout.write(f"{recovered} stalled packs taken up.")
        self.stdout.write(self.style.SUCCESS(f"{packs_prune()} expired packs deleted."))
