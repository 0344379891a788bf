"""The forms of the manager's journey."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from indicators.models import Category, CategoryKind, CategoryList, Period, ScoreLevel

from .models import (
    BARRIERS_MAX,
    EVIDENCE_MAX,
    PLANNED_ACTION_MAX,
    Answer,
    EngagementRating,
    EvidenceFile,
    ReturnStatus,
)
from .services import ANSWER_FIELDS, NOT_APPLICABLE_REASON_MAX

NOT_APPLICABLE = "not_applicable"


class AnswerTextField(forms.CharField):
    """Text whose line breaks count as one character, as the character count
    shows them; browsers post them as two."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).replace("\r\n", "\n")


class ScoreField(forms.TypedChoiceField):
    """One indicator's score as radios on the framework's scale, each level
    named as wherever a score is read (``ScoreLevel.named``); cleaned to the
    level's number, or None when left blank."""

    def __init__(self, *, levels: list[ScoreLevel], **kwargs: Any) -> None:
        super().__init__(
            choices=[(level.value, level.named) for level in levels],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            **kwargs,
        )


def _score_or_not_applicable(value: str) -> int | str:
    return value if value == NOT_APPLICABLE else int(value)


class AnswerForm(forms.Form):
    """One answer: score, evidence, barriers, planned action, the version it
    was read at, and an optional evidence file. Where the indicator offers
    it (and the officer has not rejected it), "Not applicable" is one more
    choice beside the scores, with its reason. The fields are named after the
    answer (``score-<id>``), so a page posted for one answer never writes into
    another."""

    def __init__(
        self,
        *args: Any,
        answer: Answer,
        levels: list[ScoreLevel],
        library: QuerySet[EvidenceFile] | None = None,
        category_lists: list[CategoryList] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.answer = answer
        code = answer.indicator.code
        self.category_lists = category_lists or []
        score = ScoreField(
            levels=levels,
            label=f"Score for {code}",
            required=False,
            initial=NOT_APPLICABLE if answer.not_applicable else answer.score,
            error_messages={
                "invalid_choice": f"Select a score for {code} from the scale"  # noqa: S608  # nosec B608
            },
        )
        self.offers_not_applicable = (
            answer.indicator.offers_not_applicable
            and not answer.not_applicable_rejected
        )
        if self.offers_not_applicable:
            score.choices = [
                *[(level.value, level.named) for level in levels],
                (NOT_APPLICABLE, "Not applicable"),
            ]
            score.coerce = _score_or_not_applicable
            self.fields[f"not_applicable_reason-{answer.pk}"] = AnswerTextField(
                label=f"Why {code} is not applicable",
                required=False,
                max_length=NOT_APPLICABLE_REASON_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=answer.not_applicable_reason,
                error_messages={
                    "max_length": (
                        f"The reason {code} is not applicable must be "
                        f"{NOT_APPLICABLE_REASON_MAX:,} characters or fewer"
                    )
                },
            )
        self.fields[f"score-{answer.pk}"] = score
        for name, label, limit in (
            ("evidence", "Evidence", EVIDENCE_MAX),
            ("barriers", "Barriers", BARRIERS_MAX),
            ("planned_action", "Planned future action", PLANNED_ACTION_MAX),
        ):
            self.fields[f"{name}-{answer.pk}"] = AnswerTextField(
                label=f"{label} for {code}",
                required=False,
                max_length=limit,
                widget=forms.Textarea(attrs={"rows": 5 if name == "evidence" else 3}),
                initial=getattr(answer, name),
                error_messages={
                    "max_length": (
                        f"{label} for {code} must be {limit:,} characters or fewer"
                    )
                },
            )
        # What is ticked now, only for a form shown unposted: a posted form
        # shows what was posted.
        ticked = (
            {c.pk for c in answer.categories.all()}
            if self.category_lists and not self.is_bound
            else set()
        )
        for category_list in self.category_lists:
            self.fields[f"categories-{category_list.kind}-{answer.pk}"] = (
                forms.TypedMultipleChoiceField(
                    label=f"{category_list.title} for {code}",
                    required=False,
                    coerce=int,
                    choices=[(c.pk, c.name) for c in category_list.categories.all()],
                    widget=forms.CheckboxSelectMultiple,
                    initial=[
                        c.pk for c in category_list.categories.all() if c.pk in ticked
                    ],
                    error_messages={
                        "invalid_choice": (
                            f"Select {category_list.title.lower()} for {code} "  # noqa: S608  # nosec B608
                            "from the list"
                        )
                    },
                )
            )
        self.fields[f"version-{answer.pk}"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=answer.version
        )
        self.fields[f"attachment-{answer.pk}"] = forms.FileField(
            label=f"Attach evidence for {code}", required=False
        )
        if library is not None:
            # A file already in the partnership's library, linked, not copied.
            self.fields[f"library-{answer.pk}"] = forms.ModelChoiceField(
                queryset=library,
                required=False,
                label=f"Add a file from the library to {code}",
                empty_label="Select a file",
                error_messages={
                    "invalid_choice": (
                        "Select a file from the partnership's evidence library"
                    )
                },
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if f"version-{self.answer.pk}" in self.errors:
            raise ValidationError(
                "The page was out of date. Reload it and enter your answer again."
            )
        pk = self.answer.pk
        if (
            cleaned.get(f"score-{pk}") == NOT_APPLICABLE
            and f"not_applicable_reason-{pk}" in cleaned
            and not cleaned[f"not_applicable_reason-{pk}"].strip()
        ):
            self.add_error(
                f"not_applicable_reason-{pk}",
                f"Say why {self.answer.indicator.code} is not applicable",
            )
        return cleaned

    def values(self) -> dict[str, Any]:
        """The answer entered, ready for ``answer_save``: a score, or "not
        applicable" and its reason."""
        values = {
            name: self.cleaned_data[f"{name}-{self.answer.pk}"]
            for name in ANSWER_FIELDS
        }
        if not self.offers_not_applicable:
            return values
        not_applicable = values["score"] == NOT_APPLICABLE
        reason = self.cleaned_data.get(f"not_applicable_reason-{self.answer.pk}", "")
        return {
            **values,
            "score": None if not_applicable else values["score"],
            "not_applicable": not_applicable,
            "not_applicable_reason": reason.strip() if not_applicable else "",
        }

    def categories(self) -> list[Category] | None:
        """The categories ticked, across every list, ready for
        ``answer_save``; None when the framework has no lists."""
        if not self.category_lists:
            return None
        ticked: list[Category] = []
        for category_list in self.category_lists:
            chosen = set(
                self.cleaned_data[f"categories-{category_list.kind}-{self.answer.pk}"]
            )
            ticked.extend(c for c in category_list.categories.all() if c.pk in chosen)
        return ticked

    def version(self) -> int:
        version: int = self.cleaned_data[f"version-{self.answer.pk}"]
        return version

    def upload(self) -> Any:
        """The evidence file chosen, or None."""
        return self.cleaned_data.get(f"attachment-{self.answer.pk}")

    def attachment_field(self) -> str:
        return f"attachment-{self.answer.pk}"

    def library_file(self) -> EvidenceFile | None:
        """The library file chosen to link, or None."""
        chosen: EvidenceFile | None = self.cleaned_data.get(f"library-{self.answer.pk}")
        return chosen

    def named(self) -> dict[str, forms.BoundField]:
        """The bound fields by plain name (score, evidence, ...), for the template."""
        names = [*ANSWER_FIELDS, "version", "attachment"]
        if f"library-{self.answer.pk}" in self.fields:
            names.append("library")
        if self.offers_not_applicable:
            names.append("not_applicable_reason")
        return {name: self[f"{name}-{self.answer.pk}"] for name in names}

    def category_fields(self) -> dict[str, forms.BoundField]:
        """The bound checkboxes by kind (barriers, impact, added_value)."""
        return {
            category_list.kind: self[
                f"categories-{category_list.kind}-{self.answer.pk}"
            ]
            for category_list in self.category_lists
        }

    def categories_beside_evidence(self) -> list[forms.BoundField]:
        """Impact and added value, ticked beside the evidence they come from."""
        fields = self.category_fields()
        return [
            fields[kind]
            for kind in (CategoryKind.IMPACT, CategoryKind.ADDED_VALUE)
            if kind in fields
        ]


class StartReturnForm(forms.Form):
    period = forms.ModelChoiceField(
        queryset=Period.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the period the return is for"},
    )
    carry_forward = forms.TypedChoiceField(
        label="Start from last year's evidence and actions?",
        choices=[
            ("yes", "Yes, copy last year's evidence, barriers and planned actions"),
            ("no", "No, start with empty answers"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to start from last year's answers"},
    )

    def __init__(
        self, *args: Any, periods: list[Period], can_carry: bool, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Period.objects.filter(pk__in=[p.pk for p in periods])
        if len(periods) == 1:
            field.initial = periods[0].pk
        if not can_carry:
            del self.fields["carry_forward"]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All statuses"), *ReturnStatus.choices],
        error_messages={"invalid_choice": "There is no such status: showing all"},
    )
    period = forms.ModelChoiceField(
        label="Period",
        required=False,
        queryset=Period.objects.all(),
        empty_label="All periods",
        to_field_name="code",
        error_messages={"invalid_choice": "There is no such period: showing all"},
    )


class RatingForm(forms.ModelForm):
    class Meta:
        model = EngagementRating
        fields = ["rating", "rationale"]
        widgets = {
            "rating": forms.RadioSelect,
            "rationale": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"rating": "Engagement with regeneration", "rationale": "Rationale"}
        error_messages = {
            "rating": {"required": "Select a rating from 1 to 5"},
            "rationale": {"required": "Give the rationale for the rating"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rating"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
        field.choices = sorted(EngagementRating.Rating.choices, reverse=True)
