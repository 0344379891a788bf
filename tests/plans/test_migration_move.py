"""The development plan moved from the assessment app to the plans app by two
state-only migrations (assessment 0004 and plans 0001): Django's picture of
the models moves, the tables and their rows stay, and the content types are
renamed, keeping their ids, so permissions, their grants and admin log entries
stay attached.

Nothing else exercises that path: a test database is built from empty, where
the move has no rows to keep. This test takes the database back to the schema
before the move, fills every plan table with the models of that time, migrates
forward as ``manage.py migrate`` does and checks that every row is still
there, unchanged, and read by the plans app's models. It also puts a content
type for the new app in the way, as one made on the fly (an admin page opened
before ``migrate`` ran) would be: the old row, which everything points at, is
the one kept.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.apps.registry import Apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from plans.models import DevelopmentPlan, PlanTransition, Priority

BEFORE_MOVE = [("assessment", "0003_development_plans"), ("plans", None)]
MOVE = {("assessment", "0004_plans_move_to_their_app"), ("plans", "0001_initial")}
# Tables made by the plans app after the move: not there before it.
TABLES_SINCE_MOVE = {"plans_plantransition"}

# Every table of the moved models (7 models, the many-to-many table, 4 history
# tables and the many-to-many history table), with its primary key column.
TABLES = {
    "assessment_developmentplan": "id",
    "assessment_priority": "id",
    "assessment_priority_indicators": "id",
    "assessment_planaction": "id",
    "assessment_target": "id",
    "assessment_monitoringpoint": "id",
    "assessment_targetvalue": "id",
    "assessment_progressupdate": "id",
    "assessment_historicaldevelopmentplan": "history_id",
    "assessment_historicalpriority": "history_id",
    "assessment_historicalpriority_indicators": "m2m_history_id",
    "assessment_historicalplanaction": "history_id",
    "assessment_historicaltarget": "history_id",
}
# The rows pointing at content types: not one of them may change.
LINKED_TABLES = {
    "auth_permission": "id",
    "auth_group_permissions": "id",
    "auth_user_user_permissions": "id",
    "django_admin_log": "id",
}
MOVED = (
    "developmentplan",
    "historicaldevelopmentplan",
    "priority",
    "historicalpriority",
    "historicalpriority_indicators",
    "planaction",
    "historicalplanaction",
    "target",
    "historicaltarget",
    "monitoringpoint",
    "targetvalue",
    "progressupdate",
)
AT = datetime.datetime(2003, 9, 1, 10, 30, 15, 123456, tzinfo=datetime.UTC)
LATER = AT + datetime.timedelta(days=20, seconds=7)

Table = tuple[list[str], list[tuple[Any, ...]]]


def _table(table: str, key: str) -> Table:
    """The table's column names and every row, as the database gives them."""
    quote = connection.ops.quote_name
    # The table and column names come from the constants above.
    sql = f"SELECT * FROM {quote(table)} ORDER BY {quote(key)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        columns = [column[0] for column in cursor.description]
        return columns, [tuple(row) for row in cursor.fetchall()]


def _as_before(table: Table, columns: list[str]) -> Table:
    """The table with only the given columns (those it had before the plans
    app's later migrations added some)."""
    names, rows = table
    at = [names.index(column) for column in columns]
    return columns, [tuple(row[i] for i in at) for row in rows]


def _snapshot() -> dict[str, Table]:
    tables = {**TABLES, **LINKED_TABLES}
    return {table: _table(table, key) for table, key in tables.items()}


