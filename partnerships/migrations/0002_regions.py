"""Reference data: the nine Government Office regions of England."""

from django.db import migrations

REGIONS = [
    ("NE", "North East"),
    ("NW", "North West"),
    ("YH", "Yorkshire and the Humber"),
    ("EM", "East Midlands"),
    ("WM", "West Midlands"),
    ("EE", "East of England"),
    ("LON", "London"),
    ("SE", "South East"),
    ("SW", "South West"),
]


def add_regions(apps, schema_editor):
    Region = apps.get_model("partnerships", "Region")
    for code, name in REGIONS:
        Region.objects.update_or_create(code=code, defaults={"name": name})


def remove_regions(apps, schema_editor):
    Region = apps.get_model("partnerships", "Region")
    Region.objects.filter(code__in=[code for code, _ in REGIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]

    operations = [migrations.RunPython(add_regions, remove_regions)]
