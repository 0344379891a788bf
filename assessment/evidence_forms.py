"""The form of a library file's facts: its title, date and review-by date."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field

from govuk.forms import GovukDateField, GovukModelForm, form_layout

from .models import EvidenceFile


class EvidenceFileForm(GovukModelForm):
    document_date = GovukDateField(
        label="Date of the document",
        required=False,
        help_text="For example, 14 10 2003",
    )
    review_by = GovukDateField(
        label="Review by",
        required=False,
        help_text=(
            "When to check the file still says what is true. For example, 31 3 2005"
        ),
    )

    class Meta:
        model = EvidenceFile
        fields = ["title", "document_date", "review_by"]
        error_messages = {
            "title": {
                "required": "Enter a title for the file",
                "max_length": "The title must be 255 characters or fewer",
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_layout(
            Field.text("title"),
            Field("document_date"),
            Field("review_by"),
            submit="Save changes",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        dated, review_by = cleaned.get("document_date"), cleaned.get("review_by")
        if dated and review_by and review_by < dated:
            self.add_error(
                "review_by", "The review-by date must be on or after the document date"
            )
        return cleaned
