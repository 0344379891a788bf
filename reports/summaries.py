"""The regional (or national) summary PDF, made in the background (django-tasks).

Laying out a page per partnership takes WeasyPrint half a minute for a large
region, longer than a web request may run: the request only queues the
summary, a worker makes it, and its page follows the worker's progress. A
summary already made, or being made, for the same figures is served again
rather than made again: the same period, scope and filters, and nothing it
reads changed since (`summary_fingerprint`). A summary whose worker died is
queued again once, then marked failed (`summaries_recover`)."""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task
from weasyprint.urls import FatalURLFetchingError

from indicators.models import Period
from partnerships.rules import check_perm
from partnerships.users import User

from . import pdf
from .models import (
    SUMMARY_LIFETIME,
    SUMMARY_STEPS,
    SummaryDocument,
    SummaryStatus,
)
from .progress import JobProgress
from .selectors import (
    DashboardFilters,
    regional_dashboard,
    regional_summary_pages,
)
from .summary_figures import (
    filters_key,
    median_chart_of,
    partnership_radar,
    scope_fields,
    summary_filters,
    summary_fingerprint,
    summary_scope,
    summary_title,
)

logger = logging.getLogger(__name__)


def summary_request(
    *, user: User, period: Period, filters: DashboardFilters
) -> tuple[SummaryDocument, bool]:
    """The summary of the user's figures for the period and filters: the one
    already made or being made for the same figures (True), else a new one
    queued for a worker (False)."""
    check_perm(
        user,
        "reports.request_summary",
        message="Summaries are for GO staff, LLSC officers and administrators.",
    )
    scope = summary_scope(user)
    if scope is None:
        raise PermissionDenied("Your profile names no area to summarise.")
    key = filters_key(filters)
    fingerprint = summary_fingerprint(user=user, period=period, filters=filters)
    now = timezone.now()
    existing = (
        SummaryDocument.objects.filter(
            period=period,
            **scope_fields(scope),
            filters=key,
            fingerprint=fingerprint,
            status__in=[
                SummaryStatus.QUEUED,
                SummaryStatus.RUNNING,
                SummaryStatus.COMPLETE,
            ],
        )
        .exclude(expires_at__lte=now)
        .order_by("-created_at", "-pk")
        .first()
    )
    if existing is not None:
        return existing, True
    document = SummaryDocument.objects.create(
        period=period,
        **scope_fields(scope),
        filters=key,
        fingerprint=fingerprint,
        title=summary_title(scope, filters, user),
        created_by=user,
    )
    build_summary.enqueue(document.pk)
    return document, False


class _Progress:
    """Writes how far a summary has got, at most once a second (each write
    is also the worker's heartbeat, read by `summaries_recover`)."""

    def __init__(self, document_id: int) -> None:
        self.document_id = document_id
        self.values: dict[str, int] = {}
        self.pending: dict[str, int] = {}
        self.written = 0.0

    def set(self, *, now: bool = False, **fields: int) -> None:
        self.values.update(fields)
        self.pending.update(fields)
        if now or time.monotonic() - self.written >= 1.0:
            SummaryDocument.objects.filter(
                pk=self.document_id, status=SummaryStatus.RUNNING
            ).update(**self.pending, progress_at=timezone.now())
            self.pending = {}
            self.written = time.monotonic()


