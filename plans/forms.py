"""Forms for the development plan, laid out with the GOV.UK Design System."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from assessment.models import Answer
from govuk.forms import GovukDateField, GovukModelForm, form_layout
from indicators.models import Dimension, Indicator

from .models import (
    ActionStatus,
    DevelopmentPlan,
    ImprovementArea,
    MonitoringPoint,
    PlanAction,
    Plausibility,
    Priority,
    SoftOutcome,
    Target,
)


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # The whole statement: a label cut short hides what is being chosen.
        return f"{obj.code} {obj.statement}"

    def clean(self, value: Any) -> Any:
        # Django looks the chosen ids up with IN (...), and SQLite raises
        # OverflowError for a number beyond 64 bits: refuse it as no such id.
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                beyond = not -(2**63) <= int(pk) < 2**63
            except (TypeError, ValueError):
                continue  # not a number: Django's own check names it
            if beyond:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class PriorityForm(GovukModelForm):
    class Meta:
        model = Priority
        fields = [
            "title",
            "description",
            "dimension",
            "indicators",
            "plausibility",
            "plausibility_rationale",
        ]
        field_classes = {"indicators": IndicatorChoiceField}
        widgets = {
            "indicators": forms.CheckboxSelectMultiple,
            "plausibility": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "plausibility_rationale": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "plausibility": "Plausibility that the actions deliver the outcome",
            "plausibility_rationale": "Why",
        }
        error_messages = {
            "title": {"required": "Enter the priority"},
            "dimension": {"required": "Select the dimension the priority belongs to"},
        }

    def __init__(self, *args: Any, plan: DevelopmentPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        framework_id = plan.source_return.framework_id if plan.source_return else 0
        dimension = cast(forms.ModelChoiceField, self.fields["dimension"])
        dimension.queryset = Dimension.objects.filter(framework_id=framework_id)
        dimension.empty_label = "Select a dimension"
        indicators = cast(IndicatorChoiceField, self.fields["indicators"])
        # The framework's national indicators and the local statements the
        # source return answered (never other areas' ones).
        indicators.queryset = Indicator.objects.filter(
            Q(supplement__isnull=True)
            | Q(
                pk__in=Answer.objects.filter(
                    return_record_id=plan.source_return_id
                ).values("indicator_id")
            ),
            dimension__framework_id=framework_id,
        ).order_by("dimension__order", "order")
        cast(
            forms.ChoiceField, self.fields["plausibility"]
        ).choices = Plausibility.choices
        self.helper = form_layout(
            Field.text("title"),
            Field.textarea("description", rows=4),
            Field.select("dimension"),
            Field.checkboxes("indicators", small=True),
            Field.radios("plausibility"),
            Field.textarea("plausibility_rationale", rows=3),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        dimension = cleaned.get("dimension")
        for indicator in cleaned.get("indicators") or []:
            if dimension is not None and indicator.dimension_id != dimension.pk:
                self.add_error(
                    "indicators",
                    f"{indicator.code} is not an indicator of {dimension.code}",
                )
        return cleaned


class ActionForm(GovukModelForm):
    starts_on = GovukDateField(label="Start date", help_text="For example, 1 9 2003")
    due_on = GovukDateField(label="Due date", help_text="For example, 31 3 2004")

    class Meta:
        model = PlanAction
        fields = [
            "description",
            "lead_member",
            "lead_person",
            "improvement_area",
            "starts_on",
            "due_on",
            "resources",
            "funding_source",
            "success_measure",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "improvement_area": forms.RadioSelect,
            "status": forms.RadioSelect,
        }
        error_messages = {
            "description": {"required": "Describe the action"},
            "improvement_area": {"required": "Select the PMF improvement area"},
            "success_measure": {"required": "Enter how success will be measured"},
        }

    def __init__(self, *args: Any, plan: DevelopmentPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead = cast(forms.ModelChoiceField, self.fields["lead_member"])
        lead.queryset = plan.partnership.members.order_by("name")
        lead.empty_label = "No member organisation"
        cast(
            forms.ChoiceField, self.fields["improvement_area"]
        ).choices = ImprovementArea.choices
        self.helper = form_layout(
            Field.textarea("description", rows=3),
            Fieldset(
                Field.select("lead_member"),
                Field.text("lead_person", field_width=20),
                legend="Lead (a member organisation, a person, or both)",
                legend_size=Size.SMALL,
            ),
            Field.radios("improvement_area"),
            Field("starts_on"),
            Field("due_on"),
            Field.text("resources"),
            Field.text("funding_source"),
            Field.text("success_measure"),
            Field.radios("status", small=True),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, due = cleaned.get("starts_on"), cleaned.get("due_on")
        if starts and due and due < starts:
            self.add_error(
                "due_on", "The due date must be the same as or after the start date"
            )
        if (
            not cleaned.get("lead_member")
            and not cleaned.get("lead_person", "").strip()
        ):
            self.add_error(
                "lead_person", "Name the lead: a member organisation or a person"
            )
        return cleaned


class TargetForm(GovukModelForm):
    class Meta:
        model = Target
        fields = ["measure", "unit", "baseline", "floor", "aspirational"]
        # GOV.UK asks for text inputs for numbers: browsers mangle type=number.
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "decimal"})
            for name in ("baseline", "floor", "aspirational")
        }
        error_messages = {
            name: {
                "required": f"Enter the {label}",
                "invalid": f"The {label} must be a number, like 120 or 12.5",
            }
            for name, label in (
                ("baseline", "baseline"),
                ("floor", "floor target"),
                ("aspirational", "aspirational target"),
            )
        } | {
            "measure": {"required": "Enter what is measured"},
            "unit": {"required": "Enter the unit, for example learners or %"},
        }

    def __init__(
        self,
        *args: Any,
        plan: DevelopmentPlan,
        points: list[MonitoringPoint],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.points = points
        existing = (
            {v.point_id: v.actual for v in self.instance.values.all()}
            if self.instance.pk
            else {}
        )
        actual_fields = []
        for point in points:
            name = f"actual-{point.pk}"
            self.fields[name] = forms.DecimalField(
                label=f"Actual at {point.label} ({point.due_on:%-d %B %Y})",
                required=False,
                max_digits=12,
                decimal_places=2,
                initial=existing.get(point.pk),
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                error_messages={
                    "invalid": f"The actual value at {point.label} must be a number"
                },
            )
            actual_fields.append(Field.text(name, field_width=10))
        self.helper = form_layout(
            Field.text("measure"),
            Field.text("unit", field_width=10),
            Field.text("baseline", field_width=10),
            Field.text("floor", field_width=10),
            Field.text("aspirational", field_width=10),
            Fieldset(*actual_fields, legend="Actual values", legend_size=Size.SMALL),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        baseline, floor, aspiration = (
            cleaned.get(name) for name in ("baseline", "floor", "aspirational")
        )
        if baseline is not None and floor is not None and aspiration is not None:
            rising = aspiration >= baseline
            if (rising and floor > aspiration) or (not rising and floor < aspiration):
                self.add_error(
                    "floor",
                    "The floor target must not go beyond the aspirational target",
                )
        return cleaned

    def actuals(self) -> dict[int, Any]:
        return {p.pk: self.cleaned_data.get(f"actual-{p.pk}") for p in self.points}

    def model_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or []}


class UpdateForm(forms.Form):
    point = forms.ModelChoiceField(
        label="Monitoring point",
        queryset=MonitoringPoint.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the monitoring point"},
    )
    status = forms.ChoiceField(
        label="Overall status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the overall status"},
    )
    narrative = forms.CharField(
        label="Progress",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe the progress made"},
    )
    soft_outcomes = forms.MultipleChoiceField(
        label="Soft outcomes seen",
        choices=SoftOutcome.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, plan: DevelopmentPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        point = cast(forms.ModelChoiceField, self.fields["point"])
        point.queryset = plan.monitoring_points.all()
        self.helper = form_layout(
            Field.radios("point"),
            Field.radios("status", small=True),
            Field.textarea("narrative", rows=5, max_characters=5000),
            Field.checkboxes("soft_outcomes", small=True),
        )


APPROVE = "approve"
RETURN = "return"
COMMENT = "comment"


class ApprovalForm(forms.Form):
    """The LLSC officer's decision on a plan waiting for approval, or a
    comment alone on a plan that is not (``decidable`` False)."""

    comment = forms.CharField(
        label="Comments",
        help_text=(
            "Shown to the partnership's managers. When you return the plan, say "
            "what to change."
        ),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            (APPROVE, "Approve the plan"),
            (RETURN, "Return the plan for changes"),
            (COMMENT, "Comment only"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether to approve the plan, return it for changes "
            "or only comment"
        },
    )
    # The status the page was opened at, so that a decision posted after a
    # colleague's is explained rather than refused.
    seen_status = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, decidable: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decidable = decidable
        if not decidable:
            decision = cast(forms.ChoiceField, self.fields["decision"])
            decision.choices = [(COMMENT, "Comment only")]
            self.fields["decision"].initial = COMMENT
            self.fields["decision"].label = "The plan is not waiting for approval"
        self.helper = form_layout(
            Field.textarea("comment", rows=5),
            Field.radios("decision"),
            "seen_status",
            submit="Confirm",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decision = cleaned.get("decision")
        comment = cleaned.get("comment", "").strip()
        if decision == COMMENT and not comment:
            self.add_error("comment", "Enter a comment, or approve the plan")
        if decision == RETURN and not comment:
            self.add_error("comment", "Enter the changes the plan needs")
        return cleaned
