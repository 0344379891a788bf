"""What files the upload takes and how it reads them: the templates round
trip, formulas stay text, CSV with a byte-order mark or semicolons, and
hostile files refused with a clear message, never a server error."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.test import override_settings
from odf import opendocument, table
from odf import text as odf_text

from imports.models import ImportLog, Upload
from partnerships.models import LocalLSC

from .helpers import FORMATS, confirm, preview_of, spreadsheet, text, upload

pytestmark = pytest.mark.django_db

KINDS = ["llscs", "lsps", "partnerships", "members", "users"]
SIMPLE = [["name", "region"], ["Humberside", "YH"]]


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_each_template_downloads_and_imports_as_it_is(
    kind, file_format, cast, client_as
):
    client = client_as("admin")

    download = client.get(f"/imports/templates/{kind}.{file_format}")

    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="{kind}.{file_format}"'
    )
    preview = preview_of(client, kind, _file(f"{kind}.{file_format}", download.content))
    assert preview.context["preview"].problems == []
    assert len(preview.context["preview"].rows) == 1
    response = confirm(client, preview)
    assert response.status_code == 302
    assert ImportLog.objects.get().created_count == 1


def test_the_column_guide_lists_every_column_and_choice(cast, client_as):
    page = text(client_as("admin").get("/imports/columns/"))

    for column in ("local_authority", "structure_model", "is_board_member"):
        assert column in page
    assert "Multi-borough (multi_borough)" in page
    assert "Yorkshire and the Humber (YH)" in page
    assert "Partnership manager (manager)" in page


@pytest.mark.parametrize(
    "content",
    [
        "\ufeffname,region\r\nHumberside,YH\r\n".encode(),
        b"name;region\nHumberside;YH\n",
        b"name\tregion\nHumberside\tYH\n",
        b'"name","region"\n"Humberside","YH"',
    ],
    ids=["byte-order-mark", "semicolons", "tabs", "quoted"],
)
def test_csv_as_spreadsheets_save_it(content, cast, client_as):
    client = client_as("admin")

    preview = preview_of(client, "llscs", _file("llscs.csv", content))

    assert preview.context["preview"].problems == []
    assert preview.context["preview"].rows[0].key == "Humberside"


def test_a_csv_formula_is_kept_as_text(cast, client_as):
    client = client_as("admin")
    content = b'name,region\n=HYPERLINK("http://x"),YH\n\'=1+1,NE\n'

    preview = preview_of(client, "llscs", _file("llscs.csv", content))
    confirm(client, preview)

    assert set(
        LocalLSC.objects.filter(name__startswith="=").values_list("name", flat=True)
    ) == {
        '=HYPERLINK("http://x")',
        "=1+1",
    }


def test_an_xlsx_formula_is_read_as_its_text_not_its_value(cast, client_as):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["name", "region"])
    sheet.append(['=CONCAT("Hum","berside")', "YH"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_as("admin")

    preview = preview_of(client, "llscs", _file("llscs.xlsx", buffer.getvalue()))

    assert preview.context["preview"].rows[0].key == '=CONCAT("Hum","berside")'


def test_an_ods_formula_is_read_as_its_text_not_its_value(cast, client_as):
    document = opendocument.OpenDocumentSpreadsheet()
    sheet = table.Table(name="LSCs")
    for cells in (["name", "region"], [None, "YH"]):
        row = table.TableRow()
        for value in cells:
            if value is None:
                cell = table.TableCell(
                    formula='of:="Hum"&"berside"', valuetype="string"
                )
                cell.addElement(odf_text.P(text="Humberside"))
            else:
                cell = table.TableCell(valuetype="string")
                cell.addElement(odf_text.P(text=value))
            row.addElement(cell)
        sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.save(buffer)
    client = client_as("admin")

    preview = preview_of(client, "llscs", _file("llscs.ods", buffer.getvalue()))

    assert preview.context["preview"].rows[0].key == '="Hum"&"berside"'
    assert preview.context["preview"].sheet == "LSCs"


def test_only_the_first_sheet_is_read_and_the_preview_says_so(cast, client_as):
    workbook = openpyxl.Workbook()
    workbook.active.append(["name", "region"])
    workbook.active.append(["Humberside", "YH"])
    other = workbook.create_sheet("Notes")
    other.append(["anything"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_as("admin")

    preview = preview_of(client, "llscs", _file("llscs.xlsx", buffer.getvalue()))

    assert preview.context["preview"].other_sheets == ["Notes"]
    assert "The other sheet ( Notes ) is not imported" in text(preview)


def test_blank_rows_keep_the_row_numbers_a_spreadsheet_shows(cast, client_as):
    client = client_as("admin")
    content = b"name,region\n\nHumberside,YH\n\nWessex,Atlantis\n"

    preview = preview_of(client, "llscs", _file("llscs.csv", content))

    assert [row.number for row in preview.context["preview"].rows] == [3, 5]
    assert str(preview.context["preview"].problems[0]).startswith(
        "Row 5, column region"
    )


def test_a_row_longer_than_the_header_is_a_problem(cast, client_as):
    client = client_as("admin")
    content = b"name,region\nHumberside,YH,extra\n"

    preview = preview_of(client, "llscs", _file("llscs.csv", content))

    assert [str(p) for p in preview.context["preview"].problems] == [
        "Row 2: has more cells than the header row"
    ]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


HOSTILE = [
    ("junk.csv", b"\x00\x01\x02\xff\xfe\x89PNG", "is not a CSV file: it is not UTF-8"),
    ("nul.csv", b"name,region\nHum\x00,YH\n", "is not a CSV file"),
    ("records.txt", b"name,region\nHumberside,YH\n", "must be a CSV, XLSX or ODS"),
    ("noextension", b"name,region\nHumberside,YH\n", "must be a CSV, XLSX or ODS"),
    ("empty.csv", b"", "The selected file is empty"),
    ("blank.csv", b"\n\n ,\n", "The selected file is empty"),
    ("header.csv", b"name,region\n", "has a header row but no rows"),
    (
        "sheet.csv",
        spreadsheet("xlsx", SIMPLE),
        "is named .csv but it is an Excel (XLSX) spreadsheet",
    ),
    (
        "sheet.xlsx",
        spreadsheet("ods", SIMPLE),
        "is named .xlsx but it is an OpenDocument (ODS) spreadsheet",
    ),
    ("text.xlsx", b"name,region\nHumberside,YH\n", "is named .xlsx but it is a CSV"),
    ("archive.xlsx", _zip({"readme.txt": b"hello"}), "is not an Excel (XLSX)"),
    ("broken.xlsx", spreadsheet("xlsx", SIMPLE)[:300], "cannot be opened"),
    (
        "bomb.xlsx",
        _zip({"[Content_Types].xml": b"x", "big.xml": b"\0" * (25 * 1024 * 1024)}),
        "unpacks to more than a spreadsheet of this size could hold",
    ),
    (
        "macros.xlsx",
        _zip({"[Content_Types].xml": b"application/vnd.ms-excel.sheet.macroEnabled"}),
        "macro-enabled",
    ),
    (
        "fake.xlsx",
        _zip(
            {
                "[Content_Types].xml": b"application/vnd.openxmlformats-"
                b"officedocument.spreadsheetml.sheet.main+xml"
            }
        ),
        "cannot be read as an Excel spreadsheet",
    ),
    (
        "fake.ods",
        _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        "cannot be read as an OpenDocument spreadsheet",
    ),
    ("huge.csv", b"name,region\n" + b"x" * (2 * 1024 * 1024), "smaller than 2 MB"),
    ("missing.csv", b"name\nHumberside\n", "The header row has no column region"),
    (
        "unknown.csv",
        b"name,region,colour\nHumberside,YH,red\n",
        "does not have: colour",
    ),
    ("twice.csv", b"name,region,name\nA,YH,B\n", "has more than one column name"),
    (
        "quote.csv",
        b'name,region\n"Humberside,YH\n' + b"x" * 1_100_000,
        "cannot be read",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "message"), HOSTILE, ids=[h[0] for h in HOSTILE]
)
def test_a_file_that_cannot_be_imported_is_refused_with_a_reason(
    name, content, message, cast, client_as
):
    client = client_as("admin")

    response = upload(client, "llscs", _file(name, content))

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    assert message in errors[0], errors
    assert message in text(response)
    assert not Upload.objects.exists()


@override_settings(IMPORT_MAX_ROWS=3)
def test_a_file_of_too_many_rows_is_refused(cast, client_as):
    rows = [["name", "region"]] + [[f"LSC {n}", "YH"] for n in range(4)]
    client = client_as("admin")

    response = upload(client, "llscs", _file("llscs.csv", spreadsheet("csv", rows)))

    assert response.context["form"].errors["file"] == [
        "The selected file has more than 3 rows: split it into smaller files"
    ]


@override_settings(IMPORT_MAX_ROWS=3)
def test_an_ods_sheet_of_a_million_repeated_empty_rows_is_read_quickly(cast, client_as):
    document = opendocument.OpenDocumentSpreadsheet()
    sheet = table.Table(name="LSCs")
    for cells in (["name", "region"], ["Humberside", "YH"]):
        row = table.TableRow()
        for value in cells:
            cell = table.TableCell(valuetype="string")
            cell.addElement(odf_text.P(text=value))
            row.addElement(cell)
        sheet.addElement(row)
    sheet.addElement(table.TableRow(numberrowsrepeated=1_048_000))
    filled = table.TableRow(numberrowsrepeated=1_000_000)
    cell = table.TableCell(valuetype="string", numbercolumnsrepeated=16_000)
    cell.addElement(odf_text.P(text="x"))
    filled.addElement(cell)
    sheet.addElement(filled)
    document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.save(buffer)
    client = client_as("admin")

    response = upload(client, "llscs", _file("llscs.ods", buffer.getvalue()))

    # The repeated filled row is read only up to the row limit.
    assert "more than 3 rows" in response.context["form"].errors["file"][0]


def test_the_kind_and_the_file_are_required(cast, client_as):
    response = client_as("admin").post("/imports/", {})

    errors = response.context["form"].errors
    assert errors == {
        "kind": ["Select what the rows of the file are"],
        "file": ["Select a file"],
    }


def test_headers_may_be_the_columns_labels(cast, client_as):
    client = client_as("admin")
    content = (
        b"Name,Local authority,Tier,Region,Neighbourhood Renewal Fund\n"
        b"Hull CitySafe,Hull City Council,Unitary,YH,yes\n"
    )

    preview = preview_of(client, "lsps", _file("lsps.csv", content))

    assert preview.context["preview"].problems == []
    assert ["Neighbourhood Renewal Fund", "(empty)", "Yes"] in (
        preview.context["preview"].rows[0].outcome()["changes"]
    )


def test_the_file_name_is_kept_on_one_line_without_control_characters(cast, client_as):
    client = client_as("admin")
    upload_response = upload(
        client, "llscs", _file("lscs\x00\u202e\tnew.csv", b"name,region\nA,YH\n")
    )

    assert Upload.objects.get().file_name.replace(" ", "") == "lscsnew.csv"
    assert upload_response.status_code == 302