class _LayoutProgress(logging.Handler):
    """WeasyPrint says which page it lays out, and when it starts writing,
    on its progress logger: passed on to the summary's progress (only what
    this thread's document logs)."""

    def __init__(self, progress: _Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress
        self.thread = threading.get_ident()
        self.pages = 0

    def emit(self, record: logging.LogRecord) -> None:
        if threading.get_ident() != self.thread:
            return
        if str(record.msg).startswith("Step 5 - Creating layout - Page"):
            page = record.args[0] if isinstance(record.args, tuple) else None
            if isinstance(page, int):
                # Pages are counted again from 1 when WeasyPrint repaginates.
                self.pages = max(self.pages, page)
            self.progress.set(step=4, pages=self.pages)
        elif str(record.msg).startswith("Step 6"):
            self.progress.set(step=5, pages=self.pages, now=True)


_weasyprint_lock = threading.Lock()
_weasyprint_followers: list[_LayoutProgress] = []
_weasyprint_saved: dict[str, Any] = {}


@contextmanager
def _following_weasyprint(progress: _Progress) -> Iterator[None]:
    """While WeasyPrint works, its progress logger speaks to the handler (at
    INFO, without passing its lines on to the service's log)."""
    weasyprint_logger = logging.getLogger("weasyprint.progress")
    handler = _LayoutProgress(progress)
    with _weasyprint_lock:
        if not _weasyprint_followers:
            _weasyprint_saved.update(
                level=weasyprint_logger.level, propagate=weasyprint_logger.propagate
            )
            weasyprint_logger.setLevel(logging.INFO)
            weasyprint_logger.propagate = False
        _weasyprint_followers.append(handler)
        weasyprint_logger.addHandler(handler)
    try:
        yield
    finally:
        with _weasyprint_lock:
            weasyprint_logger.removeHandler(handler)
            _weasyprint_followers.remove(handler)
            if not _weasyprint_followers:
                weasyprint_logger.setLevel(_weasyprint_saved["level"])
                weasyprint_logger.propagate = _weasyprint_saved["propagate"]


class ScopeChanged(Exception):
    pass


def _make_summary(document: SummaryDocument, progress: _Progress) -> bytes:
    """The PDF the regional view's figures give for the document's scope,
    period and filters, read as the person who asked for it."""
    user = document.created_by
    if user is None or summary_scope(user) != (
        document.scope,
        document.region_id,
        document.llsc_id,
    ):
        raise ScopeChanged
    data = regional_dashboard(
        user=user, period=document.period, filters=summary_filters(document)
    )
    summary_pages = regional_summary_pages(dashboard=data)
    progress.set(step=2, total=len(summary_pages), now=True)
    pages = []
    for number, page in enumerate(summary_pages, start=1):
        pages.append({"page": page, "radar": partnership_radar(page.row, data)})
        progress.set(done=number)
    progress.set(step=3, done=len(summary_pages), now=True)
    html = render_to_string(
        "reports/regional_pdf.html",
        {
            "data": data,
            "pages": pages,
            "chart": median_chart_of(data),
            "dimensions": data.dimensions,
            "scope": document.title,
            "for_pdf": True,
        },
    )
    with _following_weasyprint(progress):
        return pdf.html_to_pdf(html)


def summary_filename(document: SummaryDocument) -> str:
    return f"regional-summary-{slugify(document.title)}-{document.period.code}.pdf"


@task()
def build_summary(document_id: int) -> str:
    """Make a queued summary's PDF; a failure is written on the summary (and
    its cause in the log), never left running."""
    started = SummaryDocument.objects.filter(
        pk=document_id, status=SummaryStatus.QUEUED
    ).update(status=SummaryStatus.RUNNING, step=1, progress_at=timezone.now())
    if not started:
        return "not queued"
    document = SummaryDocument.objects.select_related(
        "period", "created_by", "created_by__profile"
    ).get(pk=document_id)
    progress = _Progress(document.pk)
    try:
        content = _make_summary(document, progress)
        document.file.save(summary_filename(document), ContentFile(content), save=False)
    except ScopeChanged:
        _fail(document.pk, "the person who asked for it no longer has these figures")
        return "failed"
    # WeasyPrint's FatalURLFetchingError is a BaseException: caught too, or
    # the summary would stay "being made".
    except (Exception, FatalURLFetchingError):
        logger.exception("Summary %s failed", document.pk)
        _fail(document.pk, "an error stopped it (the administrators can see which)")
        return "failed"
    finished = timezone.now()
    SummaryDocument.objects.filter(pk=document.pk, status=SummaryStatus.RUNNING).update(
        file=document.file.name,
        status=SummaryStatus.COMPLETE,
        step=len(SUMMARY_STEPS),
        pages=progress.values.get("pages", 0),
        progress_at=finished,
        finished_at=finished,
        expires_at=finished + SUMMARY_LIFETIME,
    )
    return "complete"


def _fail(document_id: int, error: str, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    SummaryDocument.objects.filter(pk=document_id).update(
        status=SummaryStatus.FAILED,
        error=error,
        finished_at=now,
        expires_at=now + SUMMARY_LIFETIME,
    )


def summaries_recover(*, now: Any = None, stalled_after: Any = None) -> int:
    """Take up summaries whose worker stopped (killed, or its machine gone):
    one that has not moved for `stalled_after` is queued again once; if it
    stalls again it is marked failed. Returns how many were taken up."""
    now = now or timezone.now()
    if stalled_after is None:
        stalled_after = datetime.timedelta(minutes=settings.PACK_STALL_MINUTES)
    stalled = SummaryDocument.objects.filter(
        status=SummaryStatus.RUNNING, progress_at__lt=now - stalled_after
    )
    count = 0
    for document in stalled:
        # Only if it has not moved since it was read: a slow worker that is
        # still alive keeps its summary.
        still = SummaryDocument.objects.filter(
            pk=document.pk,
            status=SummaryStatus.RUNNING,
            progress_at=document.progress_at,
        )
        if document.retried:
            if still.update(
                status=SummaryStatus.FAILED,
                error="a worker stopped while making it, twice",
                finished_at=now,
                expires_at=now + SUMMARY_LIFETIME,
            ):
                logger.error("Summary %s failed: its worker stopped twice", document.pk)
                count += 1
            continue
        if still.update(
            status=SummaryStatus.QUEUED,
            retried=True,
            step=0,
            done=0,
            pages=0,
            progress_at=now,
        ):
            logger.warning("Summary %s stalled: queued again", document.pk)
            build_summary.enqueue(document.pk)
            count += 1
    return count


def summaries_prune(*, now: Any = None) -> int:
    """Delete expired summaries and their files; returns how many."""
    now = now or timezone.now()
    expired = list(SummaryDocument.objects.filter(expires_at__lte=now))
    for document in expired:
        if document.file:
            document.file.delete(save=False)
        document.delete()
    return len(expired)


def summary_progress(document: SummaryDocument) -> JobProgress:
    """How far the summary has got, for its page and its progress JSON."""
    status = document.status
    label = SummaryStatus(status).label
    download_url = ""
    if status == SummaryStatus.COMPLETE and document.is_expired:
        label = "Expired"
        message = "This summary has expired. Ask for it again from the regional view."
    elif status == SummaryStatus.COMPLETE:
        download_url = reverse("reports:summary_download", args=[document.pk])
        message = (
            f"The summary is ready: {document.pages} "
            f"page{'s' if document.pages != 1 else ''}, {document.total} "
            f"partnership{'s' if document.total != 1 else ''}."
        )
    elif status == SummaryStatus.FAILED:
        message = (
            f"The summary could not be made: {document.error}. "
            "Ask for it again from the regional view."
        )
    elif status == SummaryStatus.RUNNING:
        message = _step_message(document)
    else:
        message = "The summary is waiting for a worker to start it."
    return JobProgress(
        status=status,
        label=label,
        message=message,
        finished=status in (SummaryStatus.COMPLETE, SummaryStatus.FAILED),
        download_url=download_url,
    )


def _step_message(document: SummaryDocument) -> str:
    step = min(max(document.step, 1), len(SUMMARY_STEPS))
    message = f"Step {step} of {len(SUMMARY_STEPS)}: {SUMMARY_STEPS[step - 1]}"
    if step == 2:
        message += f", {document.done} of {document.total} partnerships"
    elif step == 4:
        message += f", {document.pages} so far"
    elif step == 5:
        message += f" ({document.pages} pages)"
    return message + "."
