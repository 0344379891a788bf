"""The development plan: the PMF's action for improvement and added value,
built from a partnership's self-assessment for a period.

The tables were first made by the assessment app; they keep their names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessment.models import Return
from indicators.models import Dimension, Indicator, Period
from partnerships.models import LearningPartnership


class KeptTableHistory(HistoricalRecords):
    """History kept in the table the assessment app made for it, many-to-many
    history included (simple-history has no option for that table's name)."""

    def get_meta_options_m2m(self, through_model: Any) -> dict[str, Any]:
        options = super().get_meta_options_m2m(through_model)
        name = self.get_history_model_name(through_model)
        options["db_table"] = f"assessment_{name.lower()}"
        return options


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved by the LLSC"
    CHANGED = "changed", "Changed since approval"


# The statuses as a sentence says them ("it is now ...").
STATUS_PHRASES = {
    PlanStatus.DRAFT: "a draft",
    PlanStatus.SUBMITTED: "submitted for approval",
    PlanStatus.RETURNED: "returned for changes",
    PlanStatus.APPROVED: "approved by the LLSC",
    PlanStatus.CHANGED: "changed since approval",
}
STEPS = {
    PlanStatus.SUBMITTED: "Submitted for approval",
    PlanStatus.RETURNED: "Returned for changes",
    PlanStatus.APPROVED: "Approved",
    PlanStatus.CHANGED: "Changed since approval",
}


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
    # The priorities, actions and targets as they stood when last approved,
    # so that a later change can say what changed.
    approved_snapshot = models.JSONField(null=True, blank=True, editable=False)
    dismissed_suggestions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = KeptTableHistory(table_name="assessment_historicaldevelopmentplan")

    class Meta:
        db_table = "assessment_developmentplan"
        ordering = ["partnership__name", "-period__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period"], name="plan_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Development plan {self.partnership} {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def status_phrase(self) -> str:
        return STATUS_PHRASES.get(PlanStatus(self.status), self.status)

    @property
    def waits_for_approval(self) -> bool:
        """Submitted, or changed since its approval: in the LLSC's queue."""
        return self.status in (PlanStatus.SUBMITTED, PlanStatus.CHANGED)


class PlanTransition(models.Model):
    """One step of a plan's approval workflow: who moved it, when, from which
    status to which, and why (the LLSC's comment or reasons for changes)."""

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=10, choices=PlanStatus.choices)
    to_status = models.CharField(max_length=10, choices=PlanStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan}: {self.from_status} to {self.to_status}"

    @property
    def step(self) -> str:
        """The step in words, for the plan's approval history."""
        if self.to_status == PlanStatus.SUBMITTED and (
            self.from_status == PlanStatus.RETURNED
        ):
            return "Submitted again for approval"
        return STEPS.get(PlanStatus(self.to_status), self.get_to_status_display())


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
    indicators = models.ManyToManyField(
        Indicator,
        blank=True,
        related_name="+",
        db_table="assessment_priority_indicators",
    )
    plausibility = models.CharField(
        max_length=10, choices=Plausibility.choices, blank=True
    )
    plausibility_rationale = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = KeptTableHistory(
        m2m_fields=[indicators], table_name="assessment_historicalpriority"
    )

    class Meta:
        db_table = "assessment_priority"
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
    history = KeptTableHistory(table_name="assessment_historicalplanaction")

    class Meta:
        db_table = "assessment_planaction"
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
    history = KeptTableHistory(table_name="assessment_historicaltarget")

    class Meta:
        db_table = "assessment_target"
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
        db_table = "assessment_monitoringpoint"
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
        db_table = "assessment_targetvalue"
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
        db_table = "assessment_progressupdate"
        ordering = ["point__due_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.plan} {self.point}"

    @property
    def soft_outcome_labels(self) -> list[str]:
        labels = dict(SoftOutcome.choices)
        return [str(labels.get(value, value)) for value in self.soft_outcomes]
