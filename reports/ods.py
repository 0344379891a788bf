"""OpenDocument spreadsheets (.ods): the same sheets, rows and headings as
the Excel downloads, for LibreOffice and other programs that read the open
standard.

One writer for every download. Cells are typed as in the workbook: numbers
as numbers, dates and times as dates, None as an empty cell, anything else
as text. A text cell of an OpenDocument file is never evaluated (a formula
is a separate attribute that is never written), so text a spreadsheet would
read as a formula is kept exactly as typed, as the workbook keeps it.

The file is written row by row: odfpy makes each row's XML, which goes
straight into the zip (spooled to disk when large), so a long sheet never
sits in memory as a document tree."""

from __future__ import annotations

import datetime
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.http import FileResponse
from django.utils import timezone
from odf import number, teletype
from odf.config import (
    ConfigItem,
    ConfigItemMapEntry,
    ConfigItemMapIndexed,
    ConfigItemMapNamed,
    ConfigItemSet,
)
from odf.element import Element
from odf.manifest import FileEntry, Manifest
from odf.namespaces import OFFICENS, TABLENS
from odf.office import AutomaticStyles, Body, DocumentContent, Spreadsheet
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import (
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TextProperties,
)
from odf.table import (
    DatabaseRange,
    DatabaseRanges,
    Table,
    TableCell,
    TableColumn,
    TableRow,
)
from odf.text import P

ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
_VALUE_TYPE = (OFFICENS, "value-type")
_VALUE = (OFFICENS, "value")
_DATE_VALUE = (OFFICENS, "date-value")
_BOOLEAN_VALUE = (OFFICENS, "boolean-value")
_STYLE = (TABLENS, "style-name")
_PROLOGUE = "<?xml version='1.0' encoding='UTF-8'?>\n"
# Characters XML 1.0 cannot hold (control characters other than tab and
# line ends): a file with one would not open at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A column's width in the workbook is in characters; about 0.2 cm each.
_CM_PER_CHARACTER = 0.2


@dataclass(frozen=True)
class Sheet:
    """One sheet of a download: its name, its columns (heading and width in
    characters), its rows, and the columns of running text to wrap."""

    name: str
    columns: Sequence[tuple[str, int]]
    rows: Iterable[Sequence[Any]]
    wrapped: frozenset[str] = field(default_factory=frozenset)


def ods_response(*, sheets: Iterable[Sheet], name: str) -> FileResponse:
    """The sheets as an .ods download named ``name``.ods."""
    spool = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)  # noqa: SIM115
    write_ods(spool, sheets)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{name}.ods", content_type=ODS_TYPE
    )


def write_ods(output: IO[bytes], sheets: Iterable[Sheet]) -> None:
    """Write the sheets as an OpenDocument spreadsheet: each with a bold
    header row, filter buttons over its columns, and column widths as in the
    workbook; the header rows frozen."""
    sheets = list(sheets)
    styles = _Styles()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # The media type first and uncompressed, so that a program can tell
        # the file's type from its first bytes (OpenDocument 1.2, 3.3).
        archive.writestr(
            zipfile.ZipInfo("mimetype"), ODS_TYPE, compress_type=zipfile.ZIP_STORED
        )
        with archive.open("content.xml", "w") as raw:
            content = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            _write_content(content, sheets, styles)
            content.flush()
            content.detach()
        # The document's common styles and metadata, as odfpy makes them,
        # and the view: each sheet's header row frozen, as in the workbook.
        document = OpenDocumentSpreadsheet()
        document.settings.addElement(_frozen_headers(sheets))
        archive.writestr("styles.xml", document.stylesxml())
        archive.writestr("meta.xml", document.metaxml())
        archive.writestr("settings.xml", document.settingsxml())
        archive.writestr("META-INF/manifest.xml", _manifest())


