"""Building packs of development plan PDFs in the background (django-tasks).

Several workers, on several machines, share the queue through the database;
each pack is built by one of them. A partnership whose PDF fails is listed in
the pack as failed, never silently left out."""

from __future__ import annotations

import logging
import tempfile
import zipfile
from typing import Any

from django.core.files import File
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task

from assessment.models import DevelopmentPlan
from assessment.plan_views import plan_context
from partnerships.models import Role
from partnerships.selectors import role_of

from .models import PACK_LIFETIME, Pack, PackStatus
from .pdf import render_pdf

logger = logging.getLogger(__name__)


def packs_for_user(user: Any) -> QuerySet[Pack]:
    """Packs of the user's scope: GO officers their region's, national
    administrators every pack."""
    role = role_of(user)
    if role == Role.NATIONAL_ADMIN:
        return Pack.objects.all()
    if role == Role.GO_OFFICER:
        return Pack.objects.filter(region_id=user.profile.region_id)
    return Pack.objects.none()


def pack_plans(pack: Pack) -> QuerySet[DevelopmentPlan]:
    plans = DevelopmentPlan.objects.filter(period=pack.period)
    if pack.region_id:
        plans = plans.filter(partnership__region_id=pack.region_id)
    return plans.select_related(
        "partnership", "period", "source_return__framework", "approved_by"
    ).order_by("partnership__name")


def pack_request(*, user: Any, period: Any, region: Any) -> Pack:
    """Queue a pack for the user's scope; the work happens in a worker."""
    role = role_of(user)
    if role == Role.GO_OFFICER:
        region = user.profile.region
    elif role != Role.NATIONAL_ADMIN:
        raise PermissionError("Packs are for GO staff and national administrators.")
    pack = Pack.objects.create(period=period, region=region, created_by=user)
    build_pack.enqueue(pack.pk)
    return pack


@task()
def build_pack(pack_id: int) -> str:
    """Render each development plan of the pack's scope into a ZIP."""
    started = Pack.objects.filter(pk=pack_id, status=PackStatus.QUEUED).update(
        status=PackStatus.RUNNING
    )
    if not started:
        return "already taken"
    pack = Pack.objects.select_related("period", "region").get(pk=pack_id)
    plans = list(pack_plans(pack))
    Pack.objects.filter(pk=pack.pk).update(total=len(plans))
    failures: list[dict[str, str]] = []
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(
                spool, "w", compression=zipfile.ZIP_DEFLATED
            ) as archive:
                for plan in plans:
                    name = f"{slugify(plan.partnership.name)}-{plan.period.code}.pdf"
                    try:
                        content = render_pdf(
                            "reports/plan_pdf.html", plan_context(None, plan)
                        )
                    except Exception as error:  # one plan must not sink the pack
                        logger.exception(
                            "Pack %s: the plan of %s failed", pack.pk, plan
                        )
                        failures.append(
                            {"partnership": plan.partnership.name, "error": str(error)}
                        )
                    else:
                        archive.writestr(name, content)
                    Pack.objects.filter(pk=pack.pk).update(done=F("done") + 1)
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
    return pack.file.name


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
        pack.delete()
    return len(expired)
