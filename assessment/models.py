"""The annual return: one per partnership per period, an answer per indicator."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from indicators.models import Dimension, Framework, Indicator, Period
from partnerships.models import LearningPartnership

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
    agreed_score = models.PositiveSmallIntegerField(null=True, blank=True)
    officer_comment = models.TextField(blank=True)
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
        ]

    def __str__(self) -> str:
        return f"{self.return_record} {self.indicator.code}"

    @property
    def is_started(self) -> bool:
        return self.version > 1


def attachment_storage() -> Storage:
    """Evidence files live outside the static and media URLs; a view serves them."""
    return storages["attachments"]


def attachment_path(instance: Attachment, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"returns/{instance.answer.return_record_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """An evidence file attached to an answer."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, storage=attachment_storage)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("assessment:attachment", args=[self.pk])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self.file.delete(save=False)
        return super().delete(*args, **kwargs)


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


class Reminder(models.Model):
    """A reminder sent to a partnership's managers about a period's return; at
    most one a day, so running the command twice sends nothing new."""

    partnership = models.ForeignKey(
        LearningPartnership, on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
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


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved by the LLSC"


class DevelopmentPlan(models.Model):
    """A partnership's development plan for a period: the PMF's action for
    improvement and added value, built from the agreed scores."""

    Status = PlanStatus

    partnership = models.ForeignKey(
        LearningPartnership, on_delete=models.CASCADE, related_name="plans"
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    source_return = models.ForeignKey(
        Return, on_delete=models.SET_NULL, null=True, blank=True, related_name="plans"
    )
    status = models.CharField(
        max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    officer_comment = models.TextField("LLSC comment", blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    dismissed_suggestions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership__name", "-period__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period"], name="plan_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Development plan {self.partnership} {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:plan", args=[self.pk])


class Plausibility(models.TextChoices):
    HIGH = "high", "High: what is done clearly leads to the outcome"
    MEDIUM = "medium", "Medium: a likely contribution, not yet shown"
    LOW = "low", "Low: the link to the outcome is weak or untested"


class Priority(models.Model):
    """A priority for improvement, tied to a dimension and perhaps indicators."""

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="priorities"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="+")
    plausibility = models.CharField(
        max_length=10, choices=Plausibility.choices, blank=True
    )
    plausibility_rationale = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords(m2m_fields=[indicators])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title


class ImprovementArea(models.TextChoices):
    PARTNERSHIP = "partnership", "Partnership development"
    NEEDS = "needs", "Knowing the needs and priorities of all local communities"
    SERVICES = "services", "Changing what and how services are delivered"
    SKILLS = "skills", "Skills and knowledge"
    LEARNING = "learning", "Learning"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"


class PlanAction(models.Model):
    """An objective or action under a priority."""

    Status = ActionStatus

    priority = models.ForeignKey(
        Priority, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField()
    lead_member = models.ForeignKey(
        "partnerships.MemberOrganisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lead organisation",
    )
    lead_person = models.CharField("lead person", max_length=120, blank=True)
    improvement_area = models.CharField(
        "PMF improvement area", max_length=12, choices=ImprovementArea.choices
    )
    starts_on = models.DateField("start date")
    due_on = models.DateField("due date")
    resources = models.CharField(max_length=300, blank=True)
    funding_source = models.CharField(max_length=200, blank=True)
    success_measure = models.CharField(max_length=300)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "action"
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("starts_on")),
                name="action_due_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(lead_person="") | Q(lead_member__isnull=False),
                name="action_has_a_lead",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def lead(self) -> str:
        names = [str(self.lead_member) if self.lead_member_id else "", self.lead_person]
        return ", ".join(name for name in names if name)


class Target(models.Model):
    """A measurable target for a priority, with floor and aspirational values."""

    priority = models.ForeignKey(
        Priority, on_delete=models.CASCADE, related_name="targets"
    )
    measure = models.CharField(max_length=200)
    unit = models.CharField(max_length=40)
    baseline = models.DecimalField(max_digits=12, decimal_places=2)
    floor = models.DecimalField("floor target", max_digits=12, decimal_places=2)
    aspirational = models.DecimalField(
        "aspirational target", max_digits=12, decimal_places=2
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.measure


class MonitoringPoint(models.Model):
    """A date in the period when progress is reported (three a year by default)."""

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="monitoring_points"
    )
    label = models.CharField(max_length=60)
    due_on = models.DateField()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.label


class TargetValue(models.Model):
    """A target's actual value at a monitoring point."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values")
    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.CASCADE, related_name="+"
    )
    actual = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["target", "point"], name="target_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} at {self.point}: {self.actual}"


class SoftOutcome(models.TextChoices):
    STRATEGIC_LINKS = "strategic_links", "Strategic links forged"
    SCHOOLS_EMPLOYERS = "schools_employers", "Engagement with schools or employers"
    ATTITUDES = "attitudes", "Attitudinal change"
    NEW_PARTNERS = "new_partners", "New partners or members drawn in"


class ProgressUpdate(models.Model):
    """Progress reported at a monitoring point: status, narrative, soft outcomes."""

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="updates"
    )
    point = models.ForeignKey(
        MonitoringPoint, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    narrative = models.TextField()
    soft_outcomes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["point__due_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.plan} {self.point}"

    @property
    def soft_outcome_labels(self) -> list[str]:
        labels = dict(SoftOutcome.choices)
        return [str(labels.get(value, value)) for value in self.soft_outcomes]
