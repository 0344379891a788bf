"""A pack whose worker was killed half-way: taken up again once (its missing
plans queued), then marked failed; never reported ready with plans missing."""

from __future__ import annotations

import datetime
import io
import zipfile
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.models import Pack
from reports.packs import (
    _part_name,
    build_pack,
    pack_plans,
    packs_recover,
    render_pack_plan,
)

from .test_packs import plans  # noqa: F401 (fixture)

LONG_AGO = datetime.timedelta(hours=1)


@pytest.fixture
def killed_pack(plans, go_a, period_2003):  # noqa: F811
    """A pack whose worker died after the first plan: running, one of N plans
    done, nothing moving for an hour."""
    pack = Pack.objects.create(
        period=period_2003, region=go_a.profile.region, created_by=go_a
    )
    with mock.patch("reports.packs.render_pack_plan") as queued:
        build_pack.call(pack.pk)
    first_plan_id = queued.enqueue.call_args_list[0].args[1]
    with mock.patch("reports.packs._assemble_if_done"):
        render_pack_plan.call(pack.pk, first_plan_id)
    Pack.objects.filter(pk=pack.pk).update(progress_at=timezone.now() - LONG_AGO)
    pack.refresh_from_db()
    assert pack.status == "running"
    assert pack.total >= 2
    assert pack.done == 1
    return pack


def test_a_stalled_pack_has_its_missing_plans_made_again(killed_pack):
    assert packs_recover() == 1

    pack = Pack.objects.get(pk=killed_pack.pk)
    assert (pack.status, pack.done, pack.retried) == ("complete", pack.total, True)
    assert pack.failures == []
    archive = zipfile.ZipFile(io.BytesIO(pack.file.read()))
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == pack.total


def test_a_pack_still_moving_is_left_alone(killed_pack):
    Pack.objects.filter(pk=killed_pack.pk).update(progress_at=timezone.now())

    assert packs_recover() == 0
    assert Pack.objects.get(pk=killed_pack.pk).status == "running"


def test_a_pack_that_stalls_again_after_its_retry_is_marked_failed(
    killed_pack, client_as
):
    with mock.patch("reports.packs.render_pack_plan"):  # dies again
        packs_recover()
    Pack.objects.filter(pk=killed_pack.pk).update(progress_at=timezone.now() - LONG_AGO)

    packs_recover()

    pack = Pack.objects.get(pk=killed_pack.pk)
    assert pack.status == "failed"
    assert not pack.file
    missing = pack.total - 1
    assert pack.error == (
        f"a worker stopped while building it, twice; {missing} of {pack.total} "
        "development plans were not made"
    )
    page = client_as("go_a").get(f"/packs/{pack.pk}/")
    assert "The pack could not be built: a worker stopped" in page.text
    assert client_as("go_a").get(f"/packs/{pack.pk}/download/").status_code == 404


def test_a_worker_killed_after_the_last_plan_has_the_pack_put_together(
    killed_pack,
):
    # Every plan made, but the worker died before assembling.
    pack = killed_pack
    with mock.patch("reports.packs._assemble_if_done"):
        for plan_id in pack_plans(pack).values_list("pk", flat=True)[1:]:
            render_pack_plan.call(pack.pk, plan_id)
    Pack.objects.filter(pk=pack.pk).update(progress_at=timezone.now() - LONG_AGO)

    packs_recover()

    pack.refresh_from_db()
    assert (pack.status, pack.retried, pack.failures) == ("complete", False, [])


def test_the_pack_page_and_the_command_take_up_stalled_packs(killed_pack, client_as):
    page = client_as("go_a").get(f"/packs/{killed_pack.pk}/")

    assert page.status_code == 200
    assert "Download the pack" in page.text
    assert Pack.objects.get(pk=killed_pack.pk).status == "complete"
    # Nothing stalled now: the command only prunes.
    out = io.StringIO()
    call_command("prune_packs", stdout=out)
    assert "stalled" not in out.getvalue()


def test_the_command_takes_up_a_stalled_pack(killed_pack):
    out = io.StringIO()

    call_command("prune_packs", stdout=out)

    assert "1 stalled packs taken up." in out.getvalue()
    assert Pack.objects.get(pk=killed_pack.pk).status == "complete"


def test_parts_of_a_plan_are_named_per_pack():
    assert _part_name(3, 9, "pdf") == "packs/3/parts/9.pdf"
