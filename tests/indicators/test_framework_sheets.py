"""Frameworks as XLSX and ODS workbooks: exported and imported back the same,
checked as the YAML file is with each problem named by sheet, row and column,
refused when they are not workbooks a framework can be read from; through
the pages and the commands."""

from __future__ import annotations

import io
import zipfile
from io import StringIO
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from indicators.framework_files import FrameworkFileError
from indicators.framework_sheets import (
    ODS,
    XLSX,
    file_format,
    read_workbook,
    write_workbook,
)
from indicators.models import Framework, Indicator
from indicators.services import (
    framework_export,
    framework_export_file,
    framework_import,
    framework_import_file,
    framework_publish,
    reference_framework_load,
)

from .test_frameworks import SMALL, contents, counts

FORMATS = [XLSX, ODS]


def small_data(**changes: Any) -> dict[str, Any]:
    data = yaml.safe_load(SMALL)
    data.update(changes)
    return data


def bad_workbook(kind: str) -> bytes:
    """The small framework with a missing statement (D1.2, Indicators row 3),
    an unknown quality (D1.1, row 2) and a version that is not a number."""
    data = small_data(version="one")
    first, second = data["dimensions"][0]["indicators"]
    first["pmf_quality"] = "brilliant"
    second["statement"] = ""
    return write_workbook(data, kind)


# Round trip ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_reference_framework_round_trips_through_a_workbook(db, kind):
    original = reference_framework_load()
    yaml_text = framework_export(framework=original)
    expected = contents(original)
    content = framework_export_file(framework=original, file_format=kind)
    assert file_format(content) == kind
    original.delete()

    copy = framework_import_file(content=content)

    assert (copy.name, copy.version) == (original.name, original.version)
    assert contents(copy) == expected
    assert framework_export(framework=copy) == yaml_text


@pytest.mark.parametrize("kind", FORMATS)
def test_workbook_reads_to_what_the_yaml_file_parses_to(kind):
    data, places = read_workbook(write_workbook(small_data(), kind), kind)

    expected = small_data()
    assert data["name"] == expected["name"]
    assert data["version"] == 1
    assert data["periods"] == ["2004-05"]
    assert data["score_levels"] == expected["score_levels"]
    indicators = data["dimensions"][0]["indicators"]
    assert [i["code"] for i in indicators] == ["D1.1", "D1.2"]
    assert indicators[1]["evidence_examples"] == "Minutes."
    assert places[("dimensions", 1, "indicators", 0, "statement")] == (
        "sheet 'Indicators', row 4, column C (statement)"
    )


def test_text_starting_with_equals_stays_text_in_xlsx(db):
    data = small_data()
    data["dimensions"][0]["indicators"][0]["statement"] = "=1+1 is the sum"
    framework = framework_import_file(content=write_workbook(data, XLSX))
    assert (
        Indicator.objects.get(dimension__framework=framework, code="D1.1").statement
        == "=1+1 is the sum"
    )


# Problems named by sheet, row and column -----------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_problems_are_named_by_sheet_row_and_column(db, kind):
    with pytest.raises(FrameworkFileError) as raised:
        framework_import_file(content=bad_workbook(kind))

    assert raised.value.problems == [
        "sheet 'Framework', row 3, column B (version): "
        "must be a whole number, 1 or more",
        "sheet 'Indicators', row 2, column F (pmf_quality): 'brilliant' is not one "
        "of strategic, inclusive, action_focussed, performance_managed, efficient, "
        "learning",
        "sheet 'Indicators', row 3, column C (statement): is missing",
    ]
    assert Framework.objects.count() == 0


@pytest.mark.parametrize("kind", FORMATS)
def test_an_indicator_under_an_unknown_dimension_is_named(db, kind):
    content = _with_last_indicator_in_d9(write_workbook(small_data(), kind), kind)
    with pytest.raises(FrameworkFileError) as raised:
        framework_import_file(content=content)
    assert raised.value.problems == [
        "sheet 'Indicators', row 4, column A (dimension): 'D9' is not a dimension "
        "on the 'Dimensions' sheet"
    ]


def _with_last_indicator_in_d9(base: bytes, kind: str) -> bytes:
    if kind == XLSX:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(base))
        book["Indicators"]["A4"] = "D9"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    import tablib

    book = tablib.Databook()
    book.load(base, format="ods")
    sheets = []
    for sheet in book.sheets():
        if sheet.title == "Indicators":
            rows = [list(row) for row in sheet]
            rows[-1][0] = "D9"
            sheet = tablib.Dataset(*rows, headers=sheet.headers, title=sheet.title)
        sheets.append(sheet)
    return bytes(tablib.Databook(sheets).export("ods"))


def test_missing_sheet_and_unknown_column_are_named(db):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(write_workbook(small_data(), XLSX)))
    book["Dimensions"]["D1"] = "colour"
    del book["Score levels"]
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FrameworkFileError) as raised:
        framework_import_file(content=out.getvalue())
    assert raised.value.problems == [
        "workbook: there is no sheet called 'Score levels'"
    ]

    book.create_sheet("Score levels").append(["value", "label", "descriptor"])
    book.save(out := io.BytesIO())
    with pytest.raises(FrameworkFileError) as raised:
        framework_import_file(content=out.getvalue())
    assert raised.value.problems[0].startswith(
        "sheet 'Dimensions', row 1, column D (colour): is not a column of this sheet"
    )


