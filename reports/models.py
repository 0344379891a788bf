"""Packs: ZIP files of development plan PDFs for a region or for England,
built in the background."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from assessment.models import attachment_storage
from indicators.models import Period
from partnerships.models import Region

PACK_LIFETIME = datetime.timedelta(days=7)


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being built"
    ASSEMBLING = "assembling", "Being put together"
    COMPLETE = "complete", "Ready"
    FAILED = "failed", "Failed"


def pack_path(instance: Pack, filename: str) -> str:
    return f"packs/{instance.pk}/{filename}"


class Pack(models.Model):
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
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=pack_path, storage=attachment_storage, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    progress_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker last moved the pack on."
    )
    retried = models.BooleanField(
        default=False, help_text="Its missing plans were queued again once."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        where = self.region.name if self.region_id and self.region else "England"
        return f"Development plans {self.period}, {where}"

    def get_absolute_url(self) -> str:
        return reverse("reports:pack", args=[self.pk])

    @property
    def is_expired(self) -> bool:
        return bool(self.expires_at and self.expires_at <= timezone.now())
