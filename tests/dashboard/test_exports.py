"""The CSV and Excel exports: what the regional view shows (its period,
scope and filters), cell by cell; labels, widths, the byte-order mark; drafts
left out for those who may not read them.

Streamed content is collected with b"".join(response.streaming_content); the
responses are never closed (closing ends the test database connection on
PostgreSQL)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from assessment.models import Answer
from indicators.models import Indicator
from reports.exports import EXPORT_HEADERS

CSV = "/dashboard/scores.csv"
XLSX = "/dashboard/scores.xlsx"
D1 = "Internal partnership arrangements"


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    body = _body(response)
    # A byte-order mark, so that Excel reads the file as UTF-8.
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _workbook(response):
    return load_workbook(io.BytesIO(_body(response)))


def _values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def statement(region_set):
    def find(code: str) -> str:
        statements = {i.statement for i in Indicator.objects.filter(code=code)}
        assert len(statements) == 1
        return statements.pop()

    return find


@pytest.fixture
def aire_written(region_set):
    """Aire's D1.1 for 2003-04 with evidence, planned action and a comment."""
    Answer.objects.filter(
        return_record=region_set.aire_2003, indicator__code="D1.1"
    ).update(
        evidence="Minutes of the board, café notes",
        planned_action="A working group on funding",
        officer_comment="Agreed lower: no minutes seen",
    )


def test_csv_holds_the_period_the_page_shows(client_as, region_set):
    rows = _csv(client_as("go_a").get(CSV))
    assert rows[0] == EXPORT_HEADERS
    # The page shows 2003-04, the latest period: Aire and Calder, 28 each.
    # Derwent's return is a draft: its managers', so left out; Esk and Alpha
    # have not started.
    assert len(rows) == 1 + 2 * 28
    assert {r[2] for r in rows[1:]} == {"2003-04"}
    assert {r[0] for r in rows[1:]} == {"Aire Partnership", "Calder Partnership"}
    keys = [(r[0], r[5]) for r in rows[1:]]
    assert len(set(keys)) == len(keys)


def test_csv_known_answer_exactly(client_as, region_set, statement, aire_written):
    rows = _csv(client_as("go_a").get(CSV))
    # Sorted by partnership, dimension and indicator order.
    assert rows[1] == [
        "Aire Partnership",
        "Yorkshire and the Humber",
        "2003-04",
        "Accepted",
        D1,
        "D1.1",
        statement("D1.1"),
        "1",
        "Minutes of the board, café notes",
        "Funding",
        "A working group on funding",
        "1",
        "Agreed lower: no minutes seen",
        "",
        "Funding streams",
    ]
    assert rows[2][5:] == [
        "D1.2",
        statement("D1.2"),
        "2",
        "",
        "Staff time",
        "",
        "1",
        "",
        "",
        "",
    ]
    calder = [r for r in rows if r[0] == "Calder Partnership"]
    assert [r[5] for r in calder][:8] == [f"D1.{n}" for n in range(1, 8)] + ["D2.1"]
    assert calder[7][3] == "Submitted"
    assert calder[7][7:12] == ["2", "", "Access", "", ""]


def test_csv_period_filter(client_as, region_set):
    rows = _csv(client_as("go_a").get(CSV + "?period=2002-03"))
    assert len(rows) == 1 + 2 * 28
    assert {r[2] for r in rows[1:]} == {"2002-03"}


def test_csv_status_filter(client_as, region_set):
    rows = _csv(client_as("go_a").get(CSV + "?status=submitted"))
    assert {(r[0], r[2], r[3]) for r in rows[1:]} == {
        ("Calder Partnership", "2003-04", "Submitted"),
    }
    assert len(rows) == 1 + 28
    assert _csv(client_as("go_a").get(CSV + "?status=not_started")) == [EXPORT_HEADERS]


def test_csv_overdue_filter(client_as, region_set, period_2003):
    period_2003.submission_deadline = datetime.date(2004, 5, 31)
    period_2003.save()
    # Overdue: Derwent's draft (left out: not the GO officer's to read) and
    # the partnerships that have not started; none has answers to export.
    assert _csv(client_as("go_a").get(CSV + "?status=overdue")) == [EXPORT_HEADERS]
    rows = _csv(
        client_as("admin").get(
            CSV + "?status=overdue&region=" + str(region_set.derwent.region_id)
        )
    )
    assert {(r[0], r[3]) for r in rows[1:]} == {("Derwent Partnership", "Draft")}


def test_csv_drafts_only_for_administrators(client_as, region_set):
    assert _csv(client_as("go_a").get(CSV + "?status=draft")) == [EXPORT_HEADERS]
    region = region_set.derwent.region_id
    rows = _csv(client_as("admin").get(CSV + f"?status=draft&region={region}"))
    assert {(r[0], r[3]) for r in rows[1:]} == {("Derwent Partnership", "Draft")}
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


def test_file_names_carry_the_period(client_as, region_set):
    client = client_as("go_a")
    assert "scores-2003-04.csv" in client.get(CSV)["Content-Disposition"]
    response = client.get(XLSX + "?period=2002-03")
    assert "scores-2002-03.xlsx" in response["Content-Disposition"]