def _write_content(out: IO[str], sheets: list[Sheet], styles: _Styles) -> None:
    root = DocumentContent()
    body = Body()
    spreadsheet = Spreadsheet()
    ranges = DatabaseRanges()
    automatic = AutomaticStyles()
    for style in styles.all_for(sheets):
        automatic.addElement(style)
    # The root's open tag declares the namespaces odfpy has seen in use: an
    # element of every kind written below is made before it.
    _cell("a  b\tc\n", styles.wrapped, styles)
    Table(name="-").addElement(TableRow())
    out.write(_PROLOGUE)
    root.write_open_tag(0, out)
    automatic.toXml(1, out)
    body.write_open_tag(1, out)
    spreadsheet.write_open_tag(2, out)
    for number_of_sheet, sheet in enumerate(sheets):
        count = _write_sheet(out, sheet, styles)
        ranges.addElement(
            DatabaseRange(
                name=f"__Anonymous_Sheet_DB__{number_of_sheet}",
                targetrangeaddress=_range_address(sheet, count),
                displayfilterbuttons="true",
            )
        )
    ranges.toXml(3, out)
    spreadsheet.write_close_tag(2, out)
    body.write_close_tag(1, out)
    root.write_close_tag(0, out)


def _write_sheet(out: IO[str], sheet: Sheet, styles: _Styles) -> int:
    """The sheet's table, row by row; how many rows below the headings."""
    table = Table(name=sheet.name)
    table.write_open_tag(3, out)
    for _, width in sheet.columns:
        TableColumn(stylename=styles.column(width)).toXml(4, out)
    header = TableRow()
    for title, _ in sheet.columns:
        header.addElement(_cell(title, styles.header, styles))
    header.toXml(4, out)
    wrap = [title in sheet.wrapped for title, _ in sheet.columns]
    count = 0
    for values in sheet.rows:
        row = TableRow()
        for n, value in enumerate(values):
            wrapped = n < len(wrap) and wrap[n] and bool(value)
            row.addElement(_cell(value, styles.wrapped if wrapped else None, styles))
        row.toXml(4, out)
        count += 1
    table.write_close_tag(3, out)
    return count


def _cell(value: Any, style: Style | None, styles: _Styles) -> Element:
    """One typed cell, with the text shown beside the value as spreadsheet
    programs write it. Attributes are given by their qualified names: odfpy
    then skips looking each one up in its grammar, which costs more than
    the rest of the row."""
    attributes: dict[tuple[str, str], str] = {}
    if style is not None:
        attributes[_STYLE] = style.getAttribute("name")
    if value is None or value == "":
        return TableCell(qattributes=attributes)
    if isinstance(value, bool):
        shown = "TRUE" if value else "FALSE"
        attributes[_VALUE_TYPE] = "boolean"
        attributes[_BOOLEAN_VALUE] = str(value).lower()
    elif isinstance(value, int | float | Decimal):
        shown = str(value)
        attributes[_VALUE_TYPE] = "float"
        attributes[_VALUE] = shown
    elif isinstance(value, datetime.datetime):
        # The file has no time zones: the time as the service shows it.
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        value = value.replace(microsecond=0)
        shown = value.strftime("%Y-%m-%d %H:%M:%S")
        attributes[_VALUE_TYPE] = "date"
        attributes[_DATE_VALUE] = value.isoformat()
        attributes[_STYLE] = styles.datetime.getAttribute("name")
    elif isinstance(value, datetime.date):
        shown = value.isoformat()
        attributes[_VALUE_TYPE] = "date"
        attributes[_DATE_VALUE] = shown
        attributes[_STYLE] = styles.date.getAttribute("name")
    else:
        attributes[_VALUE_TYPE] = "string"
        shown = str(value)
    cell = TableCell(qattributes=attributes)
    # A paragraph per line, as spreadsheet programs write it; an XML reader
    # would turn a carriage return into a line end.
    text = _NOT_XML.sub("\ufffd", shown)
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if "  " in line or "\t" in line:
            # Runs of spaces and tabs as elements, or XML readers drop them.
            paragraph = P()
            teletype.addTextToElement(paragraph, line)
        else:
            paragraph = P(text=line) if line else P()
        cell.addElement(paragraph)
    return cell


