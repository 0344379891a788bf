# Category lists (barriers, impact, added value) declared by a framework, and
# the reference framework's lists added to the versions already imported.

import django.db.models.deletion
from django.db import migrations, models

# The reference framework's lists, as its file declares them: a framework
# imported before categories existed gains them, so returns already started
# can be ticked. Frameworks of other names are left as they are.
REFERENCE = "Learning and regeneration self-assessment"
LISTS = {
    "barriers": (
        "Barriers",
        [
            ("partnership", "Within the partnership and its members"),
            ("lsps", "Local Strategic Partnerships"),
            ("national_policy", "National policy"),
            ("funding_streams", "Funding streams"),
            ("llsc", "The local LSC"),
            ("competition", "Competition and self-interest between providers"),
        ],
    ),
    "impact": (
        "Impact",
        [
            ("partner_organisations", "On partner organisations"),
            ("strategic_activity", "On strategic activity and decision making"),
            ("learners", "On learners"),
            ("employers", "On employers"),
        ],
    ),
    "added_value": (
        "Added value",
        [
            ("provider_plans", "Partnership planning influencing providers' own plans"),
            ("joint_bidding", "Strategic bidding across previously competitive partners"),
            (
                "llsc_consultation",
                "The local LSC using the partnership to consult on key issues",
            ),
            ("gaps_review", "A review of gaps and duplication in provision"),
            (
                "shared_tracking",
                "Tracking and shared intelligence used for joint action on progression",
            ),
            (
                "voluntary_sector_funding",
                "Voluntary sector access to funding it did not have before",
            ),
            ("provider_networks", "Training provider and voluntary sector networks facilitated"),
        ],
    ),
}


def add_reference_lists(apps, schema_editor):
    Framework = apps.get_model("indicators", "Framework")
    CategoryList = apps.get_model("indicators", "CategoryList")
    Category = apps.get_model("indicators", "Category")
    for framework in Framework.objects.filter(name=REFERENCE):
        for kind, (title, categories) in LISTS.items():
            category_list = CategoryList.objects.create(
                framework=framework, kind=kind, title=title
            )
            Category.objects.bulk_create(
                Category(category_list=category_list, code=code, name=name, order=n)
                for n, (code, name) in enumerate(categories, start=1)
            )


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0003_indicator_applicability"),
    ]

    operations = [
        migrations.CreateModel(
            name="CategoryList",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("barriers", "Barriers"), ("impact", "Impact"), ("added_value", "Added value")], max_length=20)),
                ("title", models.CharField(max_length=160)),
                ("framework", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="category_lists", to="indicators.framework")),
            ],
            options={
                "ordering": ["framework", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("framework", "kind"), name="category_list_one_per_kind"),
                    models.CheckConstraint(condition=models.Q(("kind__in", ["barriers", "impact", "added_value"])), name="category_list_kind_valid"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Category",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=40)),
                ("name", models.CharField(max_length=160)),
                ("order", models.PositiveSmallIntegerField()),
                ("category_list", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="categories", to="indicators.categorylist")),
            ],
            options={
                "verbose_name_plural": "categories",
                "ordering": ["category_list", "order"],
                "constraints": [
                    models.UniqueConstraint(fields=("category_list", "code"), name="category_unique_code"),
                ],
            },
        ),
        migrations.RunPython(add_reference_lists, migrations.RunPython.noop),
    ]
