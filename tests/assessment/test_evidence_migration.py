"""Migration assessment 0011 moves every file attached to an answer into its
partnership's evidence library: the same stored file (no copy, same name),
titled with its name, uploaded when and by whom it was, linked to the answer
it was attached to. A test database is built from empty, where there is
nothing to move: this test takes the database back before the migration,
attaches files as the service did then, and migrates forward as
``manage.py migrate`` does."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessment.models import EvidenceFile, EvidenceLink

from .helpers import answer

BEFORE = [("assessment", "0010_answer_categories")]
MIGRATION = ("assessment", "0011_evidence_library")
# Unapplied with it: the migrations after it (no change to files or links).
AFTER = [("assessment", "0013_return_figures"), ("assessment", "0012_figures_built")]
AT = datetime.datetime(2003, 11, 4, 9, 15, tzinfo=datetime.UTC)


def _go_back(executor: MigrationExecutor):
    """Unapply the migration (and nothing else); the models of before it."""
    loader = executor.loader
    applied = {key for key in loader.applied_migrations if key in loader.graph.nodes}
    plan = executor.migration_plan(BEFORE)
    assert [(m.app_label, m.name) for m, _ in plan] == [*AFTER, MIGRATION]
    for migration, backwards in plan:
        assert backwards
        applied.discard((migration.app_label, migration.name))
        executor.unapply_migration(loader.project_state(sorted(applied)), migration)
    return loader.project_state(sorted(applied)).apps


@pytest.mark.django_db(transaction=True)
def test_every_attached_file_moves_into_the_library_and_stays_linked(
    return_a, manager_a
):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    storage = storages["attachments"]
    d11, d12 = answer(return_a, "D1.1"), answer(return_a, "D1.2")
    try:
        old_apps = _go_back(executor)
        attachment_model = old_apps.get_model("assessment", "Attachment")
        made = []
        for item, name in ((d11, "minutes.pdf"), (d11, "plan.docx"), (d12, "a.png")):
            stored = storage.save(
                f"returns/{return_a.pk}/{name}",
                ContentFile(b"content " + name.encode()),
            )
            attachment = attachment_model.objects.create(
                answer_id=item.pk,
                file=stored,
                original_name=name,
                content_type="application/pdf",
                size=9 + len(name),
                uploaded_by_id=manager_a.pk,
            )
            attachment_model.objects.filter(pk=attachment.pk).update(uploaded_at=AT)
            made.append((item.pk, stored, name))

        MigrationExecutor(connection).migrate(latest)
        assert MigrationExecutor(connection).migration_plan(latest) == []

        files = {f.file.name: f for f in EvidenceFile.objects.all()}
        assert set(files) == {stored for _, stored, _ in made}
        for answer_pk, stored, name in made:
            evidence_file = files[stored]
            assert evidence_file.partnership_id == return_a.partnership_id
            assert (evidence_file.title, evidence_file.original_name) == (name, name)
            assert evidence_file.size == 9 + len(name)
            assert evidence_file.uploaded_at == AT
            assert evidence_file.uploaded_by_id == manager_a.pk
            assert [link.answer_id for link in evidence_file.links.all()] == [answer_pk]
            assert storage.exists(stored)
            assert storage.open(stored).read() == b"content " + name.encode()
        assert EvidenceLink.objects.count() == 3
        assert not EvidenceLink.objects.filter(confirmed_at__isnull=True).exists()
    finally:
        # Whatever happened, the database is left migrated for the next test.
        MigrationExecutor(connection).migrate(latest)
