"""The LLSC officer's forms: the agreed scores of one dimension, and the
decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from indicators.models import ScoreLevel

from .forms import AnswerTextField, ScoreField
from .models import Answer, ReturnStatus
from .moderation import agreed_or_default
from .services import AgreedScore

COMMENT_MAX = 2000
ACCEPT, REJECT = "accept", "reject"
NOT_APPLICABLE_CHOICES = [
    (ACCEPT, "Accept: not applicable, left out of the scores"),
    (REJECT, "Not accepted: the partnership must score it"),
]
DECISION_TEXT_MAX = 5000


class ModerationForm(forms.Form):
    """The agreed score and comment of each indicator of one dimension, with
    the version each answer was read at. Until an officer saves a score, the
    radios offer the self score (or the score agreed at an earlier review)."""

    def __init__(
        self, *args: Any, answers: list[Answer], levels: list[ScoreLevel], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.answers = answers
        for answer in answers:
            code = answer.indicator.code
            if answer.not_applicable:
                self.fields[f"not_applicable-{answer.pk}"] = forms.ChoiceField(
                    label=f"Is {code} not applicable?",
                    choices=NOT_APPLICABLE_CHOICES,
                    widget=forms.RadioSelect,
                    initial=REJECT if answer.not_applicable_rejected else ACCEPT,
                    error_messages={
                        "required": (
                            f"Select whether you accept that {code} is not applicable"
                        ),
                        "invalid_choice": (
                            f"Select whether you accept that {code} is not applicable"
                        ),
                    },
                )
            else:
                self.fields[f"agreed-{answer.pk}"] = self._agreed_field(answer, levels)
            self.fields[f"comment-{answer.pk}"] = AnswerTextField(
                label=f"Comment on {code}",
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=answer.officer_comment,
                error_messages={
                    "max_length": (
                        f"The comment on {code} must be {COMMENT_MAX:,} characters "
                        "or fewer"
                    )
                },
            )
            self.fields[f"version-{answer.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=answer.version
            )

    @staticmethod
    def _agreed_field(answer: Answer, levels: list[ScoreLevel]) -> ScoreField:
        code = answer.indicator.code
        return ScoreField(
            levels=levels,
            label=f"Agreed score for {code}",
            initial=agreed_or_default(answer),
            error_messages={
                "required": f"Select the agreed score for {code}",
                "invalid_choice": (
                    f"Select the agreed score for {code} from the scale"  # noqa: S608  # nosec B608
                ),
            },
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for answer in self.answers:
            if f"version-{answer.pk}" in self.errors:
                raise ValidationError(
                    "The page was out of date. Reload it and enter the agreed "
                    "scores again."
                )
        return cleaned

    def agreed(self) -> dict[int, AgreedScore]:
        """The agreed scores and comments entered, by answer id."""
        return {
            a.pk: AgreedScore(
                score=None if a.not_applicable else self.cleaned_data[f"agreed-{a.pk}"],
                comment=self.cleaned_data[f"comment-{a.pk}"].strip(),
                not_applicable_rejected=(
                    self.cleaned_data[f"not_applicable-{a.pk}"] == REJECT
                    if a.not_applicable
                    else None
                ),
            )
            for a in self.answers
        }

    def versions(self) -> dict[int, int]:
        return {a.pk: self.cleaned_data[f"version-{a.pk}"] for a in self.answers}

    def rows(self) -> dict[int, dict[str, forms.BoundField]]:
        """Bound fields by answer id, for the template."""
        rows = {}
        for a in self.answers:
            choice = "not_applicable" if a.not_applicable else "agreed"
            row = {
                choice: self[f"{choice}-{a.pk}"],
                "comment": self[f"comment-{a.pk}"],
                "version": self[f"version-{a.pk}"],
            }
            rows[a.pk] = row
        return rows


class DecisionForm(forms.Form):
    """The overall comment, accept or return, and the reasons for returning;
    with the status and the answers' version the check page was opened at."""

    overall_comment = AnswerTextField(
        label="Overall comment",
        required=False,
        max_length=DECISION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": "The overall comment must be 5,000 characters or fewer"
        },
    )
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("accepted", "Accept the self-assessment with the agreed scores"),
            ("returned", "Return it to the partnership for revision"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether to accept or return the self-assessment",
            "invalid_choice": "Select whether to accept or return the self-assessment",
        },
    )
    reasons = AnswerTextField(
        label="Reasons for returning it",
        required=False,
        max_length=DECISION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "The reasons must be 5,000 characters or fewer"},
    )
    seen_status = forms.CharField(widget=forms.HiddenInput, required=False)
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("decision") == ReturnStatus.RETURNED
            and not cleaned.get("reasons", "").strip()
        ):
            self.add_error(
                "reasons", "Give the reasons for returning the self-assessment"
            )
        return cleaned

    def reasons_given(self) -> str:
        """Reasons belong to a return for revision, not to an acceptance."""
        if self.cleaned_data["decision"] != ReturnStatus.RETURNED:
            return ""
        return str(self.cleaned_data["reasons"]).strip()
