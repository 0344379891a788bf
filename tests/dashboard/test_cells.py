"""The heatmap's cells and tags are formatted in Python, as the template
filters would have shown them."""

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.models import Return, ReturnStatus
from assessment.templatetags.assessment_tags import status_tag
from reports.cells import exact_mean, heat_class, score_cells
from reports.selectors import DashboardRow


@pytest.mark.parametrize(
    ("own", "agreed", "cells"),
    [
        (2.25, 3.0, [("2.3", "app-heat-2", ""), ("3.0", "app-heat-3", "")]),
        (
            1.04,
            None,
            [("1.0", "app-heat-1", ""), ("–", "app-heat-none", "not reviewed")],
        ),
        (
            None,
            None,
            [
                ("–", "app-heat-none", "no score"),
                ("–", "app-heat-none", "not reviewed"),
            ],
        ),
        (3.5, 3.45, [("3.5", "app-heat-4", ""), ("3.5", "app-heat-3", "")]),
    ],
)
def test_score_cells_round_halves_up_and_colour_by_their_own_score(own, agreed, cells):
    assert [(c.text, c.heat, c.missing) for c in score_cells(own, agreed)] == cells


def test_heat_class_is_clamped_to_the_scale():
    assert [heat_class(v) for v in (0.2, 1.49, 1.5, 4.9)] == [
        "app-heat-1",
        "app-heat-1",
        "app-heat-2",
        "app-heat-4",
    ]


def _row(overall, change):
    return DashboardRow(
        partnership=None,
        return_record=None,
        self_scores={},
        agreed_scores={},
        overall=overall,
        stage="",
        change=change,
        rating=None,
        agreement=None,
        recognition=None,
    )


def test_overall_and_change_texts():
    assert _row(2.5, 0.25).overall_text == "2.50"
    assert _row(2.5, 0.25).change_text == "+0.25"
    assert _row(2.5, -0.5).change_text == "-0.50"
    assert _row(2.5, 0.0).change_text == "0.00"
    assert _row(None, None).overall_text == "–"
    assert _row(None, None).change_text == "–"


@pytest.mark.parametrize(
    ("status", "html"),
    [
        (
            ReturnStatus.DRAFT,
            '<strong class="govuk-tag govuk-tag--grey">Draft</strong>',
        ),
        (
            ReturnStatus.RETURNED,
            '<strong class="govuk-tag govuk-tag--orange">'
            "Returned for revision</strong>",
        ),
        (
            ReturnStatus.ACCEPTED,
            '<strong class="govuk-tag govuk-tag--green">Accepted</strong>',
        ),
    ],
)
def test_status_tag(status, html):
    assert status_tag(Return(status=status)) == html


def test_status_tag_without_a_return_says_not_started():
    assert status_tag(None) == (
        '<strong class="govuk-tag govuk-tag--grey">Not started</strong>'
    )


@given(
    st.lists(
        st.one_of(
            st.floats(min_value=0, max_value=4, allow_nan=False),
            # Means of a few whole scores, as the dimensions have.
            st.builds(
                lambda total, count: total / count,
                st.integers(0, 40),
                st.integers(1, 10),
            ),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_the_overall_mean_is_statistics_mean(values):
    """The overall score is the same float statistics.mean gives, so that
    it rounds the same on the page."""
    assert exact_mean(values) == statistics.mean(values)


@pytest.mark.parametrize(
    "values", [[2.34, 2.35], [0.1, 0.2, 0.3], [2.125, 2.375], [1e-300, 3.0], [4.0]]
)
def test_the_overall_mean_rounds_as_before(values):
    assert round(exact_mean(values), 2) == round(statistics.mean(values), 2)
    assert exact_mean(values) == statistics.mean(values)