def _content_types() -> list[tuple[Any, ...]]:
    """The moved models' content type rows, in either app."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, app_label, model FROM django_content_type"
            " WHERE app_label IN (%s, %s) ORDER BY id",
            ["assessment", "plans"],
        )
        return [tuple(row) for row in cursor.fetchall() if row[2] in MOVED]


def _go_back(executor: MigrationExecutor) -> Apps:
    """Unapply the move, database work included, as ``migrate assessment
    0003_development_plans`` would; return the models of the time before it.

    ``executor.migrate()`` renders the whole project again for each of the
    move's nearly 60 state operations on the way back (about nine seconds);
    here each migration is unapplied from the state the loader builds,
    unrendered, from every other applied migration: the state it was applied
    on. The way forward is ``executor.migrate()``, as a deployment runs it."""
    loader = executor.loader
    applied = {key for key in loader.applied_migrations if key in loader.graph.nodes}
    for migration, backwards in executor.migration_plan(BEFORE_MOVE):
        assert backwards
        applied.discard((migration.app_label, migration.name))
        executor.unapply_migration(loader.project_state(sorted(applied)), migration)
    return loader.project_state(sorted(applied)).apps


def _history(
    apps: Apps, instance: Any, user: Any, kind: str, when: datetime.datetime
) -> Any:
    """A simple-history record of ``instance``, as the library writes it."""
    model = apps.get_model("assessment", f"Historical{instance._meta.object_name}")
    values = {f.attname: getattr(instance, f.attname) for f in instance._meta.fields}
    return model.objects.create(
        **values,
        history_date=when,
        history_type=kind,
        history_user=user,
        history_change_reason="Agreed with the LLSC – café",
    )


def _furnish(apps: Apps) -> dict[str, Any]:
    """A plan with rows in every plan table, made with the models as they were
    before the move, and the content types of the time with a permission and a
    log entry on one; returns what the checks look for."""

    def model(label: str) -> Any:
        return apps.get_model(label)

    user = model("auth.User").objects.create(username="moved_manager", password="!")
    partnership = model("partnerships.LearningPartnership").objects.create(
        name="Moved Learning",
        structure_model="unitary",
        host_organisation="Moved City Council",
        host_type="local_authority",
        manager_name="Pat Manager",
        region=model("partnerships.Region").objects.get(code="YH"),
    )
    member = model("partnerships.MemberOrganisation").objects.create(
        partnership=partnership, name="Moved College", sector="fe_college"
    )
    framework = model("indicators.Framework").objects.create(
        name="Moved framework", version=1, status="published"
    )
    period = model("indicators.Period").objects.create(
        code="2003-04",
        starts_on=datetime.date(2003, 4, 1),
        ends_on=datetime.date(2004, 3, 31),
    )
    dimension = model("indicators.Dimension").objects.create(
        framework=framework, code="D1", title="Strategy", description="", order=1
    )
    indicators = [
        model("indicators.Indicator").objects.create(
            dimension=dimension, code=f"D1.{n}", statement=f"Statement {n}", order=n
        )
        for n in (1, 2)
    ]
    source = model("assessment.Return").objects.create(
        partnership=partnership, period=period, framework=framework, created_by=user
    )

    plan = model("assessment.DevelopmentPlan").objects.create(
        partnership=partnership,
        period=period,
        source_return=source,
        status="approved",
        officer_comment="Approved – a clear plan.",
        approved_at=LATER,
        approved_by=user,
        dismissed_suggestions=["D2.3", "D4.7"],
    )
    # As the approval service of the time left it: saved last at approval.
    model("assessment.DevelopmentPlan").objects.filter(pk=plan.pk).update(
        updated_at=LATER
    )
    priority = model("assessment.Priority").objects.create(
        plan=plan,
        title="Reach residents of the regeneration wards",
        description="D1.1 scored low.",
        dimension=dimension,
        plausibility="medium",
        plausibility_rationale="A pilot showed the approach works.",
        order=3,
    )
    priority.indicators.set(indicators)
    action = model("assessment.PlanAction").objects.create(
        priority=priority,
        description="Extend outreach to a new ward",
        lead_member=member,
        improvement_area="services",
        starts_on=datetime.date(2003, 5, 1),
        due_on=datetime.date(2003, 12, 1),
        resources="Manager's time",
        funding_source="LSC core funding",
        success_measure="Reported at each monitoring point",
        status="on_track",
    )
    target = model("assessment.Target").objects.create(
        priority=priority,
        measure="Learners from the wards",
        unit="learners",
        baseline=Decimal("100.00"),
        floor=Decimal("150.25"),
        aspirational=Decimal("9999999999.99"),
    )
    point = model("assessment.MonitoringPoint").objects.create(
        plan=plan, label="Autumn", due_on=datetime.date(2003, 11, 30)
    )
    model("assessment.TargetValue").objects.create(
        target=target, point=point, actual=Decimal("120.50")
    )
    update = model("assessment.ProgressUpdate").objects.create(
        plan=plan,
        point=point,
        status="at_risk",
        narrative="Outreach started in two of the three centres.",
        soft_outcomes=["attitudes", "new_partners"],
        created_by=user,
    )

    plan_history = [
        _history(apps, plan, user, "+", AT),
        _history(apps, plan, user, "~", LATER),
    ]
    priority_history = _history(apps, priority, user, "+", AT)
    for link in priority.indicators.through.objects.filter(priority=priority):
        model("assessment.HistoricalPriority_indicators").objects.create(
            id=link.pk,
            history=priority_history,
            priority_id=link.priority_id,
            indicator_id=link.indicator_id,
        )
    _history(apps, action, user, "+", AT)
    _history(apps, target, user, "+", AT)

    content_types = model("contenttypes.ContentType").objects
    old = {
        name: content_types.get_or_create(app_label="assessment", model=name)[0].pk
        for name in MOVED
    }
    permission = model("auth.Permission").objects.create(
        name="Can export development plan",
        codename="export_developmentplan",
        content_type_id=old["developmentplan"],
    )
    user.user_permissions.add(permission)
    group = model("auth.Group").objects.create(name="Plan exporters")
    group.permissions.add(permission)
    user.groups.add(group)
    entry = model("admin.LogEntry").objects.create(
        action_time=LATER,
        user=user,
        content_type_id=old["developmentplan"],
        object_id=str(plan.pk),
        object_repr="Development plan",
        action_flag=2,
        change_message="[]",
    )
    # A row for the new app, made on the fly before the migration ran.
    stray = content_types.create(app_label="plans", model="developmentplan").pk

    return {
        "user": user.pk,
        "plan": plan.pk,
        "source": source.pk,
        "priority": priority.pk,
        "indicators": [indicator.pk for indicator in indicators],
        "action": action.pk,
        "target": target.pk,
        "point": point.pk,
        "update": update.pk,
        "plan_history": [(h.history_id, h.history_type) for h in plan_history],
        "priority_history": priority_history.history_id,
        "content_types": old,
        "stray": stray,
        "entry": entry.pk,
    }


def _check_content_types(made: dict[str, Any]) -> None:
    """Same rows, same ids, now in the plans app; the stray row gave way; the
    permission, its grants and the log entry resolve through the new app."""
    old = made["content_types"]
    assert _content_types() == sorted((pk, "plans", name) for name, pk in old.items())
    assert made["stray"] not in old.values()
    assert not ContentType.objects.filter(app_label="assessment").filter(
        model__in=MOVED
    )
    models = current_apps.get_app_config("plans").get_models()
    found = {
        m._meta.model_name: ContentType.objects.get_for_model(m).pk
        for m in models
        if m._meta.model_name in MOVED
    }
    assert found == old
    permission = Permission.objects.get(codename="export_developmentplan")
    assert permission.content_type_id == old["developmentplan"]
    user = get_user_model().objects.get(pk=made["user"])
    # Read by Django's own backend: the service's grants nothing from the
    # permission tables, but their rows must still resolve.
    tables = ModelBackend()
    assert tables.get_user_permissions(user) == {"plans.export_developmentplan"}
    assert tables.get_group_permissions(user) == {"plans.export_developmentplan"}
    entry = LogEntry.objects.get(pk=made["entry"])
    assert entry.get_edited_object() == DevelopmentPlan.objects.get(pk=made["plan"])


def _check_models(after: dict[str, Table], made: dict[str, Any]) -> None:
    """The plans app's models map every column of the kept tables, read every
    row and find the plan as it was made."""
    tables = set()
    for model in current_apps.get_app_config("plans").get_models(
        include_auto_created=True
    ):
        table = model._meta.db_table
        if table in TABLES_SINCE_MOVE:
            continue
        tables.add(table)
        columns, rows = after[table]
        assert {f.column for f in model._meta.concrete_fields} == set(columns), table
        keys = [row[columns.index(TABLES[table])] for row in rows]
        read = model._base_manager.order_by("pk").values_list("pk", flat=True)
        assert list(read) == keys, table
    assert tables == set(TABLES)

    plan = DevelopmentPlan.objects.get(pk=made["plan"])
    assert plan.status == "approved"
    assert plan.officer_comment == "Approved – a clear plan."
    assert (plan.approved_at, plan.approved_by_id) == (LATER, made["user"])
    assert plan.source_return_id == made["source"]
    assert plan.dismissed_suggestions == ["D2.3", "D4.7"]
    history = plan.history.order_by("history_id")
    kinds = list(history.values_list("history_id", "history_type"))
    assert kinds == made["plan_history"]
    assert history.first().history_date == AT
    assert plan.monitoring_points.get().pk == made["point"]
    update = plan.updates.get()
    assert update.pk == made["update"]
    assert update.soft_outcomes == ["attitudes", "new_partners"]

    priority = plan.priorities.get()
    assert priority.pk == made["priority"]
    linked = priority.indicators.order_by("pk").values_list("pk", flat=True)
    assert list(linked) == made["indicators"]
    recorded = priority.history.get()
    assert recorded.history_id == made["priority_history"]
    linked = recorded.indicators.values_list("indicator_id", flat=True)
    assert sorted(linked) == made["indicators"]
    action = priority.actions.get()
    assert action.pk == made["action"]
    assert action.history.get().status == "on_track"
    target = priority.targets.get()
    assert target.pk == made["target"]
    assert target.aspirational == Decimal("9999999999.99")
    assert target.history.get().floor == Decimal("150.25")
    value = target.values.get()
    assert (value.point_id, value.actual) == (made["point"], Decimal("120.50"))

    # New rows carry on after the kept ones, their history too.
    added = Priority.objects.create(
        plan=plan, title="Added after the move", dimension=priority.dimension
    )
    added.indicators.add(made["indicators"][0])
    assert added.pk > priority.pk
    added_history = added.history.values_list("history_id", flat=True)
    assert min(added_history) > made["priority_history"]
    link = added.history.latest().indicators.get()
    assert link.indicator_id == made["indicators"][0]


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_row_and_content_type() -> None:
    """Going back before the move and forward again keeps every row.

    Slow: it unapplies and applies again every migration made since the move,
    on a database of its own.
    """
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    latest = graph.leaf_nodes()
    # The move is applied: going back unapplies these two and the migrations
    # made on top of them since, nothing else.
    assert executor.loader.applied_migrations.keys() >= MOVE
    undone = {key for node in MOVE for key in graph.backwards_plan(node)}
    plan = executor.migration_plan(BEFORE_MOVE)
    assert {(m.app_label, m.name) for m, _ in plan} == undone

    moved_there = _content_types()
    assert {app for _, app, _ in moved_there} == {"plans"}
    assert len(moved_there) == len(MOVED)
    try:
        old_apps = _go_back(executor)
        # Going back gave the content types back to the assessment app.
        assert _content_types() == [(pk, "assessment", m) for pk, _, m in moved_there]
        old_tables = {
            m._meta.db_table
            for m in old_apps.get_app_config("assessment").get_models(
                include_auto_created=True
            )
            if m._meta.model_name in MOVED or m._meta.auto_created
        }
        assert old_tables == set(TABLES)

        made = _furnish(old_apps)
        before = _snapshot()
        for table in TABLES:
            assert before[table][1], f"{table} has no row to keep"
        assert _content_types() == sorted(
            [(pk, "assessment", name) for name, pk in made["content_types"].items()]
            + [(made["stray"], "plans", "developmentplan")]
        )

        # Forward, as `manage.py migrate` does.
        MigrationExecutor(connection).migrate(latest)
        executor = MigrationExecutor(connection)
        assert executor.migration_plan(latest) == []
        ContentType.objects.clear_cache()

        after = _snapshot()
        for table in before:
            assert _as_before(after[table], before[table][0]) == before[table], table
        # The approval kept through the move is the plan's first workflow step.
        steps = list(
            PlanTransition.objects.values_list(
                "plan_id", "from_status", "to_status", "by_id", "at", "reason"
            )
        )
        assert steps == [
            (
                made["plan"],
                "draft",
                "approved",
                made["user"],
                LATER,
                "Approved – a clear plan.",
            )
        ]
        _check_content_types(made)
        _check_models(after, made)
    finally:
        MigrationExecutor(connection).migrate(latest)
        ContentType.objects.clear_cache()