class _Styles:
    """The content's automatic styles: bold headings, wrapped text, dates
    and times, and one column style per width."""

    def __init__(self) -> None:
        self.header = Style(name="heading", family="table-cell")
        self.header.addElement(TextProperties(fontweight="bold"))
        self.header.addElement(TableCellProperties(wrapoption="wrap"))
        self.wrapped = Style(name="wrapped", family="table-cell")
        self.wrapped.addElement(
            TableCellProperties(wrapoption="wrap", verticalalign="top")
        )
        self._date_format = number.DateStyle(name="date-format")
        self._datetime_format = number.DateStyle(name="datetime-format")
        for format_, with_time in (
            (self._date_format, False),
            (self._datetime_format, True),
        ):
            format_.addElement(number.Year(style="long"))
            format_.addElement(number.Text(text="-"))
            format_.addElement(number.Month(style="long"))
            format_.addElement(number.Text(text="-"))
            format_.addElement(number.Day(style="long"))
            if with_time:
                format_.addElement(number.Text(text=" "))
                format_.addElement(number.Hours(style="long"))
                format_.addElement(number.Text(text=":"))
                format_.addElement(number.Minutes(style="long"))
                format_.addElement(number.Text(text=":"))
                format_.addElement(number.Seconds(style="long"))
        self.date = Style(name="date", family="table-cell", datastylename="date-format")
        self.datetime = Style(
            name="datetime", family="table-cell", datastylename="datetime-format"
        )
        self.date.addElement(ParagraphProperties(textalign="start"))
        self.datetime.addElement(ParagraphProperties(textalign="start"))
        self._columns: dict[int, Style] = {}

    def column(self, width: int) -> Style:
        style = self._columns.get(width)
        if style is None:
            style = Style(name=f"column-{width}", family="table-column")
            style.addElement(
                TableColumnProperties(columnwidth=f"{width * _CM_PER_CHARACTER:.2f}cm")
            )
            self._columns[width] = style
        return style

    def all_for(self, sheets: list[Sheet]) -> list[Element]:
        for sheet in sheets:
            for _, width in sheet.columns:
                self.column(width)
        return [
            self._date_format,
            self._datetime_format,
            self.header,
            self.wrapped,
            self.date,
            self.datetime,
            *self._columns.values(),
        ]


def _range_address(sheet: Sheet, count: int) -> str:
    """The sheet's headings and rows, as a range address ('Scores'.A1:'Scores'.M29)."""
    name = "'" + sheet.name.replace("'", "''") + "'"
    return f"{name}.A1:{name}.{_column_letters(len(sheet.columns))}{count + 1}"


def _column_letters(number_of_column: int) -> str:
    letters = ""
    while number_of_column:
        number_of_column, remainder = divmod(number_of_column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _frozen_headers(sheets: Iterable[Sheet]) -> Element:
    """The view settings that freeze each sheet's first row, in the names
    LibreOffice reads (a split below row 1, the lower pane active)."""
    tables = ConfigItemMapNamed(name="Tables")
    for sheet in sheets:
        entry = ConfigItemMapEntry(name=sheet.name)
        for name, kind, value in (
            ("HorizontalSplitMode", "short", "0"),
            ("VerticalSplitMode", "short", "2"),
            ("VerticalSplitPosition", "int", "1"),
            ("ActiveSplitRange", "short", "2"),
            ("PositionTop", "int", "0"),
            ("PositionBottom", "int", "1"),
        ):
            entry.addElement(ConfigItem(name=name, type=kind, text=value))
        tables.addElement(entry)
    view = ConfigItemMapEntry()
    view.addElement(ConfigItem(name="ViewId", type="string", text="view1"))
    view.addElement(tables)
    views = ConfigItemMapIndexed(name="Views")
    views.addElement(view)
    settings = ConfigItemSet(name="ooo:view-settings")
    settings.addElement(views)
    return settings


def _manifest() -> bytes:
    manifest = Manifest()
    manifest.addElement(FileEntry(fullpath="/", mediatype=ODS_TYPE, version="1.2"))
    for path in ("content.xml", "styles.xml", "meta.xml", "settings.xml"):
        manifest.addElement(FileEntry(fullpath=path, mediatype="text/xml"))
    out = io.StringIO()
    out.write(_PROLOGUE)
    manifest.toXml(0, out)
    return out.getvalue().encode("utf-8")
