"""The crispy-forms-gds character count on a field without help text."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.template import Context, Template


class NoteForm(forms.Form):
    note = forms.CharField(max_length=100, widget=forms.Textarea)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.textarea("note", max_characters=100))


def _render(form: forms.Form) -> str:
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(
        Context({"form": form})
    )


def test_character_count_without_help_text_renders() -> None:
    html = _render(NoteForm())

    assert 'data-module="govuk-character-count"' in html
    assert 'aria-describedby="id_note-info"' in html
    assert "You can enter up to 100 characters" in html


def test_character_count_with_an_error_points_at_the_message_and_the_count() -> None:
    form = NoteForm(data={"note": "x" * 101})
    assert not form.is_valid()

    html = _render(form)

    assert "id_note-info" in html
    assert "id_note_1_error" in html
