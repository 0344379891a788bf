"""The test database comes from a template migrated once: complete, and built
again when a migration changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from partnerships.models import Region
from tests import database_template


@pytest.mark.django_db
def test_the_copy_has_every_migration_applied_and_its_data() -> None:
    loader = MigrationLoader(connection)
    unapplied = set(loader.graph.leaf_nodes()) - set(loader.applied_migrations)
    assert unapplied == set()
    assert len(loader.applied_migrations) == len(loader.graph.nodes)
    assert Region.objects.count() == 9  # the regions' data migration ran


@pytest.mark.django_db
def test_each_process_has_its_own_copy_not_the_template() -> None:
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        assert "mode=memory" in name
    else:
        assert name.startswith("test_")
        assert "_tpl_" not in name


def test_a_changed_migration_changes_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migration = tmp_path / "0001_initial.py"
    migration.write_text("operations = []\n")
    monkeypatch.setattr(database_template, "migration_files", lambda: [migration])
    before = database_template.fingerprint()
    assert database_template.fingerprint() == before
    migration.write_text("operations = ['changed']\n")
    assert database_template.fingerprint() != before


def test_every_app_with_migrations_is_fingerprinted() -> None:
    folders = {path.parent.parent.name for path in database_template.migration_files()}
    project = {path.parent.name for path in database_template.ROOT.glob("*/migrations")}
    assert project <= folders
    assert {"auth", "contenttypes"} <= folders
