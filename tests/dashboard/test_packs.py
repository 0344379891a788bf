"""Packs of development plans, built by a background task (the immediate
backend in tests; CI also runs one with the database backend and a worker)."""

from __future__ import annotations

import datetime
import io
import zipfile
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

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


def test_the_page_of_a_pack_being_built_follows_it_without_reloading(
    plans, client_as, go_a, period_2003
):
    pack = Pack.objects.create(
        period=period_2003,
        region=go_a.profile.region,
        created_by=go_a,
        status="running",
        total=110,
        done=12,
        progress_at=timezone.now(),
    )

    page = client_as("go_a").get(f"/packs/{pack.pk}/").text

    assert 'http-equiv="refresh"' not in client_as("go_a").get("/packs/").text
    assert 'http-equiv="refresh"' not in page
    assert "refreshes every" not in page
    assert '<script type="module" src="/static/js/progress.js"></script>' in page
    assert f'data-progress-url="/packs/{pack.pk}/progress.json"' in page
    assert (
        'role="status" aria-live="polite" aria-atomic="true" data-progress-message>'
        "12 of 110 development plans made.</p>"
    ) in page
    assert f'<a class="govuk-link" href="/packs/{pack.pk}/">Refresh this page</a>' in (
        page
    )


def test_the_progress_json_of_a_pack(plans, client_as, go_a, period_2003):
    pack = Pack.objects.create(
        period=period_2003, region=go_a.profile.region, created_by=go_a
    )
    client = client_as("go_a")
    url = f"/packs/{pack.pk}/progress.json"

    def progress(**fields):
        Pack.objects.filter(pk=pack.pk).update(progress_at=timezone.now(), **fields)
        response = client.get(url)
        assert response["Cache-Control"] == "no-store"
        return response.json()

    assert progress()["message"] == "The pack is waiting for a worker to start it."
    running = progress(status="running", done=12, total=110)
    assert running == {
        "status": "running",
        "label": "Being built",
        "message": "12 of 110 development plans made.",
        "finished": False,
        "download_url": "",
        "tag_colour": "blue",
    }
    assert progress(status="assembling", done=110)["message"] == (
        "All 110 development plans made: putting the ZIP together."
    )
    ready = progress(
        status="complete",
        failures=[{"partnership": "Aire", "error": "fonts"}],
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    assert ready["finished"]
    assert ready["download_url"] == f"/packs/{pack.pk}/download/"
    assert ready["message"] == (
        "The pack is ready: 109 of 110 development plans. "
        "1 could not be made (listed in the pack)."
    )
    expired = progress(expires_at=timezone.now() - datetime.timedelta(days=1))
    assert (expired["label"], expired["download_url"]) == ("Expired", "")
    # Another region's GO officer: not found.
    assert client_as("go_elsewhere").get(url).status_code == 404


def test_the_pack_pages_run_a_fixed_number_of_queries(
    plans, client_as, go_a, period_2003, django_assert_num_queries
):
    client_as("go_a").post("/packs/", {"period": "2003-04"})
    pack = Pack.objects.get()
    client = client_as("go_a")
    # 1 session, 2 user with their profile; 3 the pack with its period and region; 4
    # stalled packs (none).
    with django_assert_num_queries(4):
        assert client.get(f"/packs/{pack.pk}/progress.json").status_code == 200
    with django_assert_num_queries(4):
        assert client.get(f"/packs/{pack.pk}/").status_code == 200
