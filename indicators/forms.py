from __future__ import annotations

from typing import Any, cast

from django import forms

from govuk.forms import default_layout
from partnerships.models import LocalLSC, Region

from . import framework_sheets
from .framework_files import MAX_TEXT, FrameworkFileError
from .models import Dimension, Framework, FrameworkStatus, Period, PMFQuality

MAX_FRAMEWORK_FILE = 1024 * 1024


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label="Framework file (YAML, XLSX or ODS)",
        help_text="A file exported from this service, or written to the same layout.",
        error_messages={"required": "Select a framework file"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = default_layout("Import framework")

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FRAMEWORK_FILE:
            raise forms.ValidationError("The framework file must be smaller than 1 MB")
        content = bytes(upload.read())
        try:
            # What is not a framework file at all is refused here; what is
            # wrong inside one is listed by the import.
            framework_sheets.file_format(content)
        except FrameworkFileError as error:
            raise forms.ValidationError(
                error.problems[0].removeprefix("file: ")
            ) from error
        return content


class SupplementImportForm(FrameworkImportForm):
    """A supplement file (local statements), checked as a framework file is."""

    file = forms.FileField(
        label="Local statements file (YAML, XLSX or ODS)",
        help_text="A file exported from this service, or written to the same layout.",
        error_messages={"required": "Select a file of local statements"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = default_layout("Import local statements")


class LocalStatementForm(forms.Form):
    """One statement added to a draft supplement, under a dimension of its
    base framework."""

    dimension = forms.ModelChoiceField(
        queryset=Dimension.objects.none(),
        empty_label="Select a dimension",
        error_messages={
            "required": "Select the dimension the statement belongs to",
            "invalid_choice": "Select the dimension the statement belongs to",
        },
    )
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_TEXT,
        error_messages={
            "required": "Enter the statement",
            "max_length": f"The statement must be {MAX_TEXT} characters or fewer",
        },
    )
    guidance = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
        error_messages={
            "max_length": f"The guidance must be {MAX_TEXT} characters or fewer"
        },
    )
    evidence_examples = forms.CharField(
        label="Examples of evidence",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
        error_messages={
            "max_length": f"The examples must be {MAX_TEXT} characters or fewer"
        },
    )
    pmf_quality = forms.ChoiceField(
        label="PMF partnership quality (optional)",
        choices=[("", "None"), *PMFQuality.choices],
        required=False,
        error_messages={"invalid_choice": "Select a PMF quality from the list"},
    )

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dimension = cast(forms.ModelChoiceField, self.fields["dimension"])
        dimension.queryset = framework.dimensions.order_by("order")
        self.helper = default_layout("Add the statement")


class SupplementCreateForm(forms.Form):
    """A new, empty draft of local statements, to add statements to one at a
    time. Officers write for their own area; administrators choose one."""

    name = forms.CharField(
        max_length=160,
        help_text="For example, Yorkshire and the Humber regional statements",
        error_messages={
            "required": "Enter a name for the statements",
            "max_length": "The name must be 160 characters or fewer",
        },
    )
    period = forms.ModelChoiceField(
        queryset=Period.objects.none(),
        empty_label="Select a period",
        error_messages={
            "required": "Select the period the statements are for",
            "invalid_choice": "Select the period the statements are for",
        },
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.all(),
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Select a region from the list"},
    )
    local_lsc = forms.ModelChoiceField(
        label="Local LSC",
        queryset=LocalLSC.objects.all(),
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Select a local LSC from the list"},
    )

    def __init__(self, *args: Any, choose_area: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        period = cast(forms.ModelChoiceField, self.fields["period"])
        period.queryset = Period.objects.filter(
            frameworks__status=FrameworkStatus.PUBLISHED
        ).distinct()
        if not choose_area:
            del self.fields["region"]
            del self.fields["local_lsc"]
        self.helper = default_layout("Start the statements")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "region" in self.fields and (
            bool(data.get("region")) == bool(data.get("local_lsc"))
        ):
            self.add_error("region", "Choose either a region or a local LSC")
        return data
