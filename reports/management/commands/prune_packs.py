from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reports.packs import packs_prune, packs_recover
from reports.summaries import summaries_prune, summaries_recover


class Command(BaseCommand):
    help = (
        "Take up packs and summary PDFs whose worker stopped (queued once "
        "more, then marked failed), and delete those past their expiry date "
        "with their files. Run it every few minutes, e.g. from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = packs_recover()
        if recovered:
            self.stdout.write(f"{recovered} stalled packs taken up.")
        summaries = summaries_recover()
        if summaries:
            self.stdout.write(f"{summaries} stalled summaries taken up.")
        self.stdout.write(self.style.SUCCESS(f"{packs_prune()} expired packs deleted."))
        self.stdout.write(
            self.style.SUCCESS(f"{summaries_prune()} expired summaries deleted.")
        )
