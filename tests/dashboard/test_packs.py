"""Packs of development plans, built by a background task (the immediate
backend in tests; CI also runs one with the database backend and a worker)."""

from __future__ import annotations

import io
import zipfile
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client

from plans.models import DevelopmentPlan
from reports.models import Pack
from reports.packs import packs_prune


@pytest.fixture
def plans(region_set, period_2003):
    """A development plan for each YH and NE partnership with a 2003-04 return."""
    made = []
    for return_record in period_2003.returns.select_related("partnership"):
        made.append(
            DevelopmentPlan.objects.create(
                partnership=return_record.partnership,
                period=period_2003,
                source_return=return_record,
            )
        )
    return made


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_go_officer_builds_the_pack_of_the_region(plans, client_as, go_a):
    client = client_as("go_a")

    response = client.post("/packs/", {"period": "2003-04"})

    pack = Pack.objects.get()
    assert response["Location"] == f"/packs/{pack.pk}/"
    assert pack.region == go_a.profile.region
    assert (pack.status, pack.done, pack.total) == ("complete", pack.total, pack.total)
    archive = _zip(client.get(f"/packs/{pack.pk}/download/"))
    names = archive.namelist()
    expected = [p for p in plans if p.partnership.region_id == go_a.profile.region_id]
    assert len([n for n in names if n.endswith(".pdf")]) == len(expected) == pack.total
    assert all(archive.read(n).startswith(b"%PDF") for n in names if n.endswith(".pdf"))
    manifest = archive.read("README.txt").decode()
    for plan in expected:
        assert plan.partnership.name in manifest
    assert "Tees" not in manifest  # another region
    page = client.get(f"/packs/{pack.pk}/")
    assert "Download the pack" in page.content.decode()


def test_a_failing_plan_is_listed_as_failed_not_left_out(plans, client_as):
    client = client_as("go_a")
    real = __import__("reports.pdf", fromlist=["render_pdf"]).render_pdf
    calls = {"n": 0}

    def flaky(template, context, request=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("fonts missing")
        return real(template, context, request)

    with mock.patch("reports.packs.render_pdf", side_effect=flaky):
        client.post("/packs/", {"period": "2003-04"})

    pack = Pack.objects.get()
    assert pack.status == "complete"
    assert len(pack.failures) == 1
    assert pack.failures[0]["error"] == "fonts missing"
    manifest = (
        _zip(client.get(f"/packs/{pack.pk}/download/")).read("README.txt").decode()
    )
    assert "1 FAILED, not included" in manifest
    assert pack.failures[0]["partnership"] in manifest
    assert "could not be made" in client.get(f"/packs/{pack.pk}/").content.decode()


def test_only_the_same_scope_downloads_a_pack(plans, client_as):
    client_as("go_a").post("/packs/", {"period": "2003-04"})
    pack = Pack.objects.get()

    for name, status in (("go_elsewhere", 404), ("admin", 200)):
        response = client_as(name).get(f"/packs/{pack.pk}/download/")
        assert response.status_code == status, name
        if status == 200:
            b"".join(response.streaming_content)
    for name in ("manager_a", "officer_a"):
        assert client_as(name).get("/packs/").status_code == 403
    assert Client().get(f"/packs/{pack.pk}/").status_code == 302


def test_national_administrator_builds_the_national_pack(plans, client_as):
    client_as("admin").post("/packs/", {"period": "2003-04", "region": ""})

    pack = Pack.objects.get()
    assert pack.region is None
    assert pack.total == len(plans)


def test_expired_packs_are_refused_then_pruned(plans, client_as):
    client = client_as("go_a")
    client.post("/packs/", {"period": "2003-04"})
    pack = Pack.objects.get()
    Pack.objects.filter(pk=pack.pk).update(expires_at=pack.created_at)

    assert client.get(f"/packs/{pack.pk}/download/").status_code == 404
    assert "expired" in client.get(f"/packs/{pack.pk}/").content.decode()
    assert packs_prune() == 1
    assert not Pack.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_pack_from_the_database_queue(
    plans, client_as, settings
):
    """The database backend and `manage.py db_worker`, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client_as("go_a").post("/packs/", {"period": "2003-04"})
    pack = Pack.objects.get()
    assert pack.status == "queued"  # nothing runs until a worker takes it

    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO())

    pack.refresh_from_db()
    assert pack.status == "complete"
    assert pack.done == pack.total > 0
    assert pack.file
