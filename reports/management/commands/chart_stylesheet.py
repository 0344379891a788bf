from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from reports.charts import chart_stylesheet

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "charts.css"


class Command(BaseCommand):
    help = (
        "Writes static/css/charts.css, the charts' style for pages, from the "
        "style the charts are drawn with (run it after changing reports.charts.STYLE)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        STYLESHEET.write_text(chart_stylesheet(), encoding="utf-8")
        self.stdout.write(f"Wrote {STYLESHEET.relative_to(settings.BASE_DIR)}")
