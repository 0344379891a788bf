"""The second factor's forms, laid out with the GOV.UK Design System."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from django import forms

from govuk.forms import default_layout


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=40,
        error_messages={"required": "Enter the code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args: Any, submit: str = "Continue", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = default_layout(submit)


class SetUpForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, submit="Confirm", **kwargs)
        self.fields["code"].label = "Code from the app"
        self.fields["code"].help_text = "The 6 digits the app shows now"
        self.fields["code"].error_messages["required"] = "Enter the code from the app"


class ManageForm(CodeForm):
    """A change to the second factor asks for a current code first; which
    change is the button pressed (the template's two buttons)."""

    ACTIONS = ("codes", "remove")

    def __init__(self, *args: Any, action: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields[
            "code"
        ].label = "Code from your authenticator app, or a recovery code"
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.action not in self.ACTIONS:
            raise forms.ValidationError("Choose new recovery codes or remove")
        return cleaned
