from django.db import migrations


def build_figures(apps, schema_editor):
    """The figures of the returns already there, built with the live figures
    code once every column it reads exists: answers not applicable (0009),
    local statements and framework roles (indicators 0005 and 0006). None of
    those is in use yet, so the figures are what they were. On a new database
    there are no returns and this reads one column pair of an empty table.
    A later migration adding a column the figures code reads must move this
    step after it."""
    from assessment.figures import figures_rebuild

    figures_rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0011_evidence_library"),
        ("indicators", "0006_framework_role"),
    ]

    operations = [
        migrations.RunPython(build_figures, migrations.RunPython.noop),
    ]
