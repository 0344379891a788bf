"""Template helpers for GOV.UK form fields rendered by crispy-forms-gds."""

from __future__ import annotations

from django import forms, template

register = template.Library()


@register.simple_tag
def character_count_ready(field: forms.BoundField) -> str:
    """Give a character count's widget the aria-describedby the pack extends."""
    attrs = field.field.widget.attrs
    if "govuk-js-character-count" in attrs.get("class", ""):
        attrs.setdefault("aria-describedby", "")
    return ""
