"""The CSV and Excel score exports: content cell by cell, scoping, filters.

Streamed content is collected with b"".join(response.streaming_content); the
responses are never closed (closing ends the test database connection on
PostgreSQL)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from indicators.models import Indicator
from reports.exports import EXPORT_HEADERS

CSV = "/dashboard/scores.csv"
XLSX = "/dashboard/scores.xlsx"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


def _sheet(response):
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(body))["Scores"]


@pytest.fixture
def statement(region_set):
    def find(code: str) -> str:
        indicators = Indicator.objects.filter(code=code)
        statements = {i.statement for i in indicators}
        assert len(statements) == 1
        return statements.pop()

    return find


def test_csv_header_and_row_count(client_as, region_set):
    rows = _csv(client_as("go_a").get(CSV))
    assert rows[0] == EXPORT_HEADERS
    # go_a: Aire 2003-04 and 2002-03, Calder both; 28 each. Derwent's 2003-04
    # return is a draft: its managers', so left out.
    assert len(rows) == 1 + 4 * 28
    keys = [(r[0], r[2], r[5]) for r in rows[1:]]
    assert len(set(keys)) == len(keys)
    assert {r[0] for r in rows[1:]} == {"Aire Partnership", "Calder Partnership"}


def test_csv_known_answer_exactly(client_as, region_set, statement):
    rows = _csv(client_as("go_a").get(CSV))
    # Sorted by partnership, latest period first, dimension and indicator order.
    assert rows[1] == [
        "Aire Partnership",
        "Yorkshire and the Humber",
        "2003-04",
        "accepted",
        "D1",
        "D1.1",
        statement("D1.1"),
        "1",
        "1",
        "Funding",
    ]
    assert rows[2][5:] == ["D1.2", statement("D1.2"), "2", "1", "Staff time"]
    assert rows[29][:3] == ["Aire Partnership", "Yorkshire and the Humber", "2002-03"]
    calder = [r for r in rows if r[0] == "Calder Partnership" and r[2] == "2003-04"]
    assert [r[5] for r in calder][:8] == [f"D1.{n}" for n in range(1, 8)] + ["D2.1"]
    assert calder[7][7:] == ["2", "", "Access"]


def test_csv_period_filter(client_as, region_set):
    rows = _csv(client_as("go_a").get(CSV + "?period=2002-03"))
    assert len(rows) == 1 + 2 * 28
    assert {r[2] for r in rows[1:]} == {"2002-03"}


def test_csv_status_filter(client_as, region_set):
    rows = _csv(client_as("go_a").get(CSV + "?status=submitted"))
    assert {(r[0], r[2], r[3]) for r in rows[1:]} == {
        ("Calder Partnership", "2003-04", "submitted"),
        ("Calder Partnership", "2002-03", "submitted"),
    }
    assert len(rows) == 1 + 2 * 28


def test_csv_drafts_only_for_administrators(client_as, region_set):
    assert _csv(client_as("go_a").get(CSV + "?status=draft")) == [EXPORT_HEADERS]
    region = region_set.derwent.region_id
    rows = _csv(client_as("admin").get(CSV + f"?status=draft&region={region}"))
    assert {(r[0], r[3]) for r in rows[1:]} == {("Derwent Partnership", "draft")}
    assert len(rows) == 1 + 28


def test_csv_go_elsewhere_sees_none_of_region_a(client_as, region_set):
    rows = _csv(client_as("go_elsewhere").get(CSV))
    assert rows[0] == EXPORT_HEADERS
    # Wear's return is a draft.
    assert {r[0] for r in rows[1:]} == {"Tees Partnership"}
    assert all(r[1] == "North East" for r in rows[1:])


def test_csv_officer_scoped_to_llsc(client_as, region_set):
    rows = _csv(client_as("officer_a").get(CSV))
    assert {r[0] for r in rows[1:]} == {"Aire Partnership", "Calder Partnership"}


@pytest.mark.parametrize("url", [CSV, XLSX])
@pytest.mark.parametrize("who", ["manager_a", "manager_b", "no_role"])
def test_exports_forbidden_to_others(client_as, region_set, url, who):
    assert client_as(who).get(url).status_code == 403


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_exports_need_sign_in(anonymous, region_set, url):
    response = anonymous.get(url)
    assert response.status_code == 302
    assert "next=/dashboard/scores." in response["Location"]


def test_xlsx_layout(client_as, region_set):
    sheet = _sheet(client_as("go_a").get(XLSX))
    header = [cell.value for cell in sheet[1]]
    assert header == EXPORT_HEADERS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1 + 4 * 28
    assert sheet.auto_filter.ref == f"A1:J{1 + 4 * 28}"


def test_xlsx_values_match_csv(client_as, region_set, statement):
    sheet = _sheet(client_as("go_a").get(XLSX))
    assert [c.value for c in sheet[2]] == [
        "Aire Partnership",
        "Yorkshire and the Humber",
        "2003-04",
        "accepted",
        "D1",
        "D1.1",
        statement("D1.1"),
        1,
        1,
        "Funding",
    ]
    rows = _csv(client_as("go_a").get(CSV))
    for number, row in enumerate(rows[1:], start=2):
        values = ["" if c.value is None else str(c.value) for c in sheet[number]]
        assert values == row, number


def test_xlsx_scoped_and_filtered(client_as, region_set):
    sheet = _sheet(client_as("go_elsewhere").get(XLSX + "?period=2003-04"))
    names = {sheet.cell(row=n, column=1).value for n in range(2, sheet.max_row + 1)}
    assert names == {"Tees Partnership"}  # Wear's return is a draft
    assert sheet.max_row == 1 + 28
    assert sheet.auto_filter.ref == "A1:J29"


def test_xlsx_empty_selection_has_header_only(client_as, region_set):
    sheet = _sheet(client_as("go_a").get(XLSX + "?status=returned"))
    assert [c.value for c in sheet[1]] == EXPORT_HEADERS
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:J1"
