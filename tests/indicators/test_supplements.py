"""Local statements (supplements): read and checked like framework files,
published only by their area's officers, answered in their area's returns
still being written and in those started later, never in other areas', and
never counted in a national indicator's figures."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment.figures import figures_refresh
from assessment.models import Answer, Return, ReturnStatus, ScoreFigure
from assessment.services import ReturnIncomplete, return_start, return_submit
from indicators import framework_sheets
from indicators.framework_files import FrameworkFileError
from indicators.models import Framework, Indicator, Supplement
from indicators.selectors import framework_dimensions
from indicators.services import framework_export, framework_new_version
from indicators.supplements import (
    supplement_export_file,
    supplement_import_file,
    supplement_indicator_add,
    supplement_new_version,
    supplement_publish,
)

SUPPLEMENT = """\
name: Yorkshire local statements
version: 1
status: {status}
framework: {{name: Learning and regeneration self-assessment, version: 1}}
period: 2003-04
region: YH
dimensions:
  - code: D2
    indicators:
      - code: D2.L1
        statement: The partnership runs a Humber-wide Adult Learners' Week campaign.
        guidance: Count the events across the sub-region.
      - code: D2.L2
        statement: The partnership maps provision in every coalfield ward.
  - code: D4
    indicators:
      - code: D4.L1
        statement: The partnership sits on the regional skills board.
