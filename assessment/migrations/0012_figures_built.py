from django.db import migrations


def build_figures(apps, schema_editor):
    """Nothing here any more: the figures are built by 0013_return_figures,
    once the table of each return's figures, which the live figures code
    reads and writes, exists (0008_score_figure's step moved here the same
    way)."""


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0011_evidence_library"),
        ("indicators", "0006_framework_role"),
    ]

    operations = [
        migrations.RunPython(build_figures, migrations.RunPython.noop),
    ]
