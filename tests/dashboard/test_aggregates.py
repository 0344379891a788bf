"""regional_dashboard() on the hand-built region_set (see conftest.py)."""

from __future__ import annotations

import pytest

from reports.selectors import DashboardFilters, regional_dashboard

pytestmark = pytest.mark.django_db


def _dashboard(user, period, **filters):
    return regional_dashboard(
        user=user, period=period, filters=DashboardFilters(**filters)
    )


def _rows(data):
    return {row.partnership.name: row for row in data.rows}


def test_rows_are_the_users_partnerships_in_name_order(go_a, region_set, period_2003):
    data = _dashboard(go_a, period_2003)
    assert [row.partnership.name for row in data.rows] == [
        "Aire Partnership",
        "Calder Partnership",
        "Derwent Partnership",
        "Esk Partnership",
    ]
    assert data.period == period_2003
    assert data.previous.code == "2002-03"


def test_lsp_shares(go_a, region_set, period_2003):
    data = _dashboard(go_a, period_2003)
    # 1 of 4 is a formal learning arm; 2 of 4 a learning arm or lead agency.
    assert data.learning_arm_share == 25.0
    assert data.lead_agency_share == 50.0


def test_york_stages_and_structure_models(go_a, region_set, period_2003):
    data = _dashboard(go_a, period_2003)
    assert data.york_stages == {
        "Aligning with LSPs": 2,
        "Own structures linking into LSPs": 1,
        "LSP-funded projects led by the partnership": 1,
    }
    assert data.structure_models == {"Shire": 2, "Unitary": 1, "Multi-borough": 1}
    assert next(iter(data.structure_models)) == "Shire"


def test_regional_median_uses_agreed_else_self(go_a, region_set, period_2003):
    data = _dashboard(go_a, period_2003)
    # Aire (agreed) 1,3,4,3; Calder (self) 3,2,1,2; Derwent's draft is not the
    # GO officer's to read.
    assert data.regional_median == {"D1": 2.0, "D2": 2.5, "D3": 2.5, "D4": 2.5}


def test_regional_median_of_an_administrator_counts_drafts(
    admin, region_set, period_2003
):
    data = _dashboard(admin, period_2003, region=region_set.aire.region)
    # Aire 1,3,4,3; Calder 3,2,1,2; Derwent (self, draft) 4,4,2,1.
    assert data.regional_median == {"D1": 3.0, "D2": 3.0, "D3": 2.0, "D4": 2.0}


def test_national_median_spans_england_and_skips_drafts(go_a, region_set, period_2003):
    data = _dashboard(go_a, period_2003)
    # Aire 1,3,4,3; Calder 3,2,1,2; Tees (North East) 4,1,4,4. Drafts (Derwent,
    # Wear) are left out: with them D3 would be 2 and D4 2.
    assert data.national_median == {"D1": 3.0, "D2": 2.0, "D3": 4.0, "D4": 3.0}


def test_row_means_overall_stage_change(go_a, region_set, period_2003):
    rows = _rows(_dashboard(go_a, period_2003))
    aire = rows["Aire Partnership"]
    assert aire.return_record == region_set.aire_2003
    assert aire.self_scores == {"D1": 2.29, "D2": 3.0, "D3": 3.0, "D4": 4.0}
    assert aire.agreed_scores == {"D1": 1.0, "D2": 3.0, "D3": 4.0, "D4": 3.0}
    assert aire.overall == 2.75
    assert aire.stage == "Significant progress"
    assert aire.change == 0.75

    calder = rows["Calder Partnership"]
    assert calder.self_scores == {"D1": 3.0, "D2": 2.0, "D3": 1.0, "D4": 2.0}
    assert calder.agreed_scores == {"D1": None, "D2": None, "D3": None, "D4": None}
    assert calder.overall == 2.0
    assert calder.stage == "Developing"
    assert calder.change == -1.0

    # A draft: its status, not its scores.
    derwent = rows["Derwent Partnership"]
    assert derwent.return_record == region_set.derwent_2003
    assert derwent.self_scores == {"D1": None, "D2": None, "D3": None, "D4": None}
    assert derwent.overall is None
    assert derwent.stage == ""
    assert derwent.change is None

    esk = rows["Esk Partnership"]
    assert esk.return_record is None
    assert esk.overall is None
    assert esk.stage == ""
    assert esk.self_scores == {"D1": None, "D2": None, "D3": None, "D4": None}


