"""Documents made in the background: packs (ZIP files of development plan
PDFs for a region or for England) and summary PDFs of the regional view."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from assessment.models import attachment_storage
from indicators.models import Period
from partnerships.models import LocalLSC, Region

PACK_LIFETIME = datetime.timedelta(days=7)


class BackgroundDocument(models.Model):
    """What a document made in the background keeps of its making: why it
    failed, who asked for it and when, when a worker last moved it on (a
    document that stops moving has lost its worker and is queued again once),
    when it was finished and when it expires."""

    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    progress_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker last moved it on."
    )
    retried = models.BooleanField(
        default=False, help_text="Queued again once after its worker stopped."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def is_expired(self) -> bool:
        return bool(self.expires_at and self.expires_at <= timezone.now())


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being built"
    ASSEMBLING = "assembling", "Being put together"
    COMPLETE = "complete", "Ready"
    FAILED = "failed", "Failed"


def pack_path(instance: Pack, filename: str) -> str:
    return f"packs/{instance.pk}/{filename}"


class Pack(BackgroundDocument):
    """A ZIP of the development plans of a region (or of England) for a
    period, with the regional summary. Only people with the same scope may
    download it; it expires after a week."""

    Status = PackStatus

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the national pack.",
    )
    status = models.CharField(
        max_length=10, choices=PackStatus.choices, default=PackStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failures = models.JSONField(default=list, blank=True)
    file = models.FileField(upload_to=pack_path, storage=attachment_storage, blank=True)

    def __str__(self) -> str:
        where = self.region.name if self.region_id and self.region else "England"
        return f"Development plans {self.period}, {where}"

    def get_absolute_url(self) -> str:
        return reverse("reports:pack", args=[self.pk])


SUMMARY_LIFETIME = datetime.timedelta(days=7)


class SummaryStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    COMPLETE = "complete", "Ready"
    FAILED = "failed", "Failed"


class SummaryScope(models.TextChoices):
    """Whose figures a summary holds: a GO officer's region, an LLSC
    officer's local LSC, or England (national administrators)."""

    ENGLAND = "england", "England"
    REGION = "region", "Region"
    LLSC = "llsc", "Local LSC"


# The steps of making a summary, in order; `SummaryDocument.step` counts them.
SUMMARY_STEPS = (
    "reading the figures",
    "drawing the charts",
    "preparing the pages",
    "laying out the pages",
    "writing the PDF",
)


def summary_path(instance: SummaryDocument, filename: str) -> str:
    return f"summaries/{instance.pk}/{filename}"


class SummaryDocument(BackgroundDocument):
    """The regional (or national) summary PDF of the dashboard's figures for a
    period, a scope and a set of filters, made in the background. Only people
    with the same scope may download it; it expires after a week. It is served
    again, not made again, while the figures it was made from are unchanged
    (`fingerprint`)."""

    Status = SummaryStatus
    Scope = SummaryScope

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=7, choices=SummaryScope.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The region of a GO officer's summary.",
    )
    llsc = models.ForeignKey(
        LocalLSC,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The local LSC of an LLSC officer's summary.",
    )
    filters = models.CharField(
        max_length=200,
        blank=True,
        help_text="The dashboard's filters, as its query string, in a fixed order.",
    )
    title = models.CharField(max_length=200)
    fingerprint = models.CharField(
        max_length=64,
        help_text="A digest of what changes the figures, when it was asked for.",
    )
    status = models.CharField(
        max_length=10, choices=SummaryStatus.choices, default=SummaryStatus.QUEUED
    )
    step = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveIntegerField(
        default=0, help_text="Partnerships in the summary."
    )
    done = models.PositiveIntegerField(default=0, help_text="Charts drawn.")
    pages = models.PositiveIntegerField(default=0, help_text="Pages laid out.")
    file = models.FileField(
        upload_to=summary_path, storage=attachment_storage, blank=True
    )

    class Meta(BackgroundDocument.Meta):
        indexes = [
            models.Index(
                fields=["period", "scope", "region", "llsc", "filters", "fingerprint"],
                name="reports_summary_figures",
            )
        ]

    def __str__(self) -> str:
        return f"Regional summary {self.period}, {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("reports:summary", args=[self.pk])
