"""The form that names a new API token."""

from __future__ import annotations

from typing import Any

from django import forms

from govuk.forms import GovukModelForm, default_layout

from .models import ApiToken


class TokenForm(GovukModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": "Name"}
        help_texts = {
            "name": "Say what will use it, so that you know which token to "
            "revoke later. For example, 'Quarterly returns spreadsheet'."
        }
        error_messages = {
            "name": {
                "required": "Enter a name for the token",
                "max_length": "The name must be 80 characters or fewer",
            }
        }
        widgets = {"name": forms.TextInput(attrs={"class": "govuk-input"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = default_layout("Create token")