def test_same_name_and_version_names_the_version_cell(db):
    framework_import(text=SMALL)
    with pytest.raises(FrameworkFileError) as raised:
        framework_import_file(content=write_workbook(small_data(), ODS))
    assert raised.value.problems == [
        "sheet 'Framework', row 3, column B (version), version: 'Small framework' "
        "version 1 already exists; give the file a new version number"
    ]


# Refused files ---------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            _zip(
                {"[Content_Types].xml": b"application/vnd.ms-excel.sheet.macroEnabled"}
            ),
            "macro-enabled workbook",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "encrypted or old-style"),
        (_zip({"big.xml": b"\x00" * (21 * 1024 * 1024)}), "unpacks to far more"),
        (_zip({"other.txt": b"hello"}), "must be UTF-8 text (YAML), or an XLSX"),
        (b"\xff\xfe\x00binary", "must be UTF-8 text (YAML), or an XLSX"),
    ],
)
def test_refused_files(db, content, message):
    with pytest.raises(FrameworkFileError) as raised:
        framework_import_file(content=content)
    assert message in raised.value.problems[0]


# Pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_admin_imports_a_workbook(client_as, db, kind):
    upload = SimpleUploadedFile("small.bin", write_workbook(small_data(), kind))
    response = client_as("admin").post("/frameworks/import/", {"file": upload})
    framework = Framework.objects.get(name="Small framework")
    assert response.status_code == 302
    assert response["Location"] == f"/frameworks/{framework.pk}/"
    expected = framework_import(text=SMALL.replace("version: 1", "version: 2"))
    assert contents(framework) == contents(expected)


@pytest.mark.parametrize("kind", FORMATS)
def test_import_page_lists_workbook_problems_by_cell(client_as, db, kind):
    upload = SimpleUploadedFile(f"bad.{kind}", bad_workbook(kind))
    before = counts()
    response = client_as("admin").post("/frameworks/import/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The file was not imported: 3 problems" in html
    assert (
        "sheet &#x27;Indicators&#x27;, row 3, column C (statement): is missing" in html
    )
    assert "sheet &#x27;Framework&#x27;, row 3, column B (version)" in html
    assert counts() == before


def test_import_page_refuses_a_macro_workbook(client_as, db):
    content = _zip(
        {"[Content_Types].xml": b"application/vnd.ms-excel.sheet.macroEnabled.main"}
    )
    upload = SimpleUploadedFile("book.xlsx", content)
    response = client_as("admin").post("/frameworks/import/", {"file": upload})
    assert response.status_code == 200
    assert "macro-enabled workbook" in response.content.decode()
    assert Framework.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("yaml", "application/yaml; charset=utf-8"),
        (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
def test_download_in_each_format(client_as, db, kind, content_type):
    framework = framework_publish(framework=framework_import(text=SMALL))
    detail = client_as("manager_a").get(f"/frameworks/{framework.pk}/")
    assert f"/frameworks/{framework.pk}/export/?format=ods" in detail.content.decode()

    response = client_as("manager_a").get(
        f"/frameworks/{framework.pk}/export/", {"format": kind}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].endswith(f'-v1.{kind}"')
    assert file_format(response.content) == kind


def test_download_in_an_unknown_format_is_not_found(client_as, db):
    framework = framework_import(text=SMALL)
    response = client_as("admin").get(
        f"/frameworks/{framework.pk}/export/", {"format": "pdf"}
    )
    assert response.status_code == 404


# Commands --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_commands_export_and_import_a_workbook(db, tmp_path, kind):
    framework = framework_import(text=SMALL)
    expected = contents(framework)
    path = tmp_path / f"small.{kind}"
    call_command(
        "export_framework",
        "Small framework",
        "--format",
        kind,
        "--output",
        str(path),
        stdout=StringIO(),
    )
    framework.delete()
    out = StringIO()

    call_command("import_framework", str(path), stdout=out)

    assert "Imported Small framework (version 1)." in out.getvalue()
    assert contents(Framework.objects.get(name="Small framework")) == expected


def test_import_command_names_the_cells_of_a_bad_workbook(db, tmp_path):
    path = tmp_path / "bad.ods"
    path.write_bytes(bad_workbook(ODS))
    with pytest.raises(CommandError) as raised:
        call_command("import_framework", str(path))
    assert "sheet 'Indicators', row 3, column C (statement): is missing" in str(
        raised.value
    )


def test_export_command_needs_an_output_for_a_workbook(db):
    framework_import(text=SMALL)
    with pytest.raises(CommandError, match="needs --output"):
        call_command("export_framework", "Small framework", "--format", "xlsx")


def test_framework_sheet_without_its_header_row_is_read(db):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(write_workbook(small_data(), XLSX)))
    book["Framework"].delete_rows(1)
    out = io.BytesIO()
    book.save(out)
    framework = framework_import_file(content=out.getvalue())
    assert (framework.name, framework.version) == ("Small framework", 1)
