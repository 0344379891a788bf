from __future__ import annotations

from typing import Any, cast

from django import forms

from govuk.forms import default_layout

from . import framework_sheets
from .framework_files import MAX_TEXT, FrameworkFileError
from .models import Dimension, Framework, PMFQuality

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