def test_go_rating_is_this_periods_only(go_a, region_set, period_2003):
    rows = _rows(_dashboard(go_a, period_2003))
    assert rows["Aire Partnership"].rating.rating == 4
    assert rows["Calder Partnership"].rating is None


def test_best_agreement_and_recognition(go_a, region_set, period_2003):
    rows = _rows(_dashboard(go_a, period_2003))
    assert rows["Aire Partnership"].agreement.agreement_status == "mou"
    assert rows["Calder Partnership"].agreement.agreement_status == "concordat"
    assert rows["Derwent Partnership"].agreement.agreement_status == "none"
    assert rows["Aire Partnership"].recognition.recognition == "learning_arm"
    assert rows["Calder Partnership"].recognition.recognition == "lead_agency"
    assert rows["Derwent Partnership"].recognition.recognition == "informal"
    assert rows["Esk Partnership"].recognition is None


def test_llsc_filter(go_a, region_set, period_2003):
    data = _dashboard(go_a, period_2003, llsc=region_set.llsc_a)
    assert [r.partnership.name for r in data.rows] == [
        "Aire Partnership",
        "Calder Partnership",
    ]
    assert data.learning_arm_share == 50.0
    assert data.lead_agency_share == 100.0
    assert data.regional_median == {"D1": 2.0, "D2": 2.5, "D3": 2.5, "D4": 2.5}


def test_structure_model_filter(go_a, region_set, period_2003):
    data = _dashboard(go_a, period_2003, structure_model="shire")
    assert [r.partnership.name for r in data.rows] == [
        "Calder Partnership",
        "Derwent Partnership",
    ]
    assert data.structure_models == {"Shire": 2}


def test_funded_lsp_filter(go_a, region_set, period_2003):
    data = _dashboard(go_a, period_2003, funded_lsp=True)
    assert [r.partnership.name for r in data.rows] == ["Aire Partnership"]


@pytest.mark.parametrize(
    ("status", "names"),
    [
        ("not_started", ["Esk Partnership"]),
        ("draft", ["Derwent Partnership"]),
        ("submitted", ["Calder Partnership"]),
        ("accepted", ["Aire Partnership"]),
        ("returned", []),
    ],
)
def test_status_filter(go_a, region_set, period_2003, status, names):
    data = _dashboard(go_a, period_2003, status=status)
    assert [r.partnership.name for r in data.rows] == names


def test_status_filter_narrows_aggregates(go_a, region_set, period_2003):
    data = _dashboard(go_a, period_2003, status="submitted")
    assert data.learning_arm_share == 0.0
    assert data.lead_agency_share == 100.0
    # Of the categories, only Calder's submitted return is counted.
    assert data.categories.partnerships == 1
    assert data.regional_median == {"D1": 3.0, "D2": 2.0, "D3": 1.0, "D4": 2.0}


def test_no_rows_gives_no_shares(go_a, region_set, period_2003):
    data = _dashboard(go_a, period_2003, status="returned")
    assert data.learning_arm_share is None
    assert data.lead_agency_share is None
    assert data.regional_median == {"D1": None, "D2": None, "D3": None, "D4": None}


def test_go_elsewhere_sees_only_the_north_east(go_elsewhere, region_set, period_2003):
    data = _dashboard(go_elsewhere, period_2003)
    assert [r.partnership.name for r in data.rows] == [
        "Tees Partnership",
        "Wear Partnership",
    ]
    # The national median is the same whoever asks.
    assert data.national_median == {"D1": 3.0, "D2": 2.0, "D3": 4.0, "D4": 3.0}


def test_dimensions_are_the_periods_frameworks_in_order(go_a, region_set, period_2003):
    data = _dashboard(go_a, period_2003)
    assert data.dimensions == ["D1", "D2", "D3", "D4"]
    assert list(data.rows[0].self_scores) == data.dimensions


def test_dimensions_without_a_return_in_scope_come_from_the_framework(
    go_elsewhere, region_set, period_2002
):
    # The North East has no return for 2002-03.
    data = _dashboard(go_elsewhere, period_2002)
    assert {row.return_record for row in data.rows} == {None}
    assert data.dimensions == ["D1", "D2", "D3", "D4"]
    assert data.regional_median == {"D1": None, "D2": None, "D3": None, "D4": None}
