"""Reading the downloads back: an OpenDocument spreadsheet's cells as typed
values (odfpy), and a workbook's (openpyxl), to compare them cell by cell."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

from odf import teletype
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import load_workbook

ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"


def ods_sheets(content: bytes) -> dict[str, list[list[Any]]]:
    """Each sheet's rows, by sheet name: numbers as int or float, dates and
    times as date and datetime, text as str, an empty cell as None."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        # The media type, first and uncompressed.
        first = archive.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype").decode() == ODS_TYPE
    document = load(io.BytesIO(content))
    sheets = {}
    for table in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            values: list[Any] = []
            for cell in row.getElementsByType(TableCell):
                repeated = int(cell.getAttribute("numbercolumnsrepeated") or 1)
                values += [_value(cell)] * repeated
            rows.append(values)
        sheets[str(table.getAttribute("name"))] = rows
    return sheets


def _value(cell: Any) -> Any:
    kind = cell.getAttribute("valuetype")
    if kind is None:
        return None
    if kind == "float":
        number = float(cell.getAttribute("value"))
        return int(number) if number.is_integer() else number
    if kind == "date":
        value = cell.getAttribute("datevalue")
        if "T" in value:
            return datetime.datetime.fromisoformat(value)
        return datetime.date.fromisoformat(value)
    if kind == "boolean":
        return cell.getAttribute("booleanvalue") == "true"
    assert kind == "string", kind
    return "\n".join(teletype.extractText(p) for p in cell.getElementsByType(P))


def xlsx_sheets(content: bytes) -> dict[str, list[list[Any]]]:
    """Each sheet's rows, by sheet name, as openpyxl reads them."""
    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def same_cells(ods: dict[str, list[list[Any]]], xlsx: dict[str, list[list[Any]]]):
    """The ODS file holds what the workbook holds, sheet by sheet and cell by
    cell (a whole number read back from a workbook may be a float)."""
    assert list(ods) == list(xlsx)
    for name in xlsx:
        assert len(ods[name]) == len(xlsx[name]), name
        for number, (ods_row, xlsx_row) in enumerate(
            zip(ods[name], xlsx[name], strict=True), start=1
        ):
            # Trailing empty cells: a workbook's row is as wide as its sheet.
            while xlsx_row and xlsx_row[-1] is None and len(xlsx_row) > len(ods_row):
                xlsx_row = xlsx_row[:-1]
            assert ods_row == xlsx_row, (name, number)
            for ods_value, xlsx_value in zip(ods_row, xlsx_row, strict=True):
                assert type(ods_value) is type(xlsx_value) or {
                    type(ods_value),
                    type(xlsx_value),
                } == {int, float}, (name, number, ods_value, xlsx_value)
