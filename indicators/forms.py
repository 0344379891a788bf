from __future__ import annotations

from django import forms

from govuk.forms import default_layout

from . import framework_sheets
from .framework_files import FrameworkFileError

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
