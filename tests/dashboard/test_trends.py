"""The regional view's trend over the years."""

from __future__ import annotations

from collections import defaultdict
from statistics import mean

from assessment.models import Answer
from reports.selectors import DashboardFilters
from reports.trends import regional_trends


def test_trends_average_each_answers_agreed_else_self_score(region_set, go_a):
    periods, series = regional_trends(user=go_a, filters=DashboardFilters())

    expected: dict[tuple[str, str], list[int]] = defaultdict(list)
    answers = Answer.objects.filter(
        return_record__partnership__region__code="YH"
    ).exclude(return_record__status="draft")
    for answer in answers.select_related(
        "return_record__period", "indicator__dimension"
    ):
        value = answer.agreed_score if answer.agreed_score is not None else answer.score
        if value is not None:
            key = (answer.return_record.period.code, answer.indicator.dimension.code)
            expected[key].append(value)
    assert periods == ["2002-03", "2003-04"]
    for code in ("D1", "D2", "D3", "D4"):
        assert series[code] == [
            round(mean(expected[(period, code)]), 2) for period in periods
        ]
    # Aire's agreed D1 of 1 and Calder's self D1 of 3; Derwent's draft is left out.
    assert series["D1"][1] == 2.0


def test_trends_leave_out_other_regions(region_set, go_elsewhere):
    periods, series = regional_trends(user=go_elsewhere, filters=DashboardFilters())

    assert periods == ["2003-04"]  # Tees only; Wear's return is a draft
    assert series == {"D1": [4.0], "D2": [1.0], "D3": [4.0], "D4": [4.0]}


def test_englands_and_a_regions_kept_trends_equal_those_added_up(
    region_set, admin, go_a, monkeypatch
):
    """The trends read from the figures kept (a whole region, or England for
    an administrator) are those added up from the answers."""
    kept = [
        regional_trends(user=admin, filters=DashboardFilters()),
        regional_trends(user=go_a, filters=DashboardFilters()),
        regional_trends(
            user=admin, filters=DashboardFilters(region=region_set.tees.region)
        ),
    ]
    monkeypatch.setattr("reports.trends._whole_scope", lambda **kwargs: None)
    added_up = [
        regional_trends(user=admin, filters=DashboardFilters()),
        regional_trends(user=go_a, filters=DashboardFilters()),
        regional_trends(
            user=admin, filters=DashboardFilters(region=region_set.tees.region)
        ),
    ]
    assert kept == added_up
    assert kept[0][0] == ["2002-03", "2003-04"]
