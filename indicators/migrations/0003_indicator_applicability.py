"""Which indicators may be answered "not applicable", and which structure
models each applies to; the reference framework's D4.3 marked as its file now
says, so a database loaded before reads as a fresh one."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

REFERENCE_NAME = "Learning and regeneration self-assessment"


def mark_reference_d4_3(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("indicators", "Indicator")
    Indicator.objects.filter(
        dimension__framework__name=REFERENCE_NAME, code="D4.3"
    ).update(may_be_not_applicable=True)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_period_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="applies_to",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="indicator",
            name="may_be_not_applicable",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_reference_d4_3, migrations.RunPython.noop),
    ]
