"""The plan's approval workflow: more statuses, each step recorded, and a
copy of the plan's content at approval.

Plans approved before this keep their approval, recorded as a step by the
officer who approved them. Those the plan page showed as "changed since then"
(saved after the approval) become "changed since approval", back in the
LLSC's queue; what changed cannot be told for them, as no copy was kept. An
approved plan's copy is taken before its first change (plans.services)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def record_approvals(apps, schema_editor):
    plans = apps.get_model("plans", "DevelopmentPlan")
    steps = apps.get_model("plans", "PlanTransition")
    for plan in plans.objects.filter(status="approved", approved_at__isnull=False):
        steps.objects.create(
            plan=plan,
            from_status="draft",
            to_status="approved",
            by_id=plan.approved_by_id,
            at=plan.approved_at,
            reason=plan.officer_comment,
        )
        if plan.updated_at > plan.approved_at:
            steps.objects.create(
                plan=plan,
                from_status="approved",
                to_status="changed",
                by=None,
                at=plan.updated_at,
            )
            plans.objects.filter(pk=plan.pk).update(status="changed")


def forget_steps(apps, schema_editor):
    plans = apps.get_model("plans", "DevelopmentPlan")
    plans.objects.filter(status="changed").update(status="approved")
    plans.objects.filter(status__in=["submitted", "returned"]).update(status="draft")


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='developmentplan',
            name='approved_snapshot',
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='historicaldevelopmentplan',
            name='approved_snapshot',
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='developmentplan',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted for approval'), ('returned', 'Returned for changes'), ('approved', 'Approved by the LLSC'), ('changed', 'Changed since approval')], default='draft', max_length=10),
        ),
        migrations.AlterField(
            model_name='historicaldevelopmentplan',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted for approval'), ('returned', 'Returned for changes'), ('approved', 'Approved by the LLSC'), ('changed', 'Changed since approval')], default='draft', max_length=10),
        ),
        migrations.CreateModel(
            name='PlanTransition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted for approval'), ('returned', 'Returned for changes'), ('approved', 'Approved by the LLSC'), ('changed', 'Changed since approval')], max_length=10)),
                ('to_status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted for approval'), ('returned', 'Returned for changes'), ('approved', 'Approved by the LLSC'), ('changed', 'Changed since approval')], max_length=10)),
                ('at', models.DateTimeField()),
                ('reason', models.TextField(blank=True)),
                ('by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='plans.developmentplan')),
            ],
            options={
                'ordering': ['at', 'pk'],
            },
        ),
        migrations.RunPython(record_approvals, forget_steps),
    ]
