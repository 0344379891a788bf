"""A file uploaded for import, kept between its preview and its confirmation,
and the log of the imports made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Kind(models.TextChoices):
    """What the rows of a file are, in the order they are best imported:
    each kind may name records of the kinds before it."""

    LLSCS = "llscs", "Local LSCs"
    LSPS = "lsps", "LSPs"
    PARTNERSHIPS = "partnerships", "Partnerships"
    MEMBERS = "members", "Member organisations"
    USERS = "users", "Users"


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    ODS = "ods", "OpenDocument spreadsheet (ODS)"


class Upload(models.Model):
    """A file read and checked, waiting for its uploader to confirm the
    preview. Deleted once imported; left-over ones are cleared after a day."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=4, choices=FileFormat.choices)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[c.value for c in Kind]),
                name="import_upload_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("imports:preview", args=[self.pk])


class ImportLog(models.Model):
    """One import made: who, when, which file, and what became of each row."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=4, choices=FileFormat.choices)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Kept as text too: the log outlives the account.
    imported_by_name = models.CharField(max_length=150)
    imported_at = models.DateTimeField(default=timezone.now)
    created_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    # One entry a row: {"row", "action", "key", "changes": [[label, old, new]]}.
    rows = models.JSONField(default=list)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = "import"

    def __str__(self) -> str:
        return (
            f"{self.file_name} ({self.get_kind_display()}) {self.imported_at:%Y-%m-%d}"
        )

    def get_absolute_url(self) -> str:
        return reverse("imports:log_detail", args=[self.pk])
