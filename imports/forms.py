from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from govuk.forms import form_layout, one_line

from .models import Kind
from .reading import too_large


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the rows of the file are",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what the rows of the file are",
            "invalid_choice": "Select what the rows of the file are",
        },
    )
    file = forms.FileField(
        label="The file",
        help_text="CSV (UTF-8), Excel (XLSX) or OpenDocument (ODS), with a header "
        "row. Only the first sheet of a workbook is read.",
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "Select a file",
            "missing": "Select a file",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_layout(
            Field.radios("kind", legend_size=Size.SMALL),
            Field("file"),
            submit="Upload and preview",
        )

    def clean_file(self) -> bytes:
        """The file's bytes: refused unread when it is too large."""
        upload: UploadedFile = self.cleaned_data["file"]
        limit = int(settings.IMPORT_MAX_BYTES)
        if upload.size is None or upload.size > limit:
            raise forms.ValidationError(too_large())
        # Shown on pages and kept in the log: one line, no control characters
        # (PostgreSQL refuses NUL in text).
        name = "".join(c for c in one_line(str(upload.name or "")) if c.isprintable())
        self.file_name = name.strip()[:255] or "upload"
        return upload.read(limit + 1)


class ConfirmForm(forms.Form):
    """What the preview showed, as a fingerprint: the import is refused if it
    would now do anything else."""

    fingerprint = forms.CharField(
        max_length=64, min_length=64, widget=forms.HiddenInput
    )
