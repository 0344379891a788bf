"""The GOV.UK form plumbing every app's forms share."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from govuk.forms import GovukDateField, GovukModelForm, HandRenderedForm, one_line


def date_parts(name: str, day: Any, month: Any, year: Any) -> dict[str, str]:
    return {f"{name}_0": str(day), f"{name}_1": str(month), f"{name}_2": str(year)}


class DateForm(forms.Form):
    on = GovukDateField(label="Date", required=False)


# -- GovukDateField --


def test_a_full_date_is_a_date() -> None:
    form = DateForm(date_parts("on", 27, 3, 1999))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == datetime.date(1999, 3, 27)


def test_a_blank_date_is_none() -> None:
    form = DateForm(date_parts("on", "", "", ""))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] is None


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        (31, 2, 2003),
        (29, 2, 2003),
        (1, 13, 2003),
        (0, 1, 2003),
        (1, 1, 0),
        (1, 1, 99999999999),
        (99999999999999999999, 1, 2003),
    ],
)
def test_impossible_dates_are_refused_with_enter_a_real_date(day, month, year):
    form = DateForm(date_parts("on", day, month, year))
    assert not form.is_valid()
    assert form.errors == {"on": ["Enter a real date"]}


def test_leap_day_is_a_real_date():
    form = DateForm(date_parts("on", 29, 2, 2004))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == datetime.date(2004, 2, 29)


@pytest.mark.parametrize(("day", "month", "year"), [("x", 1, 2003), (1, "May", 2003)])
def test_non_numeric_date_parts_are_refused(day, month, year):
    form = DateForm(date_parts("on", day, month, year))
    assert list(form.errors) == ["on"]


@pytest.mark.parametrize(
    ("day", "month", "year"), [(1, 4, ""), ("", 4, 2001), (1, "", 2001)]
)
def test_partial_date_is_refused(day, month, year):
    form = DateForm(date_parts("on", day, month, year))
    assert not form.is_valid()
    assert list(form.errors) == ["on"]


# -- GovukModelForm --


class GroupForm(GovukModelForm):
    note = forms.CharField(widget=forms.Textarea, required=False)

    class Meta:
        model = Group
        fields = ["name"]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Leeds\tCollege", "Leeds College"),
        ("Leeds\r\nCollege", "Leeds College"),
        ("  Leeds \n\n College ", "Leeds College"),
    ],
)
@pytest.mark.django_db
def test_one_line_boxes_keep_one_line(typed: str, kept: str) -> None:
    assert one_line(typed) == kept
    form = GroupForm({"name": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == kept


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        # A right-to-left override would show "Hull College" to others as
        # "egelloC lluH"; isolates, embeddings and marks reorder text too.
        ("Hull \u202eegelloC", "Hull egelloC"),
        ("\u2067Hull\u2069 College", "Hull College"),
        ("Hull\u202a College\u202c", "Hull College"),
        ("\u200fHull\u200e\u061c College", "Hull College"),
        ("Hu\u200bll\u2060 Coll\u00adege\ufeff", "Hull College"),
        # The joiners some scripts and emoji need stay.
        (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        ),
        ("\U0001f469\u200d\U0001f4bb", "\U0001f469\u200d\U0001f4bb"),
        # Arabic and Hebrew text as such is kept as typed.
        (
            "\u0645\u0631\u062d\u0628\u0627 Leeds",
            "\u0645\u0631\u062d\u0628\u0627 Leeds",
        ),
    ],
)
@pytest.mark.django_db
def test_one_line_boxes_drop_invisible_formatting(typed: str, kept: str) -> None:
    assert one_line(typed) == kept
    form = GroupForm({"name": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == kept


@pytest.mark.django_db
def test_text_areas_keep_what_was_typed() -> None:
    # Long text is shown isolated (dir="auto") instead: nothing is taken out.
    form = GroupForm({"name": "Leeds", "note": "One \u202eowT"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == "One \u202eowT"


@pytest.mark.django_db
def test_one_line_boxes_refuse_control_characters() -> None:
    form = GroupForm({"name": "Leeds\x07College"})
    assert form.errors == {"name": ["Name must not include hidden control characters"]}


@pytest.mark.django_db
def test_text_areas_keep_their_line_breaks() -> None:
    form = GroupForm({"name": "Leeds", "note": "One\nTwo"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == "One\nTwo"


def _model_refuses_the_name() -> None:
    raise ValidationError({"name": "The model refuses this name"})


@pytest.mark.django_db
def test_a_field_that_fails_its_own_validation_gets_one_error() -> None:
    form = GroupForm({"name": "x" * 151})
    form.instance.clean = _model_refuses_the_name  # type: ignore[method-assign]
    assert list(form.errors) == ["name"]
    assert len(form.errors["name"]) == 1
    assert "150 characters" in form.errors["name"][0]


@pytest.mark.django_db
def test_a_valid_field_is_still_judged_by_the_model() -> None:
    form = GroupForm({"name": "Leeds"})
    form.instance.clean = _model_refuses_the_name  # type: ignore[method-assign]
    assert form.errors == {"name": ["The model refuses this name"]}


# -- HandRenderedForm --


class FilterForm(HandRenderedForm):
    q = forms.CharField(required=False)
    kind = forms.ChoiceField(choices=[("", "All"), ("a", "A")], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["class"] = "govuk-input"
        self.fields["kind"].widget.attrs["class"] = "govuk-select"


def test_a_hand_rendered_form_has_no_form_tag_of_its_own() -> None:
    assert FilterForm().helper.form_tag is False


def test_a_field_in_error_takes_the_error_class_and_points_at_its_message() -> None:
    form = FilterForm({"q": "Leeds", "kind": "z"})
    assert list(form.errors) == ["kind"]

    assert form.fields["kind"].widget.attrs == {
        "class": "govuk-select govuk-select--error",
        "aria-describedby": "id_kind-error",
    }
    assert form.fields["q"].widget.attrs == {"class": "govuk-input"}
