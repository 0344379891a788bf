"""The annual return: one per partnership per period, an answer per indicator."""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from indicators.models import Category, Dimension, Framework, Indicator, Period
from partnerships.models import LearningPartnership, Region

EVIDENCE_MAX = 5000
BARRIERS_MAX = 2000
PLANNED_ACTION_MAX = 2000


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    RETURNED = "returned", "Returned for revision"
    ACCEPTED = "accepted", "Accepted"


EDITABLE_STATUSES = (ReturnStatus.DRAFT, ReturnStatus.RETURNED)


class Return(models.Model):
    """A partnership's self-assessment for one period."""

    Status = ReturnStatus

    partnership = models.ForeignKey(
        LearningPartnership, on_delete=models.CASCADE, related_name="returns"
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="returns")
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="returns"
    )
    status = models.CharField(
        max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    carried_forward_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    profile_checked_at = models.DateTimeField(null=True, blank=True)
    profile_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField("overall comment", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership__name", "-period__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period"], name="return_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[c.value for c in ReturnStatus]),
                name="return_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=ReturnStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="return_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:tasks", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class Answer(models.Model):
    """The partnership's answer to one indicator: reviewing, scoring,
    identifying barriers and future action."""

    return_record = models.ForeignKey(
        Return, on_delete=models.CASCADE, related_name="answers", db_column="return_id"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    barriers = models.TextField(blank=True)
    planned_action = models.TextField("planned future action", blank=True)
    # The categories of the framework's lists (barriers, impact, added value)
    # ticked beside the free text; the kind is the category's list's.
    categories = models.ManyToManyField(Category, blank=True, related_name="+")
    # "Not applicable", where the indicator allows it: no score, a reason the
    # LLSC officer reads, and which they can reject ("not accepted: score
    # it"), so that the return comes back needing a score. Left out of every
    # figure (``assessment.counting``).
    not_applicable = models.BooleanField(default=False)
    not_applicable_reason = models.TextField("why it is not applicable", blank=True)
    not_applicable_rejected = models.BooleanField(
        default=False,
        help_text="The LLSC officer did not accept it: the indicator needs a score.",
    )
    agreed_score = models.PositiveSmallIntegerField(null=True, blank=True)
    officer_comment = models.TextField(blank=True)
    # When an LLSC officer last saved the agreed score and comment: saved since
    # the latest submission, the indicator is moderated for this review.
    agreed_at = models.DateTimeField(null=True, blank=True)
    carried_forward = models.BooleanField(
        default=False,
        help_text="Evidence and actions copied from last year, not yet reviewed.",
    )
    # Optimistic locking: every save increments it; a save based on an older
    # version is refused instead of overwriting someone else's work.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator__dimension__order", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["return_record", "indicator"], name="answer_one_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1),
                name="answer_score_positive",
            ),
            models.CheckConstraint(
                condition=Q(agreed_score__isnull=True) | Q(agreed_score__gte=1),
                name="answer_agreed_score_positive",
            ),
            models.CheckConstraint(
                condition=Q(not_applicable=False) | Q(score__isnull=True),
                name="answer_not_applicable_unscored",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.return_record} {self.indicator.code}"

    @property
    def is_started(self) -> bool:
        return self.version > 1


def attachment_storage() -> Storage:
    """Evidence files live outside the static and media URLs; a view serves them."""
    return storages["attachments"]


def attachment_path(instance: Any, filename: str) -> str:
    """Where files attached to a single answer were stored (before the library);
    the first migration names it, and their files keep these names."""
    suffix = PurePath(filename).suffix.lower()
    return f"returns/{instance.answer.return_record_id}/{uuid.uuid4().hex}{suffix}"


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"evidence/{instance.partnership_id}/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    """A file in a partnership's evidence library: stored once, linked to any
    number of answers, this year's and the years after."""

    partnership = models.ForeignKey(
        LearningPartnership, on_delete=models.CASCADE, related_name="evidence_files"
    )
    file = models.FileField(upload_to=evidence_path, storage=attachment_storage)
    title = models.CharField(max_length=255)
    document_date = models.DateField("date of the document", null=True, blank=True)
    review_by = models.DateField(
        "review by",
        null=True,
        blank=True,
        help_text="When to check the file still says what is true.",
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    # A default, not auto_now_add: the migration from single-answer files keeps
    # the date each was uploaded.
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessment:attachment", args=[self.pk])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        result = super().delete(*args, **kwargs)
        # Once the row is surely gone: a file still linked is protected and a
        # rolled-back delete must find its file still there.
        storage, name = self.file.storage, self.file.name
        if name:
            transaction.on_commit(lambda: storage.delete(name))
        return result

    def review_due(self, today: datetime.date | None = None) -> bool:
        """Past its review-by date."""
        today = today or timezone.localdate()
        return self.review_by is not None and self.review_by < today


class EvidenceLink(models.Model):
    """A library file given as evidence for one answer. Carried into next
    year's return as a new link (``carried_from``), never as a copy of the file,
    until the manager says it is still current (``confirmed_at``) or removes it."""

    evidence_file = models.ForeignKey(
        EvidenceFile, on_delete=models.PROTECT, related_name="links"
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="evidence_links"
    )
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence_file", "answer"], name="evidence_link_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evidence_file_id} for {self.answer_id}"

    @property
    def to_confirm(self) -> bool:
        """Carried from last year and not yet confirmed as still current."""
        return self.carried_from_id is not None and self.confirmed_at is None


class Transition(models.Model):
    """One step of a return's workflow: who moved it, when, from, to and why."""

    return_record = models.ForeignKey(
        Return,
        on_delete=models.CASCADE,
        related_name="transitions",
        db_column="return_id",
    )
    from_status = models.CharField(max_length=12, choices=ReturnStatus.choices)
    to_status = models.CharField(max_length=12, choices=ReturnStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    # On submission: the answers as submitted, to show what a resubmission changed.
    snapshot = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.return_record}: {self.from_status} to {self.to_status}"


class Notification(models.Model):
    """A message to one user, shown in the service and also sent by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.message


class EmailKind(models.TextChoices):
    """What an email is about; each kind has its own subject line."""

    SUBMITTED = "submitted", "Self-assessment submitted"
    IN_REVIEW = "in_review", "Self-assessment taken into review"
    RETURNED = "returned", "Self-assessment returned for revision"
    ACCEPTED = "accepted", "Self-assessment accepted"
    REMINDER_DUE = "reminder_due", "Reminder: self-assessment due"
    REMINDER_OVERDUE = "reminder_overdue", "Reminder: self-assessment overdue"
    PLAN_TO_APPROVE = "plan_to_approve", "Development plan to approve"
    PLAN_APPROVED = "plan_approved", "Development plan approved"
    PLAN_RETURNED = "plan_returned", "Development plan returned for changes"
    OTHER = "other", "Other notification"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RETRYING = "retrying", "Waiting to try again"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


PENDING_EMAIL_STATUSES = (EmailStatus.QUEUED, EmailStatus.RETRYING)


class EmailDelivery(models.Model):
    """One email to one user, sent by a background task and tried again with
    growing delays when the mail server refuses it. The address is read from
    the user when it is sent, never stored here."""

    kind = models.CharField(
        max_length=20, choices=EmailKind.choices, default=EmailKind.OTHER
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="email_by_status")
        ]
        verbose_name_plural = "email deliveries"

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display().lower()})"


class Reminder(models.Model):
    """A reminder sent to a partnership's managers about a period's return; at
    most one a day, so running the command twice sends nothing new."""

    partnership = models.ForeignKey(
        LearningPartnership, on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    # When and by whom, for the log of reminders sent; blank for the reminders
    # sent on schedule by the command (and those sent before this was kept).
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    overdue = models.BooleanField()
    recipients = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period", "sent_on"], name="reminder_one_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.period} {self.sent_on}"


class EngagementRating(models.Model):
    """A Government Office's 1-5 rating of a partnership's engagement with
    regeneration in a period (the scale of Annex 2 of the 2003 study)."""

    class Rating(models.IntegerChoices):
        VERY_EFFECTIVE = (
            5,
            "5: very effectively engaged with regeneration agencies and carrying out "
            "regeneration linked work",
        )
        EFFECTIVE = 4, "4: effectively engaged with regeneration agencies"
        PARTLY = 3, "3: engaged with some regeneration agencies and issues"
        LIMITED = 2, "2: engagement with regeneration agencies is limited"
        DIFFICULT = (
            1,
            "1: finding engagement with regeneration agencies and issues more "
            "difficult",
        )

    partnership = models.ForeignKey(
        LearningPartnership, on_delete=models.CASCADE, related_name="engagement_ratings"
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    rationale = models.TextField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period"], name="rating_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="rating_one_to_five"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.period}: {self.rating}"


class ScoreFigure(models.Model):
    """A dimension's figures over the submitted returns of a period under one
    framework, for England (no region) or one region: the median of the
    returns' mean scores and the sum and number of the answers' scores (agreed,
    else self) that the trend over the years adds up. Added up from the
    returns' own figures (``ReturnFigure``) whenever one of them changes
    (``assessment.figures.return_figures_refresh``), so that the regional view
    reads them instead of every answer in England; ``figures_refresh``
    recomputes both from every answer."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for England.",
    )
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="+")
    # England's median counts every partnership; a region's only its active
    # ones, as the regional view shows them.
    median = models.FloatField(null=True, blank=True)
    returns = models.PositiveIntegerField(help_text="Returns with a score counted.")
    # Active partnerships only, England's too: the trend follows the view.
    score_total = models.PositiveIntegerField()
    score_count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "framework", "dimension"],
                condition=Q(region__isnull=True),
                name="score_figure_one_for_england",
            ),
            models.UniqueConstraint(
                fields=["period", "framework", "region", "dimension"],
                condition=Q(region__isnull=False),
                name="score_figure_one_per_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.region_id or 'England'} {self.dimension_id}"


class ReturnFigure(models.Model):
    """One submitted return's figures in one dimension of a framework its
    national answers are scored against, answers not applicable left out: the
    mean of its self and of its agreed scores, and the sum and number of its
    scores (agreed, else self). England's and each region's figures
    (ScoreFigure) are added up from these, so that a change to one return
    recomputes its own rows rather than every answer in England. A draft has
    none. Kept by ``assessment.figures``."""

    return_record = models.ForeignKey(
        Return, on_delete=models.CASCADE, related_name="+"
    )
    # The return's, kept here so that a period's rows are read by its index.
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="+")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="+")
    self_mean = models.FloatField(null=True, blank=True)
    agreed_mean = models.FloatField(null=True, blank=True)
    score_total = models.PositiveIntegerField()
    score_count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["return_record", "dimension"], name="return_figure_one"
            )
        ]

    def __str__(self) -> str:
        return f"{self.return_record_id} {self.dimension_id}"
