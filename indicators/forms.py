from __future__ import annotations

from django import forms

from govuk.forms import default_layout

MAX_FRAMEWORK_FILE = 1024 * 1024


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label="Framework file (YAML)",
        help_text="A file exported from this service, or written to the same layout.",
        error_messages={"required": "Select a framework file"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = default_layout("Import framework")

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FRAMEWORK_FILE:
            raise forms.ValidationError("The framework file must be smaller than 1 MB")
        try:
            return str(upload.read().decode("utf-8"))
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                "The framework file must be UTF-8 text"
            ) from error
