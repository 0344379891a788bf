"""A file's rows, read from its content whatever its name says: CSV (UTF-8,
with or without a byte-order mark, separated by commas, semicolons or tabs),
Excel (XLSX) or OpenDocument (ODS).

The rows are read with the libraries tablib reads them with (csv, openpyxl,
odfpy, and tablib's own ODS cell reader), but row by row, because tablib's
loaders would lose what the checks need: they drop blank lines (so the row
numbers shown would be wrong), refuse a row of another length without saying
which, read every row of a sheet however many there are, and give a formula's
last computed value rather than the formula. Here a formula is read as the
text it is and never computed; reading stops past the row limit; a spreadsheet
(a ZIP archive) is judged from its central directory before any part is
unpacked, and Python's zipfile never unpacks a part past the size it declares.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from govuk import ods_cells, zip_parts

from .models import FileFormat

MAX_COLUMNS = 50
MAX_ZIP_MEMBERS = 500
MIMETYPE_READ_MAX = 100
CONTENT_TYPES_READ_MAX = 64 * 1024
# A CSV cell longer than any column allows is refused by the row checks; the
# csv module's own limit would end the whole read with an error.
CSV_FIELD_LIMIT = 1024 * 1024
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main"
# What a spreadsheet uses, besides a printable character, between cells.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
_EXTENSIONS = {
    ".csv": FileFormat.CSV,
    ".xlsx": FileFormat.XLSX,
    ".ods": FileFormat.ODS,
}
_EXTENSION_OF: dict[str, str] = {fmt: ext for ext, fmt in _EXTENSIONS.items()}
_FORMAT_NAMES: dict[str, str] = {
    FileFormat.CSV: "a CSV file",
    FileFormat.XLSX: "an Excel (XLSX) spreadsheet",
    FileFormat.ODS: "an OpenDocument (ODS) spreadsheet",
}


NOT_OPENED = "The selected file cannot be opened as a spreadsheet"


class FileRefused(Exception):
    """The file cannot be read as rows; the message says why, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """The rows of a file: the header row, then each row with its number as a
    spreadsheet shows it (the header row is row 1)."""

    file_format: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    # The sheet read ("" for CSV), and the other sheets of a workbook, unread.
    sheet: str = ""
    other_sheets: list[str] = field(default_factory=list)


def max_rows() -> int:
    return int(settings.IMPORT_MAX_ROWS)


def max_size() -> str:
    """The largest file accepted, as people say it: 2 MB, 500 KB."""
    limit = int(settings.IMPORT_MAX_BYTES)
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if limit >= size:
            return f"{limit / size:g} {unit}"
    return f"{limit} bytes"


def too_large() -> str:
    return f"The selected file must be smaller than {max_size()}"


def read_table(content: bytes, *, file_name: str) -> Table:
    """The header row and rows of an uploaded file, or FileRefused."""
    if not content:
        raise FileRefused("The selected file is empty")
    if len(content) > int(settings.IMPORT_MAX_BYTES):
        raise FileRefused(too_large())
    named = _EXTENSIONS.get(_extension(file_name))
    if named is None:
        raise FileRefused("The selected file must be a CSV, XLSX or ODS file")
    actual = _format_of(content)
    if actual is None and named == FileFormat.CSV:
        raise FileRefused(
            "The selected file is not a CSV file: it is not UTF-8 text. Save it "
            "as CSV UTF-8, or as an XLSX or ODS spreadsheet"
        )
    if actual is None:
        raise FileRefused(
            f"The selected file is not {_FORMAT_NAMES[named]}: save it again as "
            "CSV UTF-8, XLSX or ODS"
        )
    if actual != named:
        raise FileRefused(
            f"The selected file is named {_extension(file_name)} but it is "
            f"{_FORMAT_NAMES[actual]}: give it the {_EXTENSION_OF[actual]} "
            "extension"
        )
    if actual == FileFormat.CSV:
        table = _read_csv(content)
    elif actual == FileFormat.XLSX:
        table = _read_xlsx(content)
    else:
        table = _read_ods(content)
    return _checked(table)


def _extension(file_name: str) -> str:
    name = file_name.lower().rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def _format_of(content: bytes) -> str | None:
    """The format the content is, or None."""
    if content.startswith(b"PK\x03\x04"):
        return _spreadsheet_format(content)
    text = _text_of(content)
    return FileFormat.CSV if text is not None else None


