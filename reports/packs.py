"""Building packs of development plan PDFs in the background (django-tasks).

Several workers, on several machines, share the queue through the database:
a pack is one task per development plan, and the last to finish assembles
the ZIP. A partnership whose PDF fails is listed in the pack as failed, never
silently left out; a pack whose worker died is taken up again once, then
marked failed (`packs_recover`)."""

from __future__ import annotations

import datetime
import logging
import tempfile
import zipfile
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task
from weasyprint.urls import FatalURLFetchingError

from assessment.models import attachment_storage
from indicators.models import Period
from partnerships.models import Region, Role
from partnerships.rules import check_perm
from partnerships.selectors import profile_of, role_of
from partnerships.users import AnyUser, User
from plans.models import DevelopmentPlan
from plans.selectors import for_plan_document, plan_context

from .models import PACK_LIFETIME, Pack, PackStatus
from .pdf import render_pdf
from .progress import JobProgress

logger = logging.getLogger(__name__)


def packs_for_user(user: AnyUser) -> QuerySet[Pack]:
    """Packs of the user's scope: GO officers their region's, national
    administrators every pack."""
    role = role_of(user)
    if role == Role.NATIONAL_ADMIN:
        return Pack.objects.all()
    profile = profile_of(user)
    if role == Role.GO_OFFICER and profile is not None and profile.region_id:
        return Pack.objects.filter(region_id=profile.region_id)
    return Pack.objects.none()


def pack_plans(pack: Pack) -> QuerySet[DevelopmentPlan]:
    plans = DevelopmentPlan.objects.filter(period=pack.period)
    if pack.region_id:
        plans = plans.filter(partnership__region_id=pack.region_id)
    return for_plan_document(plans).order_by("partnership__name")


def pack_request(*, user: User, period: Period, region: Region | None) -> Pack:
    """Queue a pack for the user's scope; the work happens in a worker."""
    check_perm(
        user,
        "reports.build_pack",
        message="Packs are for GO staff and national administrators.",
    )
    if not user.has_perm("reports.see_england"):
        region = user.profile.region
    pack = Pack.objects.create(period=period, region=region, created_by=user)
    build_pack.enqueue(pack.pk)
    return pack


@task()
def build_pack(pack_id: int) -> int:
    """Start a pack: one task per development plan, so that several workers
    share the work; the last plan's task assembles the ZIP."""
    started = Pack.objects.filter(pk=pack_id, status=PackStatus.QUEUED).update(
        status=PackStatus.RUNNING, progress_at=timezone.now()
    )
    if not started:
        return 0
    pack = Pack.objects.get(pk=pack_id)
    plan_ids = list(pack_plans(pack).values_list("pk", flat=True))
    Pack.objects.filter(pk=pack.pk).update(total=len(plan_ids))
    if not plan_ids:
        assemble_pack(pack.pk)
    for plan_id in plan_ids:
        render_pack_plan.enqueue(pack.pk, plan_id)
    return len(plan_ids)


def _part_name(pack_id: int, plan_id: int, suffix: str) -> str:
    return f"packs/{pack_id}/parts/{plan_id}.{suffix}"


@task()
def render_pack_plan(pack_id: int, plan_id: int) -> str:
    """Render one plan of a pack into the pack's folder; a failure is written
    down, not raised, so the pack lists it."""
    plan = for_plan_document(DevelopmentPlan.objects.filter(pk=plan_id)).first()
    storage = attachment_storage()
    outcome = "ok"
    try:
        if plan is None:
            raise LookupError("the plan was deleted")
        content = render_pdf("reports/plan_pdf.html", plan_context(plan=plan))
        storage.save(_part_name(pack_id, plan_id, "pdf"), ContentFile(content))
    # One plan must not sink the pack. WeasyPrint's FatalURLFetchingError is
    # a BaseException: caught too, or the plan would never be counted.
    except (Exception, FatalURLFetchingError) as error:
        logger.exception("Pack %s: plan %s failed", pack_id, plan_id)
        outcome = str(error) or error.__class__.__name__
        storage.save(
            _part_name(pack_id, plan_id, "failed"), ContentFile(outcome.encode())
        )
    Pack.objects.filter(pk=pack_id).update(
        done=F("done") + 1, progress_at=timezone.now()
    )
    _assemble_if_done(pack_id)
    return outcome


