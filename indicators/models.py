"""Reporting periods and the versioned indicator frameworks returns are scored
against: dimensions, indicators and the score scale."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from partnerships.models import LocalLSC, Region

PERIOD_CODE = re.compile(r"^(\d{4})-(\d{2})$")


def period_dates(code: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a financial year written like 2003-04."""
    match = PERIOD_CODE.match(code)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{code!r} is not a period like 2003-04")
    start = int(match.group(1))
    return datetime.date(start, 4, 1), datetime.date(start + 1, 3, 31)


class Period(models.Model):
    """A financial year, April to March, for which partnerships make a return."""

    code = models.CharField(max_length=7, unique=True, help_text="For example, 2003-04")
    starts_on = models.DateField()
    ends_on = models.DateField()
    submission_deadline = models.DateField(null=True, blank=True)
    # Who opened the period and who moved its dates or deadline, and when.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        try:
            period_dates(self.code)
        except ValueError as error:
            raise ValidationError({"code": str(error)}) from error


class FrameworkUse(models.TextChoices):
    """Which framework a newly opened period is scored against."""

    SAME = "same", "Keep last year's framework"
    PUBLISH = "publish", "A new version copied from it, published now"
    DRAFT = "draft", "A new version copied from it, kept as a draft to edit"


class PMFQuality(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    INCLUSIVE = "inclusive", "Inclusive"
    ACTION_FOCUSSED = "action_focussed", "Action focussed"
    PERFORMANCE_MANAGED = "performance_managed", "Performance managed"
    EFFICIENT = "efficient", "Efficient"
    LEARNING = "learning", "A partnership which learns"


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class FrameworkRole(models.TextChoices):
    """The partnership role a framework assesses (001 section 4.4, 002
    paragraph 3): regeneration, and collaboration between providers with the
    LLSC. A period runs at most one published framework per role."""

    REGENERATION = "regeneration", "Regeneration"
    COLLABORATION = "collaboration", "Collaboration"


# Each role's dimension codes start with its own letter, so the dimensions of
# the frameworks a period runs never share a code.
ROLE_CODE_LETTER: dict[str, str] = {
    FrameworkRole.REGENERATION: "D",
    FrameworkRole.COLLABORATION: "C",
}


class Framework(models.Model):
    """A version of an indicator framework. Published versions never change:
    a change makes a new version."""

    Status = FrameworkStatus
    Role = FrameworkRole

    name = models.CharField(max_length=160)
    version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    role = models.CharField(
        max_length=20,
        choices=FrameworkRole.choices,
        default=FrameworkRole.REGENERATION,
    )
    description = models.TextField(blank=True)
    periods = models.ManyToManyField(Period, related_name="frameworks", blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="framework_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[c.value for c in FrameworkStatus]),
                name="framework_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[c.value for c in FrameworkRole]),
                name="framework_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("indicators:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == FrameworkStatus.PUBLISHED


class ScoreLevel(models.Model):
    """One level of a framework's score scale, with what it means."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="score_levels"
    )
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=60)
    descriptor = models.TextField()

    class Meta:
        ordering = ["value"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "value"], name="score_level_unique"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=1), name="score_level_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"

    @property
    def named(self) -> str:
        """The score with its name, as every scoring radio and score shows it."""
        return f"{self.value} – {self.label}"


class Dimension(models.Model):
    """One of the four regeneration dimensions, in one framework version."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.CharField(max_length=10)
    title = models.CharField(max_length=160)
    description = models.TextField()
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="dimension_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Supplement(models.Model):
    """Local statements: indicators a Government Office (for its region) or a
    local LSC (for its area) adds to a published framework for one period, on
    top of the national minimum. Versioned like frameworks: a published
    supplement never changes, a change makes a new version. Its indicators
    hang on the base framework's dimensions."""

    Status = FrameworkStatus

    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="supplements"
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="supplements"
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplements",
    )
    local_lsc = models.ForeignKey(
        LocalLSC,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplements",
        verbose_name="local LSC",
    )
    name = models.CharField(max_length=160)
    version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["period", "framework", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False, local_lsc__isnull=True)
                | Q(region__isnull=True, local_lsc__isnull=False),
                name="supplement_one_scope",
            ),
            models.UniqueConstraint(
                fields=["framework", "period", "region", "version"],
                condition=Q(region__isnull=False),
                name="supplement_region_unique_version",
            ),
            models.UniqueConstraint(
                fields=["framework", "period", "local_lsc", "version"],
                condition=Q(local_lsc__isnull=False),
                name="supplement_llsc_unique_version",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[c.value for c in FrameworkStatus]),
                name="supplement_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("indicators:supplement_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == FrameworkStatus.PUBLISHED

    @property
    def area(self) -> Region | LocalLSC | None:
        """The region or local LSC whose partnerships score it."""
        return self.region or self.local_lsc

    @property
    def label(self) -> str:
        """How every page names its statements: "Local statement: <area>"."""
        return f"Local statement: {self.area}"


class Indicator(models.Model):
    """A statement a partnership scores itself against: a national one of the
    framework, or a local one of a supplement (``supplement`` set)."""

    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="indicators"
    )
    supplement = models.ForeignKey(
        Supplement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    code = models.CharField(max_length=12)
    statement = models.TextField()
    guidance = models.TextField(blank=True)
    evidence_examples = models.TextField(blank=True)
    pmf_quality = models.CharField(
        "PMF partnership quality", max_length=20, choices=PMFQuality.choices, blank=True
    )
    order = models.PositiveSmallIntegerField()
    # The framework's word that a partnership may answer "not applicable",
    # giving a reason its LLSC officer can reject.
    may_be_not_applicable = models.BooleanField(default=False)
    # The structure models (partnerships.models.StructureModel values) the
    # indicator applies to; empty for all. A partnership of another model
    # never sees it.
    applies_to = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["dimension__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "code"],
                condition=Q(supplement__isnull=True),
                name="indicator_unique_code",
            ),
            models.UniqueConstraint(
                fields=["dimension", "supplement", "code"],
                condition=Q(supplement__isnull=False),
                name="indicator_local_unique_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.statement[:60]}"

    @property
    def is_local(self) -> bool:
        return self.supplement_id is not None

    @property
    def offers_not_applicable(self) -> bool:
        """Whether "not applicable" may be answered: the framework says so, or
        the indicator applies only to some structure models."""
        return self.may_be_not_applicable or bool(self.applies_to)

    def applies_to_model(self, structure_model: str) -> bool:
        """Whether the indicator applies to a partnership of that model."""
        return not self.applies_to or structure_model in self.applies_to


class CategoryKind(models.TextChoices):
    """What a list of categories sorts: the barriers an answer names, the
    impact it shows, the added value it claims."""

    BARRIERS = "barriers", "Barriers"
    IMPACT = "impact", "Impact"
    ADDED_VALUE = "added_value", "Added value"


class CategoryList(models.Model):
    """A framework's list of categories of one kind, ticked beside the free
    text of an answer so the regional and national views can count them."""

    Kind = CategoryKind

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="category_lists"
    )
    kind = models.CharField(max_length=20, choices=CategoryKind.choices)
    title = models.CharField(max_length=160)

    class Meta:
        ordering = ["framework", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "kind"], name="category_list_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[c.value for c in CategoryKind]),
                name="category_list_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.framework})"


class Category(models.Model):
    """One category of a list: its code is what counts match on from one
    framework version to the next."""

    category_list = models.ForeignKey(
        CategoryList, on_delete=models.CASCADE, related_name="categories"
    )
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=160)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["category_list", "order"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["category_list", "code"], name="category_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name
