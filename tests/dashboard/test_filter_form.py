"""The regional view's filter form reads each list of choices once and writes
its selects in Python, with the markup Django's templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from indicators.models import Period
from reports.forms import DashboardFilterForm, _Select
from reports.selectors import regional_period


def _django_markup(name, value, choices, attrs):
    """What Django's own select templates write for the same choices."""
    widget = forms.Select(attrs=attrs, choices=choices)
    return widget.render(name, value, renderer=DjangoTemplates())


@pytest.mark.parametrize("value", ["", "b&b", None, 3])
def test_a_select_is_written_as_djangos_templates_write_it(value):
    choices = [
        ("", "All <statuses>"),
        ("b&b", 'Bed & "breakfast"'),
        (3, "Three's"),
        ("Group <g>", [("x", "In a group"), ("y", "Another")]),
    ]
    attrs = {"class": "govuk-select", "id": "id_x", "disabled": True, "gone": False}
    ours = _Select(attrs=attrs, choices=choices).render("x<", value)
    assert ours == _django_markup("x<", value, choices, attrs)
    assert "&lt;statuses&gt;" in ours
    assert "<optgroup" in ours


@pytest.mark.django_db
def test_the_forms_selects_are_djangos_markup(go_a, llsc_a, period_2002, period_2003):
    form = DashboardFilterForm({"period": "2003-04", "status": "draft"}, user=go_a)
    form.is_valid()
    for name in ("period", "region", "llsc", "structure_model", "status"):
        field = form[name]
        widget = field.field.widget
        attrs = {"id": field.auto_id}
        ours = widget.render(field.html_name, field.value(), attrs=attrs)
        djangos = forms.Select.render(
            widget,
            field.html_name,
            field.value(),
            attrs=attrs,
            renderer=DjangoTemplates(),
        )
        assert ours == djangos
        assert f'id="id_{name}"' in ours


@pytest.mark.django_db
def test_the_periods_are_read_once(
    go_a, period_2002, period_2003, django_assert_num_queries
):
    """The period asked for, the periods listed and the latest with returns
    come from one query of the periods."""
    form = DashboardFilterForm({"period": "2002-03"}, user=go_a)
    with django_assert_num_queries(1):
        period, _ = form.filters()
        listed = [label for _, label in form.fields["period"].choices]
        periods = form.periods()
    assert period == period_2002
    assert listed[0] == "Latest period"
    assert [p.code for p in periods][:2] == ["2003-04", "2002-03"]
    assert listed[1:] == [str(p) for p in periods]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"period": "1990-91"},
            "period",
            "There is no such period: showing the latest",
        ),
        ({"region": "x"}, "region", "There is no such region: showing all"),
        ({"region": "999999"}, "region", "There is no such region: showing all"),
        ({"llsc": "1.5"}, "llsc", "There is no such local LSC: showing all"),
    ],
)
def test_a_value_not_among_the_choices_is_refused(
    go_a, period_2003, data, field, message
):
    form = DashboardFilterForm(data, user=go_a)
    period, filters = form.filters()
    assert form.errors[field] == [message]
    assert period is None
    assert filters.region is None and filters.llsc is None


@pytest.mark.django_db
def test_a_region_and_a_local_lsc_are_found_by_id(go_a, llsc_a, region_set):
    form = DashboardFilterForm(
        {"region": str(llsc_a.region_id), "llsc": f" {llsc_a.pk}"}, user=go_a
    )
    _, filters = form.filters()
    assert not form.errors
    assert filters.region == llsc_a.region
    assert filters.llsc == llsc_a


@pytest.mark.django_db
def test_the_latest_period_with_returns_is_found_among_the_periods(
    go_a, region_set, period_2003
):
    """A later period with no returns yet is listed, not shown."""
    later = Period.objects.create(
        code="2004-05",
        starts_on=period_2003.starts_on.replace(year=2004),
        ends_on=period_2003.ends_on.replace(year=2005),
    )
    periods = DashboardFilterForm(None, user=go_a).periods()
    assert periods[0] == later
    assert regional_period(chosen=None, periods=periods) == period_2003
    assert regional_period(chosen=None) == period_2003
