"""What every app's forms share to follow the GOV.UK Design System: date boxes,
one-line text boxes, one error per field, layouts, and forms rendered by hand."""

from __future__ import annotations

import datetime
import re
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError


class GovukDateField(DateInputField):
    """Day, month and year boxes, with plain-English errors for impossible dates."""

    def compress(self, data_list: Any) -> datetime.date | None:
        day, month, year = data_list
        if not (day or month or year):
            return None
        if not (day and month and year):
            raise ValidationError(
                "Enter a full date, with the day, the month and the year",
                code="incomplete",
            )
        try:
            return datetime.date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError) as error:
            raise ValidationError("Enter a real date", code="invalid") from error


_LINE_BREAKS_AND_TABS = re.compile(r"[\t\n\v\f\r]+")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# Characters that change how the text around them is shown without being seen
# themselves: the bidirectional embeddings, overrides and isolates (an RLO in a
# partnership's name would reverse the words after it on every page, email and
# export showing it), the direction marks, zero-width spaces, the word joiner
# and invisible operators, the byte-order mark and the soft hyphen. The
# zero-width joiner and non-joiner stay: some scripts and emoji need them.
_INVISIBLE_FORMATTING = re.compile(
    "[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff]"
)


def without_invisible_formatting(value: str) -> str:
    """The text without bidirectional controls and other invisible formatting."""
    return _INVISIBLE_FORMATTING.sub("", value)


def one_line(value: str) -> str:
    """A name, title or other one-line answer on one line: a tab or line break
    (pasted from a spreadsheet, or a crafted post) becomes a space, and
    invisible formatting characters go. Left in, the first would break the
    lines of emails, exports and PDFs, the second reorder what others see."""
    value = without_invisible_formatting(value)
    return " ".join(part.strip() for part in _LINE_BREAKS_AND_TABS.split(value))


class NoControlCharacters:
    """What is left after ``one_line``: characters nobody can type, refused."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self, value: str) -> None:
        if _CONTROL_CHARACTERS.search(value):
            raise ValidationError(
                f"{self.label} must not include hidden control characters",
                code="control_characters",
            )


class GovukModelForm(forms.ModelForm):
    """A model form whose fields, once they fail their own validation, are not
    also judged by the model's rules: one true error per field, not two. Its
    one-line text boxes keep one line (``one_line``, ``NoControlCharacters``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and isinstance(
                field.widget, forms.TextInput
            ):
                field.to_python = _on_one_line(field.to_python)  # type: ignore[method-assign]
                label = str(field.label or "This answer")
                field.validators.append(NoControlCharacters(label))

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            errors = ValidationError(
                {
                    name: field_errors
                    for name, field_errors in errors.error_dict.items()
                    if name not in self.errors
                }
            )
        super()._update_errors(errors)  # type: ignore[misc]


def _on_one_line(to_python: Any) -> Any:
    def wrapped(value: Any) -> Any:
        value = to_python(value)
        return one_line(value) if isinstance(value, str) else value

    return wrapped


def form_layout(*fields: Any, submit: str = "Save") -> FormHelper:
    """A GOV.UK form layout: small labels and legends, then one submit button."""
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


def default_layout(submit: str) -> FormHelper:
    """Every field in crispy-forms-gds's own layout, then one submit button."""
    helper = FormHelper()
    helper.add_input(Submit("submit", submit))
    return helper


class HandRenderedForm(forms.Form):
    """A form whose template renders its fields by hand (a list page's
    filters). Its helper feeds only the error summary; after validation each
    field in error takes the GOV.UK error class of its widget's class
    (``govuk-select--error``) and points at its message, which the template
    gives the id ``<field id>-error``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            css = widget.attrs.get("class")
            if css:
                widget.attrs["class"] = f"{css} {css}--error"
            widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"
