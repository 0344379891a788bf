"""The OpenDocument spreadsheet of the regional view: the workbook's sheets,
rows and headings, cell by cell and type by type; its name, type, filters
and the same people allowed as for the CSV and the workbook."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import Answer
from reports.exports import EXPORT_HEADERS
from tests.dashboard.conftest import make_return
from tests.factories import LearningPartnershipFactory
from tests.spreadsheets import ODS_TYPE, ods_sheets, same_cells, xlsx_sheets

ODS = "/dashboard/scores.ods"
XLSX = "/dashboard/scores.xlsx"


def _content(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def aire_written(region_set):
    Answer.objects.filter(
        return_record=region_set.aire_2003, indicator__code="D1.1"
    ).update(
        evidence="Minutes of the board,  café notes\nand a second line",
        planned_action="A working group on funding",
        officer_comment="Agreed lower: no minutes seen",
    )


@pytest.mark.parametrize(
    "query",
    ["", "?period=2002-03", "?status=accepted&period=2002-03", "?status=returned"],
)
def test_ods_cells_equal_the_workbooks(client_as, region_set, aire_written, query):
    client = client_as("go_a")
    ods = ods_sheets(_content(client.get(ODS + query)))
    xlsx = xlsx_sheets(_content(client.get(XLSX + query)))
    same_cells(ods, xlsx)
    assert list(ods) == ["Partnerships", "Medians", "Categories", "Scores"]


def test_ods_known_cells(client_as, region_set, aire_written):
    sheets = ods_sheets(_content(client_as("go_a").get(ODS)))
    scores = sheets["Scores"]
    assert scores[0] == EXPORT_HEADERS
    assert len(scores) == 1 + 2 * 28
    first = scores[1]
    assert first[:6] == [
        "Aire Partnership",
        "Yorkshire and the Humber",
        "2003-04",
        "Accepted",
        "Internal partnership arrangements",
        "D1.1",
    ]
    # Numbers as numbers, running text with its line break and spaces.
    assert first[7] == 1 and isinstance(first[7], int)
    assert first[8] == "Minutes of the board,  café notes\nand a second line"
    # No barriers written for D1.2's planned action: an empty cell.
    assert scores[2][10] is None
    by_name = {row[0]: row for row in sheets["Partnerships"][1:]}
    assert by_name["Aire Partnership"][4:14] == [
        2.29, 1, 3, 3, 3, 4, 4, 3, 2.75, "Significant progress",
    ]  # fmt: skip
    # The draft's scores are its managers': empty cells.
    assert by_name["Derwent Partnership"][4:13] == [None] * 9
    assert sheets["Medians"][1] == ["Internal partnership arrangements", "D1", 2, 3]


def test_ods_layout(client_as, region_set):
    content = _content(client_as("go_a").get(ODS))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("content.xml").decode()
        settings = archive.read("settings.xml").decode()
    # Each sheet's header row frozen, as in the workbook.
    for name in ("Partnerships", "Medians", "Categories", "Scores"):
        frozen = (
            f'<config:config-item-map-entry config:name="{name}">'
            '<config:config-item config:name="HorizontalSplitMode" '
            'config:type="short">0</config:config-item>'
            '<config:config-item config:name="VerticalSplitMode" '
            'config:type="short">2</config:config-item>'
            '<config:config-item config:name="VerticalSplitPosition" '
            'config:type="int">1</config:config-item>'
        )
        assert frozen in settings
    # Bold headings, filter buttons over every sheet's rows, column widths.
    assert 'style:name="heading"' in xml and 'fo:font-weight="bold"' in xml
    assert "table:target-range-address=\"'Scores'.A1:'Scores'.O57\"" in xml
    assert 'table:display-filter-buttons="true"' in xml
    assert 'style:column-width="12.00cm"' in xml  # the statement's 60 characters


def test_ods_content_type_and_name(client_as, region_set):
    response = client_as("go_a").get(ODS + "?period=2002-03")
    assert response["Content-Type"] == ODS_TYPE
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="learning-partnership-scores-2002-03.ods"'
    )
    _content(response)


def test_ods_scoped_like_the_csv(client_as, region_set):
    sheets = ods_sheets(_content(client_as("go_elsewhere").get(ODS)))
    assert {row[0] for row in sheets["Scores"][1:]} == {"Tees Partnership"}
    sheets = ods_sheets(_content(client_as("officer_a").get(ODS)))
    assert {row[0] for row in sheets["Scores"][1:]} == {
        "Aire Partnership",
        "Calder Partnership",
    }


@pytest.mark.parametrize("who", ["manager_a", "manager_b", "no_role"])
def test_ods_forbidden_to_others(client_as, region_set, who):
    assert client_as(who).get(ODS).status_code == 403


def test_ods_needs_sign_in(anonymous, region_set):
    response = anonymous.get(ODS)
    assert response.status_code == 302
    assert "next=/dashboard/scores.ods" in response["Location"]


def test_ods_without_returns_has_the_scores_headings(client_as, db):
    sheets = ods_sheets(_content(client_as("go_a").get(ODS)))
    assert sheets == {"Scores": [EXPORT_HEADERS]}


def test_dashboard_links_to_the_ods(client_as, region_set):
    page = client_as("go_a").get("/dashboard/?status=accepted").content.decode()
    assert (
        'href="/dashboard/scores.ods?status=accepted&amp;period=2003-04">'
        "Download scores (ODS, OpenDocument spreadsheet)</a>"
    ) in page


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        _content(client.get(url))
    return len(queries)


def test_spreadsheets_cost_the_same_queries_with_ten_times_the_rows(
    client_as, region_set, period_2003
):
    """Slow: twenty more returns are started, scored and counted in the
    figures, as the services do, to have several times the rows."""
    client = client_as("admin")
    region = f"?region={region_set.aire.region_id}&period=2003-04"
    few = {url: _queries(client, url + region) for url in (ODS, XLSX)}
    for n in range(20):
        partnership = LearningPartnershipFactory(
            name=f"Added {n:02}", region=region_set.aire.region
        )
        make_return(partnership, period_2003, self_scores={"D1": 2, "D2": 3})
    many = {url: _queries(client, url + region) for url in (ODS, XLSX)}
    sheets = ods_sheets(_content(client.get(ODS + region)))
    assert len(sheets["Scores"]) - 1 == 28 * (3 + 20)  # Aire, Calder, Derwent
    assert many == few
