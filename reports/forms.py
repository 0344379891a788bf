"""The dashboard's filters. A bad value is reported beside its filter and the
others still apply."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from django import forms

from assessment.models import ReturnStatus
from indicators.models import Period
from partnerships.models import LocalLSC, Region, StructureModel
from partnerships.selectors import partnerships_for_user
from partnerships.users import AnyUser

from .selectors import NOT_STARTED, OVERDUE, DashboardFilters

# The status filter's values, which other pages link to (?status=...).
STATUS_CHOICES = [
    ("", "All statuses"),
    (NOT_STARTED, "Not started"),
    *ReturnStatus.choices,
    (OVERDUE, "Overdue (not submitted by the deadline)"),
]


class DashboardFilterForm(forms.Form):
    period = forms.ModelChoiceField(
        queryset=Period.objects.order_by("-starts_on"),
        to_field_name="code",
        required=False,
        empty_label="Latest period",
        error_messages={
            "invalid_choice": "There is no such period: showing the latest"
        },
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        required=False,
        empty_label="All regions you can see",
        error_messages={"invalid_choice": "There is no such region: showing all"},
    )
    llsc = forms.ModelChoiceField(
        label="Local LSC",
        queryset=LocalLSC.objects.all(),
        required=False,
        empty_label="All local LSCs",
        error_messages={"invalid_choice": "There is no such local LSC: showing all"},
    )
    structure_model = forms.ChoiceField(
        label="Structure model",
        choices=[("", "All structure models"), *StructureModel.choices],
        required=False,
        error_messages={
            "invalid_choice": "There is no such structure model: showing all"
        },
    )
    status = forms.ChoiceField(
        label="Return status",
        choices=STATUS_CHOICES,
        required=False,
        error_messages={"invalid_choice": "There is no such status: showing all"},
    )
    funded_lsp = forms.BooleanField(
        label="Only partnerships linked to an NRF-funded LSP", required=False
    )

    def __init__(self, *args: Any, user: AnyUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            # The local LSCs of the regions the user sees, not England's
            # (a GO officer's region has a few dozen of England's hundreds).
            seen = partnerships_for_user(user).values("region_id")
            self.fields["llsc"].queryset = LocalLSC.objects.filter(  # type: ignore[attr-defined]
                region_id__in=seen
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        for name, field in self.fields.items():
            if name != "funded_lsp":
                field.widget.attrs["class"] = "govuk-select"

    def filters(self) -> tuple[Period | None, DashboardFilters]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("period"), DashboardFilters(
            region=cleaned.get("region"),
            llsc=cleaned.get("llsc"),
            structure_model=cleaned.get("structure_model", ""),
            funded_lsp=bool(cleaned.get("funded_lsp")),
            status=cleaned.get("status", ""),
        )


class PackForm(forms.Form):
    period = forms.ModelChoiceField(
        queryset=Period.objects.filter(frameworks__isnull=False)
        .distinct()
        .order_by("-starts_on"),
        to_field_name="code",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the period"},
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        required=False,
        empty_label="England (the national pack)",
        label="Region",
    )

    def __init__(self, *args: Any, national: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not national:
            del self.fields["region"]


class AuditForm(forms.Form):
    """The audit trail's period, region and file format, sent with GET."""

    FORMATS = [
        ("csv", "CSV"),
        ("xlsx", "Excel workbook (.xlsx)"),
        ("ods", "ODS (OpenDocument spreadsheet)"),
    ]

    period = forms.ModelChoiceField(
        queryset=Period.objects.order_by("-starts_on"),
        to_field_name="code",
        empty_label=None,
        error_messages={
            "required": "Select the period",
            "invalid_choice": "There is no such period: select one from the list",
        },
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        required=False,
        empty_label="All of England",
        error_messages={
            "invalid_choice": "There is no such region: select one from the list"
        },
    )
    format = forms.ChoiceField(
        label="File format",
        choices=FORMATS,
        widget=forms.RadioSelect,
        initial="csv",
        error_messages={
            "required": "Select the file format",
            "invalid_choice": "Select CSV, Excel workbook or ODS",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("period", "region"):
            self.fields[name].widget.attrs["class"] = "govuk-select"
