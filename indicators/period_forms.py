"""The question pages of opening a period, one thing a page, and the page that
changes a period's dates. Each answer is checked by ``period_checks``, the
rules the services ask again."""

from __future__ import annotations

import datetime
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from govuk.forms import GovukDateField, form_layout

from . import period_checks
from .models import Framework, FrameworkUse, Period


def _date(label: str, required: str, hint: str) -> GovukDateField:
    # Each box missing is named ("Enter the year"), not the whole date.
    field = GovukDateField(label=label, help_text=hint, require_all_fields=False)
    field.error_messages["required"] = required
    for box, part in zip(field.fields, ("a day", "a month", "a year"), strict=True):
        box.error_messages["incomplete"] = f"{label} must include {part}"
    return field


def _with_code(question: str, code: str) -> str:
    """A question naming the period, whose code never breaks at its hyphen."""
    return format_html(
        question, format_html('<span class="app-nowrap">{}</span>', code)
    )


def _heading(name: str) -> Field:
    """A field whose label or legend is the page's heading (one question a page)."""
    return Field(
        name,
        context={
            "label_size": Size.for_label("l"),
            "label_tag": "h1",
            "legend_size": Size.for_legend("l"),
            "legend_tag": "h1",
        },
    )


def _layout(*fields: Field) -> Any:
    """The page's fields and its Continue button; the template draws the
    form element itself, with the page's address as its action."""
    helper = form_layout(*fields, submit="Continue")
    helper.form_tag = False
    return helper


def _medium(name: str) -> Field:
    return Field(name, context={"legend_size": Size.for_legend("m")})


class PeriodCodeForm(forms.Form):
    code = forms.CharField(
        label="What is the new period?",
        max_length=20,
        error_messages={
            "required": "Enter the period, like 2027-28",
            "max_length": "Enter the period as the two years it spans, like 2027-28",
        },
    )

    def __init__(self, *args: Any, suggested: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            "The two years it spans, like 2027-28. Periods run from April to March: "
            f"the next one is {suggested}."
        )
        self.fields["code"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-5", "spellcheck": "false"}
        )
        self.helper = _layout(_heading("code"))

    def clean_code(self) -> str:
        return period_checks.check_code(self.cleaned_data["code"])


class _DatesForm(forms.Form):
    """Start and end dates, checked against the period's code."""

    starts_on = _date(
        "Start date", "Enter the date the period starts", "For example, 1 4 2027"
    )
    ends_on = _date(
        "End date", "Enter the date the period ends", "For example, 31 3 2028"
    )

    def __init__(
        self, *args: Any, code: str, period: Period | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.code = code
        self.period = period
        year = period_checks.first_year(code)
        self.fields["starts_on"].help_text = f"For example, 1 4 {year}"
        self.fields["ends_on"].help_text = f"For example, 31 3 {year + 1}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on:
            problems = period_checks.check_dates(
                code=self.code, starts_on=starts_on, ends_on=ends_on, period=self.period
            )
            for name, message in problems.items():
                self.add_error(name, message)
        return data


class PeriodDatesForm(_DatesForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _layout(_medium("starts_on"), _medium("ends_on"))


def _deadline_hint(starts_on: datetime.date, ends_on: datetime.date) -> str:
    latest = period_checks.deadline_latest(ends_on)
    example = period_checks.months_after(ends_on, 2)
    return (
        f"Any day from {period_checks.long_date(starts_on)}, when the period "
        f"starts, to {period_checks.long_date(latest)}, "
        f"{period_checks.DEADLINE_MONTHS_AFTER_END} months after it ends. "
        "Managers are reminded as it nears; returns not submitted by then show "
        f"as overdue. For example, {example.day} {example.month} {example.year}"
    )


class PeriodDeadlineForm(forms.Form):
    submission_deadline = _date(
        "Submission deadline", "Enter the submission deadline", ""
    )

    def __init__(
        self,
        *args: Any,
        code: str,
        starts_on: datetime.date,
        ends_on: datetime.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.starts_on, self.ends_on = starts_on, ends_on
        field = self.fields["submission_deadline"]
        field.label = _with_code("When must returns for {} be submitted?", code)
        field.help_text = _deadline_hint(starts_on, ends_on)
        self.helper = _layout(_heading("submission_deadline"))

    def clean_submission_deadline(self) -> datetime.date:
        deadline: datetime.date = self.cleaned_data["submission_deadline"]
        period_checks.check_deadline(
            starts_on=self.starts_on, ends_on=self.ends_on, deadline=deadline
        )
        return deadline


class PeriodFrameworkForm(forms.Form):
    framework_use = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select which framework the period uses",
            "invalid_choice": "Select which framework the period uses",
        },
    )

    def __init__(
        self, *args: Any, code: str, base: Framework, copy_version: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["framework_use"]
        field.label = _with_code(
            "Which framework will returns for {} be scored against?", code
        )
        # Hints are drawn as markup: the framework's name is escaped here.
        field.help_text = format_html(
            "{}, version {}, is the one in use now.", base.name, base.version
        )
        field.choices = [
            Choice(
                FrameworkUse.SAME.value,
                f"Keep version {base.version}",
                hint="Returns for the period can start as soon as it is open.",
            ),
            Choice(
                FrameworkUse.PUBLISH.value,
                f"Copy it to version {copy_version} and publish the copy",
                hint=(
                    "The period gets a version of its own, the same as version "
                    f"{base.version} for now. Returns can start as soon as the "
                    "period is open; a published version never changes."
                ),
            ),
            Choice(
                FrameworkUse.DRAFT.value,
                f"Copy it to version {copy_version} as a draft, to change and "
                "publish later",
                hint=(
                    "Change the draft by exporting it and importing the edited "
                    "file from Frameworks, then publish it there. No return for "
                    "the period can start until it is published."
                ),
            ),
        ]
        field.initial = FrameworkUse.SAME.value
        self.helper = _layout(_heading("framework_use"))

    def clean_framework_use(self) -> FrameworkUse:
        return FrameworkUse(self.cleaned_data["framework_use"])


class PeriodChangeForm(_DatesForm):
    """A period's start, end and submission deadline, changed together."""

    submission_deadline = _date(
        "Submission deadline", "Enter the submission deadline", ""
    )

    def __init__(self, *args: Any, period: Period, **kwargs: Any) -> None:
        super().__init__(*args, code=period.code, period=period, **kwargs)
        self.fields["submission_deadline"].help_text = (
            "From the start of the period to "
            f"{period_checks.DEADLINE_MONTHS_AFTER_END} months after its end, "
            "and not before a return for it was last submitted. "
            f"For example, 31 5 {period_checks.first_year(period.code) + 1}"
        )
        self.helper = _layout(
            _medium("starts_on"), _medium("ends_on"), _medium("submission_deadline")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        deadline = data.get("submission_deadline")
        if starts_on and ends_on and deadline and not self.errors:
            try:
                period_checks.check_deadline(
                    starts_on=starts_on,
                    ends_on=ends_on,
                    deadline=deadline,
                    period=self.period,
                )
            except ValidationError as error:
                self.add_error("submission_deadline", error)
        return data