def _assemble_if_done(pack_id: int) -> None:
    # Exactly one caller sees the last plan done and assembles the pack.
    finished = Pack.objects.filter(
        pk=pack_id, status=PackStatus.RUNNING, done__gte=F("total")
    ).update(status=PackStatus.ASSEMBLING, progress_at=timezone.now())
    if finished:
        assemble_pack(pack_id)


def _has_part(pack_id: int, plan_id: int) -> bool:
    storage = attachment_storage()
    return storage.exists(_part_name(pack_id, plan_id, "pdf")) or storage.exists(
        _part_name(pack_id, plan_id, "failed")
    )


def _queued_plan_ids(pack_id: int) -> set[int]:
    """Plans of the pack whose task still waits in the database queue: not
    lost, only not reached yet (the immediate backend of the tests has none)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status="READY", task_path=render_pack_plan.module_path
    ).values_list("args_kwargs", flat=True)
    return {
        args[1]
        for args in (item.get("args", []) for item in waiting)
        if len(args) == 2 and args[0] == pack_id
    }


def packs_recover(*, now: Any = None, stalled_after: Any = None) -> int:
    """Take up packs whose worker stopped (killed, or its machine gone): a
    pack that has not moved for `stalled_after` has its missing plans queued
    once more; if it stalls again it is marked failed, saying which plans
    were not made. A pack is never reported ready with plans silently
    missing. Returns how many packs were taken up."""
    now = now or timezone.now()
    if stalled_after is None:
        stalled_after = datetime.timedelta(minutes=settings.PACK_STALL_MINUTES)
    stalled = Pack.objects.filter(
        status__in=[PackStatus.RUNNING, PackStatus.ASSEMBLING],
        progress_at__lt=now - stalled_after,
    )
    count = 0
    for pack in stalled:
        count += 1
        if pack.status == PackStatus.ASSEMBLING or pack.done >= pack.total:
            # The worker stopped after the last plan: put it together again.
            Pack.objects.filter(pk=pack.pk).update(
                status=PackStatus.RUNNING, progress_at=now
            )
            _assemble_if_done(pack.pk)
            continue
        waiting = _queued_plan_ids(pack.pk)
        missing = [
            plan_id
            for plan_id in pack_plans(pack).values_list("pk", flat=True)
            if plan_id not in waiting and not _has_part(pack.pk, plan_id)
        ]
        if pack.retried:
            Pack.objects.filter(pk=pack.pk, status=PackStatus.RUNNING).update(
                status=PackStatus.FAILED,
                error=(
                    f"a worker stopped while building it, twice; {len(missing)} "
                    f"of {pack.total} development plans were not made"
                ),
                finished_at=now,
                expires_at=now + PACK_LIFETIME,
            )
            logger.error("Pack %s failed: its worker stopped twice", pack.pk)
            continue
        logger.warning(
            "Pack %s stalled: queueing %s plans again", pack.pk, len(missing)
        )
        Pack.objects.filter(pk=pack.pk).update(retried=True, progress_at=now)
        for plan_id in missing:
            render_pack_plan.enqueue(pack.pk, plan_id)
    return count


def assemble_pack(pack_id: int) -> None:
    """Put the rendered plans and a manifest into the ZIP; mark the pack ready."""
    pack = Pack.objects.select_related("period", "region").get(pk=pack_id)
    plans = list(pack_plans(pack))
    storage = attachment_storage()
    failures: list[dict[str, str]] = []
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(
                spool, "w", compression=zipfile.ZIP_DEFLATED
            ) as archive:
                for plan in plans:
                    pdf = _part_name(pack.pk, plan.pk, "pdf")
                    failed = _part_name(pack.pk, plan.pk, "failed")
                    name = f"{slugify(plan.partnership.name)}-{plan.period.code}.pdf"
                    if storage.exists(pdf):
                        with storage.open(pdf, "rb") as part:
                            archive.writestr(name, part.read())
                    else:
                        error = "not rendered"
                        if storage.exists(failed):
                            with storage.open(failed, "rb") as part:
                                error = part.read().decode()
                        failures.append(
                            {"partnership": plan.partnership.name, "error": error}
                        )
                archive.writestr("README.txt", _manifest(pack, plans, failures))
            spool.seek(0)
            pack.file.save(f"development-plans-{pack.pk}.zip", File(spool), save=False)
    except Exception as error:
        Pack.objects.filter(pk=pack.pk).update(
            status=PackStatus.FAILED, error=str(error), finished_at=timezone.now()
        )
        raise
    finished = timezone.now()
    Pack.objects.filter(pk=pack.pk).update(
        file=pack.file.name,
        failures=failures,
        status=PackStatus.COMPLETE,
        finished_at=finished,
        expires_at=finished + PACK_LIFETIME,
    )
    _remove_parts(pack.pk)


def _remove_parts(pack_id: int) -> None:
    storage = attachment_storage()
    folder = f"packs/{pack_id}/parts"
    if storage.exists(folder):
        for name in storage.listdir(folder)[1]:
            storage.delete(f"{folder}/{name}")


def _manifest(
    pack: Pack, plans: list[DevelopmentPlan], failures: list[dict[str, str]]
) -> str:
    failed = {f["partnership"] for f in failures}
    lines = [
        str(pack),
        f"Built {timezone.now():%d %B %Y %H:%M}.",
        "",
        f"{len(plans) - len(failed)} development plans included:",
        *[f"  {p.partnership.name}" for p in plans if p.partnership.name not in failed],
    ]
    if failures:
        lines += ["", f"{len(failures)} FAILED, not included:"]
        lines += [f"  {f['partnership']}: {f['error']}" for f in failures]
    return "\n".join(lines) + "\n"


def packs_prune(*, now: Any = None) -> int:
    """Delete expired packs and their files; returns how many."""
    now = now or timezone.now()
    expired = list(Pack.objects.filter(expires_at__lte=now))
    for pack in expired:
        if pack.file:
            pack.file.delete(save=False)
        _remove_parts(pack.pk)
        pack.delete()
    return len(expired)


def pack_progress(pack: Pack) -> JobProgress:
    """How far the pack has got, for its page and its progress JSON."""
    status = pack.status
    label = PackStatus(status).label
    download_url = ""
    if status == PackStatus.COMPLETE and pack.is_expired:
        label = "Expired"
        message = "This pack has expired. Build it again from the list of packs."
    elif status == PackStatus.COMPLETE:
        download_url = reverse("reports:pack_download", args=[pack.pk])
        made = pack.total - len(pack.failures)
        message = f"The pack is ready: {made} of {pack.total} development plans."
        if pack.failures:
            message += f" {len(pack.failures)} could not be made (listed in the pack)."
    elif status == PackStatus.FAILED:
        message = (
            f"The pack could not be built: {pack.error or 'the worker stopped'}. "
            "Build it again from the list of packs."
        )
    elif status == PackStatus.ASSEMBLING:
        message = f"All {pack.total} development plans made: putting the ZIP together."
    elif status == PackStatus.RUNNING:
        message = f"{pack.done} of {pack.total} development plans made."
    else:
        message = "The pack is waiting for a worker to start it."
    return JobProgress(
        status=status,
        label=label,
        message=message,
        finished=status in (PackStatus.COMPLETE, PackStatus.FAILED),
        download_url=download_url,
    )