def _text_of(content: bytes) -> str | None:
    """The content as text, or None if it is not UTF-8 text (binary data,
    NUL bytes, control characters nobody types)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in _ALLOWED_CONTROLS for c in text) or "\x7f" in text:
        return None
    return text


def _archive(content: bytes) -> zipfile.ZipFile:
    """The ZIP archive, once its central directory shows nothing that would
    flood the reader: too many parts, too much unpacked, encryption."""
    return zip_parts.open_archive(
        content,
        max_members=MAX_ZIP_MEMBERS,
        max_unpacked_bytes=int(settings.IMPORT_MAX_UNPACKED_BYTES),
        too_big="The selected file unpacks to more than a spreadsheet of this size "
        "could hold, so it was not read",
        refuse=FileRefused,
    )


def _read_member(archive: zipfile.ZipFile, name: str, cap: int) -> bytes | None:
    return zip_parts.read_member(archive, name, cap, refuse=FileRefused)


def _spreadsheet_format(content: bytes) -> str | None:
    archive = _archive(content)
    mimetype = _read_member(archive, "mimetype", MIMETYPE_READ_MAX)
    if mimetype is not None and mimetype.strip() == ODS_MIMETYPE:
        return FileFormat.ODS
    types = _read_member(archive, "[Content_Types].xml", CONTENT_TYPES_READ_MAX)
    if types is not None and b"macroEnabled" in types:
        raise FileRefused(
            "The selected file is a macro-enabled workbook: save it as an Excel "
            "workbook (.xlsx)"
        )
    if types is not None and XLSX_MAIN in types:
        return FileFormat.XLSX
    return None


def _delimiter(first_line: str) -> str:
    """Commas, unless the header row is plainly separated by semicolons (as
    Excel saves CSV where the comma is the decimal mark) or tabs."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] and counts[","] == 0 else ","


def _read_csv(content: bytes) -> Table:
    text = _text_of(content)
    if text is None:  # pragma: no cover - told apart by _format_of already
        raise FileRefused("The selected file is not a CSV file")
    delimiter = _delimiter(text.split("\n", 1)[0])
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _table(FileFormat.CSV, enumerate(reader, start=1))
    except csv.Error as error:
        raise FileRefused(
            f"The selected file cannot be read as CSV (line {reader.line_num}: {error})"
        ) from error


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula cell is read as its formula, never as a
        # value a spreadsheet computed from it.
        workbook = load_workbook(
            io.BytesIO(content), read_only=True, data_only=False, keep_links=False
        )
        try:
            sheets = workbook.worksheets
            if not sheets:
                raise FileRefused("The selected file has no sheet")
            sheet = sheets[0]
            rows = sheet.iter_rows(
                max_row=max_rows() + 2, max_col=MAX_COLUMNS, values_only=True
            )
            table = _table(
                FileFormat.XLSX, ((n, list(row)) for n, row in enumerate(rows, 1))
            )
            table.sheet = str(sheet.title)
            table.other_sheets = [str(other.title) for other in sheets[1:]]
        finally:
            workbook.close()
    except FileRefused:
        raise
    except Exception as error:  # any parser error on a hostile file
        raise FileRefused(
            "The selected file cannot be read as an Excel spreadsheet"
        ) from error
    return table


def _read_ods(content: bytes) -> Table:
    from odf import opendocument
    from odf.namespaces import TABLENS

    try:
        document = opendocument.load(io.BytesIO(content))
        sheets = [
            node
            for node in document.spreadsheet.childNodes
            if node.qname == (TABLENS, "table")
        ]
        if not sheets:
            raise FileRefused("The selected file has no sheet")
        sheet = sheets[0]
        table = _table(FileFormat.ODS, _ods_rows(sheet))
        table.sheet = str(sheet.getAttribute("name") or "")
        table.other_sheets = [str(other.getAttribute("name")) for other in sheets[1:]]
    except FileRefused:
        raise
    except Exception as error:  # any parser error on a hostile file
        raise FileRefused(
            "The selected file cannot be read as an OpenDocument spreadsheet"
        ) from error
    return table


def _ods_rows(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """The rows of an ODS sheet with their numbers, repeated rows and cells
    counted as the spreadsheet shows them but never expanded past the limits
    (spreadsheets save the empty rest of a sheet as a million repeats)."""
    from odf.namespaces import TABLENS

    number = 0
    filled = 0
    stop = max_rows() + 2
    for row in ods_cells.row_nodes(sheet, TABLENS):
        repeat = ods_cells.repeat(row, "numberrowsrepeated")
        cells: list[Any] = []
        for cell in row.childNodes:
            if cell.qname[0] != TABLENS or cell.qname[1] not in (
                "table-cell",
                "covered-table-cell",
            ):
                continue
            value = ods_cells.cell_value(cell)
            times = ods_cells.repeat(cell, "numbercolumnsrepeated")
            cells.extend([value] * min(times, MAX_COLUMNS - len(cells)))
            if len(cells) >= MAX_COLUMNS:
                break
        if all(value in ("", None) for value in cells):
            number += repeat
            continue
        for _ in range(min(repeat, stop - filled)):
            number += 1
            filled += 1
            yield number, cells
        if filled >= stop:
            return


def _table(file_format: str, numbered: Iterator[tuple[int, list[Any]]]) -> Table:
    """The first non-blank row as the header, then the other non-blank rows,
    stopping (refused) past the row limit."""
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    limit = max_rows()
    for number, cells in numbered:
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        if headers is None:
            headers = [("" if cell is None else str(cell)) for cell in cells]
            continue
        if len(rows) >= limit:
            raise FileRefused(
                f"The selected file has more than {limit:,} rows: split it into "
                "smaller files"
            )
        rows.append((number, list(cells)))
    return Table(file_format=file_format, headers=headers or [], rows=rows)


def _checked(table: Table) -> Table:
    if not table.headers:
        raise FileRefused("The selected file is empty")
    if not table.rows:
        raise FileRefused(
            "The selected file has a header row but no rows under it to import"
        )
    return table