"""


def _yaml(status: str = "draft", **changes: str) -> bytes:
    text = SUPPLEMENT.format(status=status)
    for old, new in changes.items():
        text = text.replace(old, new)
    return text.encode()


@pytest.fixture
def supplement(framework: Framework, period_2003, go_a) -> Supplement:
    return supplement_import_file(content=_yaml(), user=go_a)


def _codes(return_record: Return) -> set[str]:
    return set(return_record.answers.values_list("indicator__code", flat=True))


def test_import_hangs_statements_on_base_dimensions(supplement, framework):
    assert supplement.region.code == "YH" and supplement.local_lsc is None
    assert not supplement.is_published
    rows = list(supplement.indicators.order_by("dimension__order", "order"))
    assert [(i.dimension.framework_id, i.dimension.code, i.code) for i in rows] == [
        (framework.pk, "D2", "D2.L1"),
        (framework.pk, "D2", "D2.L2"),
        (framework.pk, "D4", "D4.L1"),
    ]
    assert supplement.label == "Local statement: Yorkshire and the Humber"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"code: D2.L1": "code: D2.1"}, "'D2.1' is not a code like D2.L1"),
        ({"code: D2.L2": "code: D2.L1"}, "D2.L1 appears twice"),
        ({"code: D4\n": "code: D9\n", "D4.L1": "D9.L1"}, "D9 is not a dimension"),
        ({"region: YH": "region: ZZ"}, "no region has the code 'ZZ'"),
        ({"period: 2003-04": "period: 2009-10"}, "the period 2009-10 is not open"),
        ({"version: 1}": "version: 7}"}, "no published framework"),
        ({"region: YH": "region: YH\nlocal_lsc: West Yorkshire"}, "not both"),
        (
            {"        statement: The partnership maps": "        guidance: x\n#"},
            "statement: is missing",
        ),
    ],
)
def test_import_names_each_problem(
    framework, period_2003, go_a, llsc_a, change, problem
):
    with pytest.raises(FrameworkFileError) as refused:
        supplement_import_file(content=_yaml(**change), user=go_a)
    assert any(problem in p for p in refused.value.problems), refused.value.problems
    assert not Supplement.objects.exists()


def test_import_problems_name_their_line(framework, period_2003, go_a):
    with pytest.raises(FrameworkFileError) as refused:
        supplement_import_file(
            content=_yaml(**{"code: D2.L1": "code: D2.1"}), user=go_a
        )
    assert refused.value.problems == [
        "line 10, dimensions[0].indicators[0].code: 'D2.1' is not a code like D2.L1"
    ]


def test_only_own_area(framework, period_2003, go_elsewhere, officer_a, manager_a):
    with pytest.raises(FrameworkFileError) as refused:
        supplement_import_file(content=_yaml(), user=go_elsewhere)
    assert "only for North East" in refused.value.problems[0]
    # An LLSC officer adds statements for their own local LSC, not their region.
    with pytest.raises(FrameworkFileError):
        supplement_import_file(content=_yaml(), user=officer_a)
    own = supplement_import_file(
        content=_yaml(**{"region: YH": "local_lsc: West Yorkshire"}), user=officer_a
    )
    assert own.local_lsc.name == "West Yorkshire"
    with pytest.raises(PermissionDenied):
        supplement_import_file(content=_yaml(), user=manager_a)


@pytest.mark.parametrize("file_format", ["yaml", "xlsx", "ods"])
def test_export_round_trip(supplement, go_a, file_format):
    exported = supplement_export_file(supplement=supplement, file_format=file_format)
    if file_format == "yaml":
        exported = exported.replace(b"version: 1\n", b"version: 2\n", 1)
    again = _reimport_as_version_2(exported, file_format, go_a)
    assert again.version == 2
    assert [
        (i.dimension.code, i.code, i.statement, i.guidance)
        for i in again.indicators.order_by("dimension__order", "order")
    ] == [
        (i.dimension.code, i.code, i.statement, i.guidance)
        for i in supplement.indicators.order_by("dimension__order", "order")
    ]


def _reimport_as_version_2(exported: bytes, file_format: str, user) -> Supplement:
    if file_format == "yaml":
        return supplement_import_file(content=exported, user=user)
    from indicators import supplement_sheets

    data, _ = supplement_sheets.read_workbook(
        exported, framework_sheets.file_format(exported)
    )
    data["version"] = 2
    return supplement_import_file(
        content=supplement_sheets.write_workbook(data, file_format), user=user
    )


def test_workbook_problems_name_their_cell(supplement, go_a):
    from indicators import supplement_sheets

    data, _ = supplement_sheets.read_workbook(
        supplement_export_file(supplement=supplement, file_format="xlsx"), "xlsx"
    )
    data["dimensions"][0]["indicators"][1]["code"] = "D2.9"
    data["version"] = 3
    with pytest.raises(FrameworkFileError) as refused:
        supplement_import_file(
            content=supplement_sheets.write_workbook(data, "xlsx"), user=go_a
        )
    assert refused.value.problems == [
        "sheet 'Indicators', row 3, column B (code): 'D2.9' is not a code like D2.L1"
    ]


def test_national_enumerations_leave_local_statements_out(supplement, framework):
    dimensions = framework_dimensions(framework=framework)
    codes = {i.code for d in dimensions for i in d.indicators.all()}
    assert len(codes) == 28 and not any(".L" in code for code in codes)
    assert "D2.L1" not in framework_export(framework=framework)
    copy = framework_new_version(framework=framework)
    assert not Indicator.objects.filter(
        dimension__framework=copy, supplement__isnull=False
    ).exists()
    assert Indicator.objects.filter(dimension__framework=copy).count() == 28


def test_publishing_answers_editable_returns_in_area_only(
    supplement, go_a, partnership_a, partnership_b, manager_a, manager_b, period_2003
):
    draft = return_start(partnership=partnership_a, period=period_2003, user=manager_a)
    elsewhere = return_start(
        partnership=partnership_b, period=period_2003, user=manager_b
    )
    assert len(_codes(draft)) == 28  # a draft supplement is nobody's yet
    supplement_publish(supplement=supplement, user=go_a)
    assert {"D2.L1", "D2.L2", "D4.L1"} <= _codes(draft)
    assert len(_codes(draft)) == 31
    assert len(_codes(elsewhere)) == 28
    # Submitting needs them scored like any indicator.
    draft.answers.filter(indicator__supplement__isnull=True).update(score=2)
    with pytest.raises(ReturnIncomplete) as incomplete:
        return_submit(return_record=draft, user=manager_a)
    assert {a.indicator.code for a in incomplete.value.missing} == {
        "D2.L1",
        "D2.L2",
        "D4.L1",
    }


def test_returns_started_later_get_them(supplement, go_a, partnership_a, manager_a):
    supplement_publish(supplement=supplement, user=go_a)
    later = return_start(
        partnership=partnership_a, period=supplement.period, user=manager_a
    )
    assert {"D2.L1", "D2.L2", "D4.L1"} <= _codes(later)


def test_submitted_returns_are_left_alone(
    supplement, go_a, partnership_a, manager_a, period_2003
):
    submitted = return_start(
        partnership=partnership_a, period=period_2003, user=manager_a
    )
    submitted.answers.update(score=3)
    return_submit(return_record=submitted, user=manager_a)
    supplement_publish(supplement=supplement, user=go_a)
    assert len(_codes(submitted)) == 28


def test_llsc_supplement_reaches_linked_partnerships(
    framework,
    period_2003,
    officer_a,
    partnership_a,
    partnership_b,
    manager_a,
    manager_b,
):
    linked = return_start(partnership=partnership_a, period=period_2003, user=manager_a)
    other = return_start(partnership=partnership_b, period=period_2003, user=manager_b)
    own = supplement_import_file(
        content=_yaml("published", **{"region: YH": "local_lsc: West Yorkshire"}),
        user=officer_a,
    )
    assert own.is_published
    assert "D2.L1" in _codes(linked) and "D2.L1" not in _codes(other)


def test_codes_clashing_with_another_areas_statements_are_refused(
    supplement, go_a, officer_a, partnership_a, manager_a, period_2003
):
    return_start(partnership=partnership_a, period=period_2003, user=manager_a)
    supplement_publish(supplement=supplement, user=go_a)
    llsc = supplement_import_file(
        content=_yaml(**{"region: YH": "local_lsc: West Yorkshire"}), user=officer_a
    )
    with pytest.raises(ValidationError, match=r"D2\.L1 is already a local statement"):
        supplement_publish(supplement=llsc, user=officer_a)
    llsc.refresh_from_db()
    assert not llsc.is_published


def test_new_version_moves_answers_keeps_written_drops_blank(
    supplement, go_a, partnership_a, manager_a, period_2003
):
    draft = return_start(partnership=partnership_a, period=period_2003, user=manager_a)
    supplement_publish(supplement=supplement, user=go_a)
    draft.answers.filter(indicator__code="D2.L1").update(score=4, version=2)
    draft.answers.filter(indicator__code="D4.L1").update(evidence="Board minutes")
    second = supplement_new_version(supplement=supplement, user=go_a)
    assert second.version == 2 and not second.is_published
    second.indicators.filter(code__in=["D2.L2", "D4.L1"]).delete()
    added = supplement_indicator_add(
        supplement=second,
        user=go_a,
        dimension=framework_dimensions(framework=supplement.framework)[2],
        statement="The partnership trains providers in regeneration bidding.",
    )
    assert added.code == "D3.L1"
    supplement_publish(supplement=second, user=go_a)
    answers = {a.indicator.code: a for a in draft.answers.select_related("indicator")}
    # Kept code: the answer moved to the new version's statement, score kept.
    assert answers["D2.L1"].indicator.supplement_id == second.pk
    assert answers["D2.L1"].score == 4
    # Removed and blank: dropped; removed and written in: kept.
    assert "D2.L2" not in answers
    assert answers["D4.L1"].indicator.supplement_id == supplement.pk
    assert answers["D3.L1"].indicator.supplement_id == second.pk
    with pytest.raises(ValidationError, match="published"):
        supplement_indicator_add(
            supplement=second,
            user=go_a,
            dimension=answers["D3.L1"].indicator.dimension,
            statement="Too late",
        )


def test_publish_refused_outside_area(supplement, go_elsewhere, officer_a):
    for user in (go_elsewhere, officer_a):
        with pytest.raises(PermissionDenied):
            supplement_publish(supplement=supplement, user=user)


def test_local_scores_never_move_national_figures(
    supplement,
    go_a,
    partnership_a,
    partnership_b,
    manager_a,
    manager_b,
    period_2003,
    framework,
):
    """Hand-built: A (Yorkshire) scores 2 on every national indicator, B (North
    East) 4; A's local statements score 1 then 4 - England's and Yorkshire's
    figures are the same either way."""
    supplement_publish(supplement=supplement, user=go_a)
    mine = return_start(partnership=partnership_a, period=period_2003, user=manager_a)
    theirs = return_start(partnership=partnership_b, period=period_2003, user=manager_b)
    mine.answers.filter(indicator__supplement__isnull=True).update(score=2)
    theirs.answers.update(score=4)

    def figures(local_score: int) -> dict:
        mine.answers.filter(indicator__supplement__isnull=False).update(
            score=local_score
        )
        Return.objects.filter(pk__in=[mine.pk, theirs.pk]).update(
            status=ReturnStatus.SUBMITTED, submitted_at="2004-03-01T10:00Z"
        )
        figures_refresh(period=period_2003)
        return {
            (f.region_id, f.dimension.code): (f.median, f.score_total, f.score_count)
            for f in ScoreFigure.objects.select_related("dimension")
        }

    low, high = figures(1), figures(4)
    assert low == high
    d2 = framework.dimensions.get(code="D2")
    assert low[(None, "D2")] == (3.0, 2 * 7 + 4 * 7, 14)
    assert low[(partnership_a.region_id, "D2")] == (2.0, 14, 7)
    assert (
        Answer.objects.filter(
            indicator__dimension=d2, indicator__supplement__isnull=False, score=4
        ).count()
        == 2
    )


def test_local_scores_never_move_trends(
    supplement, go_a, officer_a, partnership_a, manager_a, period_2003
):
    """An LLSC officer's trend is added up from the answers: it counts
    national indicators only."""
    from reports.selectors import DashboardFilters
    from reports.trends import regional_trends

    supplement_publish(supplement=supplement, user=go_a)
    mine = return_start(partnership=partnership_a, period=period_2003, user=manager_a)
    mine.answers.update(score=2)
    mine.answers.filter(indicator__code="D1.1").update(barriers="Funding")
    Return.objects.filter(pk=mine.pk).update(
        status=ReturnStatus.SUBMITTED, submitted_at="2004-03-01T10:00Z"
    )
    local = mine.answers.filter(indicator__supplement__isnull=False)
    before = regional_trends(user=officer_a, filters=DashboardFilters())
    local.update(score=4, barriers="Local only")
    assert regional_trends(user=officer_a, filters=DashboardFilters()) == before
    assert before[1]["D2"] == [2.0]


def test_every_supplement_service_refuses_outside_the_area(
    supplement, period_2003, go_elsewhere, officer_a, manager_a
):
    from indicators.supplements import supplement_create, supplement_indicator_remove

    statement = supplement.indicators.get(code="D2.L1")
    for user in (go_elsewhere, officer_a, manager_a):
        with pytest.raises(PermissionDenied):
            supplement_indicator_add(
                supplement=supplement,
                user=user,
                dimension=statement.dimension,
                statement="Not theirs",
            )
        with pytest.raises(PermissionDenied):
            supplement_indicator_remove(indicator=statement, user=user)
        with pytest.raises(PermissionDenied):
            supplement_new_version(supplement=supplement, user=user)
    with pytest.raises(PermissionDenied):
        supplement_create(user=manager_a, period=period_2003, name="Not theirs")
    # An officer starts statements for their own area, whatever is asked.
    own = supplement_create(
        user=go_elsewhere,
        period=period_2003,
        name="North East",
        region=supplement.region,
    )
    assert own.region.code == "NE"
    assert supplement.indicators.count() == 3