@pytest.mark.parametrize("url", [CSV, XLSX])
@pytest.mark.parametrize("who", ["manager_a", "manager_b", "no_role"])
def test_exports_forbidden_to_others(client_as, region_set, url, who):
    assert client_as(who).get(url).status_code == 403


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_exports_need_sign_in(anonymous, region_set, url):
    response = anonymous.get(url)
    assert response.status_code == 302
    assert "next=/dashboard/scores." in response["Location"]


def test_xlsx_sheets_and_layout(client_as, region_set):
    workbook = _workbook(client_as("go_a").get(XLSX))
    assert workbook.sheetnames == ["Partnerships", "Medians", "Categories", "Scores"]
    sheet = workbook["Scores"]
    assert [cell.value for cell in sheet[1]] == EXPORT_HEADERS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1 + 2 * 28
    assert sheet.auto_filter.ref == f"A1:O{1 + 2 * 28}"
    # Widths that fit what the columns hold; long text wraps.
    widths = {c: sheet.column_dimensions[c].width for c in "ABGIK"}
    assert widths == {"A": 28, "B": 22, "G": 60, "I": 60, "K": 50}
    assert sheet["G2"].alignment.wrap_text
    for name in ("Partnerships", "Medians"):
        assert workbook[name].freeze_panes == "A2"
        assert all(cell.font.b for cell in workbook[name][1])
        assert workbook[name].column_dimensions["A"].width >= 28


def test_xlsx_partnerships_sheet_is_the_page(client_as, region_set):
    rows = _values(_workbook(client_as("go_a").get(XLSX))["Partnerships"])
    assert rows[0] == [
        "Partnership",
        "Region",
        "Return status",
        "Overdue",
        f"{D1} (D1): self",
        f"{D1} (D1): agreed",
        "Developing demand for learning in regeneration areas (D2): self",
        "Developing demand for learning in regeneration areas (D2): agreed",
        "Facilitating and supporting the delivery of learning for regeneration "
        "(D3): self",
        "Facilitating and supporting the delivery of learning for regeneration "
        "(D3): agreed",
        "Influencing regeneration policy and agencies (D4): self",
        "Influencing regeneration policy and agencies (D4): agreed",
        "Overall",
        "Stage",
        "Change since 2002-03",
        "GO rating",
        "Local agreement",
        "LSP recognition",
        "Other regeneration bodies",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert list(by_name) == [
        "Aire Partnership",
        "Alpha Learning",
        "Calder Partnership",
        "Derwent Partnership",
        "Esk Partnership",
    ]
    assert by_name["Aire Partnership"] == [
        "Aire Partnership",
        "Yorkshire and the Humber",
        "Accepted",
        "No",
        *(2.29, 1, 3, 3, 3, 4, 4, 3),
        2.75,
        "Significant progress",
        0.75,
        4,
        "Memorandum of understanding signed",
        "Formal learning arm",
        "None recorded",
    ]
    # The draft's scores are its managers': its status only, as on the page.
    assert by_name["Derwent Partnership"][2:13] == ["Draft", "No", *[None] * 9]
    assert by_name["Esk Partnership"][2] == "Not started"


def test_xlsx_medians_sheet(client_as, region_set):
    rows = _values(_workbook(client_as("go_a").get(XLSX))["Medians"])
    assert rows[0] == [
        "Dimension",
        "Code",
        "Median of the selected partnerships",
        "Median in England",
    ]
    assert rows[1] == [D1, "D1", 2.0, 3.0]
    assert [row[1] for row in rows[1:]] == ["D1", "D2", "D3", "D4"]


def test_xlsx_follows_the_filters(client_as, region_set):
    client = client_as("go_a")
    workbook = _workbook(client.get(XLSX + f"?llsc={region_set.llsc_a.pk}"))
    names = [row[0] for row in _values(workbook["Partnerships"])[1:]]
    assert names == ["Aire Partnership", "Alpha Learning", "Calder Partnership"]
    workbook = _workbook(client.get(XLSX + "?status=accepted&period=2002-03"))
    assert [row[:3] for row in _values(workbook["Partnerships"])[1:]] == [
        ["Aire Partnership", "Yorkshire and the Humber", "Accepted"]
    ]
    scores = _values(workbook["Scores"])[1:]
    assert {(row[0], row[2]) for row in scores} == {("Aire Partnership", "2002-03")}
    assert len(scores) == 28


def test_xlsx_values_match_csv(client_as, region_set, aire_written):
    sheet = _workbook(client_as("go_a").get(XLSX))["Scores"]
    rows = _csv(client_as("go_a").get(CSV))
    for number, row in enumerate(rows[1:], start=2):
        values = ["" if c.value is None else str(c.value) for c in sheet[number]]
        assert values == row, number


def test_xlsx_scoped_and_filtered(client_as, region_set):
    sheet = _workbook(client_as("go_elsewhere").get(XLSX + "?period=2003-04"))["Scores"]
    names = {sheet.cell(row=n, column=1).value for n in range(2, sheet.max_row + 1)}
    assert names == {"Tees Partnership"}  # Wear's return is a draft
    assert sheet.max_row == 1 + 28
    assert sheet.auto_filter.ref == "A1:O29"


def test_xlsx_empty_selection_has_headers_only(client_as, region_set):
    workbook = _workbook(client_as("go_a").get(XLSX + "?status=returned"))
    sheet = workbook["Scores"]
    assert [c.value for c in sheet[1]] == EXPORT_HEADERS
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:O1"
    assert workbook["Partnerships"].max_row == 1
