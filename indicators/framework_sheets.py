"""Frameworks as workbooks (XLSX or ODS): written from and read into the same
structure as the YAML framework file, so the same checks run on both; every
field read keeps its sheet, row and column, so each problem names its cell.

The layout, one sheet each, a header row first:
- Framework: field | value rows for name, version, status, role,
  description and periods (the period codes separated by commas);
- Score levels: value | label | descriptor;
- Dimensions: code | title | description;
- Indicators: dimension | code | statement | guidance | evidence_examples |
  pmf_quality | may_be_not_applicable (yes, or blank for no) | applies_to
  (structure models separated by commas, blank for all), each indicator
  under the dimension whose code it names;
- Categories (optional): kind | code | name, each category in the list of
  its kind (barriers, impact, added_value), in the order of the rows.

The type is judged from the content, never the name; macro-enabled,
encrypted and oversized workbooks are refused before they are read.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from govuk import ods_cells, zip_parts

from .framework_files import FrameworkFileError, Path

YAML, XLSX, ODS = "yaml", "xlsx", "ods"
FORMATS = (YAML, XLSX, ODS)
CONTENT_TYPES = {
    YAML: "application/yaml; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ODS: "application/vnd.oasis.opendocument.spreadsheet",
}

FRAMEWORK_SHEET = "Framework"
LEVELS_SHEET = "Score levels"
DIMENSIONS_SHEET = "Dimensions"
INDICATORS_SHEET = "Indicators"
CATEGORIES_SHEET = "Categories"
REQUIRED_SHEETS = (FRAMEWORK_SHEET, LEVELS_SHEET, DIMENSIONS_SHEET, INDICATORS_SHEET)
# A workbook written before frameworks had categories has no Categories sheet.
SHEETS = (*REQUIRED_SHEETS, CATEGORIES_SHEET)
CATEGORY_COLUMNS = ("kind", "code", "name")
FRAMEWORK_FIELDS = ("name", "version", "status", "role", "description", "periods")
LEVEL_COLUMNS = ("value", "label", "descriptor")
DIMENSION_COLUMNS = ("code", "title", "description")
INDICATOR_COLUMNS = (
    "dimension",
    "code",
    "statement",
    "guidance",
    "evidence_examples",
    "pmf_quality",
    "may_be_not_applicable",
    "applies_to",
)
# How a cell says yes or no to may_be_not_applicable; anything else is left
# for the checker to refuse, naming its cell.
YES = {"yes", "true", "y", "1"}
NO = {"no", "false", "n", "0"}

# A framework has tens of indicators; these bound what a hostile file costs.
MAX_ROWS = 2000
MAX_COLUMNS = 20
MAX_ZIP_MEMBERS = 500
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main"
NOT_A_FRAMEWORK_FILE = (
    "The framework file must be UTF-8 text (YAML), or an XLSX or ODS spreadsheet"
)

Rows = list[tuple[int, list[Any]]]


def _refused(message: str) -> FrameworkFileError:
    return FrameworkFileError([f"file: {message}"])


def file_format(content: bytes) -> str:
    """YAML, XLSX or ODS, judged from the content; FrameworkFileError for
    anything else, and for workbooks that are macro-enabled, encrypted or
    unpack to far more than a framework needs."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        if content.startswith(b"\xd0\xcf\x11\xe0"):
            # An OLE file: a password-protected workbook or an old .xls.
            raise _refused(
                "The selected file is an encrypted or old-style Excel workbook: "
                "save it without a password as an Excel workbook (.xlsx)"
            )
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _refused(NOT_A_FRAMEWORK_FILE) from error
        return YAML
    archive = _archive(content)
    mimetype = _read_member(archive, "mimetype", 100)
    if mimetype is not None and mimetype.strip() == ODS_MIMETYPE:
        manifest = _read_member(archive, "META-INF/manifest.xml", 1024 * 1024) or b""
        if b"encryption-data" in manifest:
            raise _refused("The selected file is encrypted: save it without a password")
        return ODS
    types = _read_member(archive, "[Content_Types].xml", 64 * 1024)
    if types is not None and b"macroEnabled" in types:
        raise _refused(
            "The selected file is a macro-enabled workbook: save it as an Excel "
            "workbook (.xlsx)"
        )
    if types is not None and XLSX_MAIN in types:
        return XLSX
    raise _refused(NOT_A_FRAMEWORK_FILE)


def _archive(content: bytes) -> zipfile.ZipFile:
    return zip_parts.open_archive(
        content,
        max_members=MAX_ZIP_MEMBERS,
        max_unpacked_bytes=MAX_UNPACKED_BYTES,
        too_big="The selected file unpacks to far more than a framework needs, so "
        "it was not read",
        refuse=_refused,
    )


def _read_member(archive: zipfile.ZipFile, name: str, cap: int) -> bytes | None:
    return zip_parts.read_member(archive, name, cap, refuse=_refused)


# Reading -------------------------------------------------------------------------


def read_workbook(content: bytes, kind: str) -> tuple[dict[str, Any], dict[Path, str]]:
    """The workbook as the structure a YAML framework file parses to, and the
    cell (or row, or sheet) of every field in it."""
    return _Converter(
        read_sheets(content, kind, SHEETS, required=REQUIRED_SHEETS)
    ).convert()


def read_sheets(
    content: bytes,
    kind: str,
    names: tuple[str, ...],
    *,
    required: tuple[str, ...] | None = None,
) -> dict[str, Rows]:
    """The filled rows of the sheets named, bounded as hostile files need;
    each of ``required`` (all of them when not given) must be there."""
    try:
        sheets = (
            _xlsx_sheets(content, names)
            if kind == XLSX
            else _ods_sheets(content, names)
        )
    except FrameworkFileError:
        raise
    except Exception as error:  # any parser error on a hostile file
        raise _refused("The selected file cannot be read as a spreadsheet") from error
    missing = [name for name in (required or names) if name not in sheets]
    if missing:
        raise FrameworkFileError(
            [f"workbook: there is no sheet called {name!r}" for name in missing]
        )
    return sheets


def _cell_value(value: Any) -> Any:
    """Blank cells as None and whole numbers as int, as YAML reads them."""
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _xlsx_sheets(content: bytes, names: tuple[str, ...]) -> dict[str, Rows]:
    from openpyxl import load_workbook

    # data_only=False: a formula is read as its text, never as a value a
    # spreadsheet computed.
    workbook = load_workbook(
        io.BytesIO(content), read_only=True, data_only=False, keep_links=False
    )
    try:
        return {
            str(sheet.title): [
                (number, [_cell_value(value) for value in row])
                for number, row in enumerate(
                    sheet.iter_rows(
                        max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True
                    ),
                    start=1,
                )
                if any(_cell_value(value) is not None for value in row)
            ]
            for sheet in workbook.worksheets
            if str(sheet.title) in names
        }
    finally:
        workbook.close()


def _ods_sheets(content: bytes, names: tuple[str, ...]) -> dict[str, Rows]:
    from odf import opendocument
    from odf.namespaces import TABLENS

    document = opendocument.load(io.BytesIO(content))
    sheets = {}
    for node in document.spreadsheet.childNodes:
        name = str(node.getAttribute("name") or "")
        if node.qname == (TABLENS, "table") and name in names:
            sheets[name] = list(_ods_rows(node))
    return sheets


def _ods_rows(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """The filled rows of an ODS sheet with their numbers; repeated rows and
    cells (how spreadsheets save the empty rest of a sheet) never expanded
    past the limits."""
    from odf.namespaces import TABLENS

    number = 0
    for row in ods_cells.row_nodes(sheet, TABLENS):
        repeat = ods_cells.repeat(row, "numberrowsrepeated")
        cells: list[Any] = []
        for cell in row.childNodes:
            if cell.qname[0] != TABLENS or cell.qname[1] not in (
                "table-cell",
                "covered-table-cell",
            ):
                continue
            value = _cell_value(ods_cells.cell_value(cell))
            times = ods_cells.repeat(cell, "numbercolumnsrepeated")
            cells.extend([value] * min(times, MAX_COLUMNS - len(cells)))
            if len(cells) >= MAX_COLUMNS:
                break
        if all(value is None for value in cells):
            number += repeat
            continue
        for _ in range(repeat):
            number += 1
            if number > MAX_ROWS:
                return
            yield number, cells


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


class _Converter:
    """Builds the framework structure from the sheets, noting each field's
    place; problems of layout (unknown columns, a dimension no sheet has)
    are collected and raised with the checker's."""

    def __init__(self, sheets: dict[str, Rows]) -> None:
        self.sheets = sheets
        self.places: dict[Path, str] = {}
        self.problems: list[str] = []

    def cell(self, sheet: str, row: int, column: int, header: str) -> str:
        return f"sheet {sheet!r}, row {row}, column {_column_letter(column)} ({header})"

    def table(
        self, sheet: str, columns: tuple[str, ...]
    ) -> list[tuple[int, dict[str, Any], dict[str, str]]]:
        """Each row after the header as {column: value}, with each column's
        cell; headers the layout does not have are problems."""
        rows = self.sheets[sheet]
        if not rows:
            return []
        header_row, header = rows[0]
        names: dict[int, str] = {}
        for index, title in enumerate(header):
            if title is None:
                continue
            name = str(title).strip().lower().replace(" ", "_")
            if name in columns and name not in names.values():
                names[index] = name
            else:
                self.problems.append(
                    f"{self.cell(sheet, header_row, index, str(title))}: "
                    f"is not a column of this sheet (expected {', '.join(columns)})"
                )
        table = []
        for number, values in rows[1:]:
            row = {
                name: values[index] if index < len(values) else None
                for index, name in names.items()
            }
            cells = {
                name: self.cell(sheet, number, index, name)
                for index, name in names.items()
            }
            table.append((number, row, cells))
        return table

    def convert(self) -> tuple[dict[str, Any], dict[Path, str]]:
        data: dict[str, Any] = {}
        self.places[()] = f"sheet {FRAMEWORK_SHEET!r}"
        self.framework(data)
        self.places[("score_levels",)] = f"sheet {LEVELS_SHEET!r}"
        data["score_levels"] = self.rows(LEVELS_SHEET, LEVEL_COLUMNS, "score_levels")
        self.places[("dimensions",)] = f"sheet {DIMENSIONS_SHEET!r}"
        data["dimensions"] = self.rows(
            DIMENSIONS_SHEET, DIMENSION_COLUMNS, "dimensions"
        )
        self.indicators(data["dimensions"])
        if self.sheets.get(CATEGORIES_SHEET):
            self.places[("categories",)] = f"sheet {CATEGORIES_SHEET!r}"
            data["categories"] = self.categories()
        if self.problems:
            raise FrameworkFileError(self.problems)
        return data, self.places

    def framework(
        self,
        data: dict[str, Any],
        sheet: str = FRAMEWORK_SHEET,
        fields: tuple[str, ...] = FRAMEWORK_FIELDS,
    ) -> None:
        """The field | value rows of the sheet into ``data``."""
        rows = self.sheets[sheet]
        if rows and str(rows[0][1][0] or "").strip().lower() == "field":
            rows = rows[1:]  # the header row, if it is there
        for number, values in rows:
            field = str(values[0] or "").strip().lower()
            value = values[1] if len(values) > 1 else None
            where = self.cell(sheet, number, 1, field or "value")
            if field not in fields:
                self.problems.append(
                    f"{self.cell(sheet, number, 0, 'field')}: "
                    f"{field!r} is not one of {', '.join(fields)}"
                )
                continue
            if field in data:
                self.problems.append(f"{where}: {field} appears twice")
                continue
            self.places[(field,)] = where
            if field == "periods" and value is not None:
                codes = [code.strip() for code in str(value).split(",")]
                value = [code for code in codes if code]
                for index in range(len(value)):
                    self.places[("periods", index)] = where
            data[field] = value

    def rows(self, sheet: str, columns: tuple[str, ...], key: str) -> list[Any]:
        items = []
        for index, (number, row, cells) in enumerate(self.table(sheet, columns)):
            self.places[(key, index)] = f"sheet {sheet!r}, row {number}"
            for name, where in cells.items():
                self.places[(key, index, name)] = where
            items.append({name: value for name, value in row.items()})
        return items

    def indicators(self, dimensions: list[dict[str, Any]]) -> None:
        """Each indicator row into the list of the dimension it names."""
        by_code = {
            str(dimension.get("code") or "").strip(): index
            for index, dimension in enumerate(dimensions)
        }
        counts = [0] * len(dimensions)
        for number, row, cells in self.table(INDICATORS_SHEET, INDICATOR_COLUMNS):
            code = str(row.pop("dimension", None) or "").strip()
            where = cells.pop(
                "dimension",
                f"sheet {INDICATORS_SHEET!r}, row {number}, dimension",
            )
            if code not in by_code:
                self.problems.append(
                    f"{where}: {code!r} is not a dimension on the "
                    f"{DIMENSIONS_SHEET!r} sheet"
                    if code
                    else f"{where}: is missing"
                )
                continue
            d_index = by_code[code]
            i_index = counts[d_index]
            counts[d_index] += 1
            path: Path = ("dimensions", d_index, "indicators", i_index)
            self.places[path] = f"sheet {INDICATORS_SHEET!r}, row {number}"
            for name, place in cells.items():
                self.places[(*path, name)] = place
            _applicability(row)
            dimensions[d_index].setdefault("indicators", []).append(row)

    def categories(self) -> dict[str, list[dict[str, Any]]]:
        """Each category row into the list of its kind, kinds in the order
        they first appear; an unknown kind is left for the checker to name."""
        lists: dict[str, list[dict[str, Any]]] = {}
        for number, row, cells in self.table(CATEGORIES_SHEET, CATEGORY_COLUMNS):
            kind = str(row.pop("kind", None) or "").strip()
            where = cells.pop("kind", f"sheet {CATEGORIES_SHEET!r}, row {number}, kind")
            if not kind:
                self.problems.append(f"{where}: is missing")
                continue
            items = lists.setdefault(kind, [])
            self.places.setdefault(("categories", kind), where)
            path: Path = ("categories", kind, len(items))
            self.places[path] = f"sheet {CATEGORIES_SHEET!r}, row {number}"
            for name, place in cells.items():
                self.places[(*path, name)] = place
            items.append(row)
        return lists


def _applicability(row: dict[str, Any]) -> None:
    """The cells of may_be_not_applicable and applies_to as a YAML file holds
    them: a yes or no, and a list of structure models; blank cells dropped."""
    flag = row.pop("may_be_not_applicable", None)
    if flag is not None:
        text = str(flag).strip().lower()
        row["may_be_not_applicable"] = (
            True if text in YES else False if text in NO else flag
        )
    models = row.pop("applies_to", None)
    if models is not None:
        row["applies_to"] = [
            model.strip() for model in str(models).split(",") if model.strip()
        ]


# Writing -------------------------------------------------------------------------


def _sheets_of(data: dict[str, Any]) -> list[tuple[str, list[list[Any]]]]:
    """The workbook's sheets, each its rows (header first), from the
    structure a framework file holds."""
    framework = [["field", "value"]] + [
        [field, ", ".join(data[field]) if field == "periods" else data.get(field)]
        for field in FRAMEWORK_FIELDS
    ]
    levels = [list(LEVEL_COLUMNS)] + [
        [level[name] for name in LEVEL_COLUMNS] for level in data["score_levels"]
    ]
    dimensions = [list(DIMENSION_COLUMNS)] + [
        [dimension[name] for name in DIMENSION_COLUMNS]
        for dimension in data["dimensions"]
    ]
    indicators = [list(INDICATOR_COLUMNS)] + [
        [dimension["code"]]
        + [_indicator_cell(indicator, name) for name in INDICATOR_COLUMNS[1:]]
        for dimension in data["dimensions"]
        for indicator in dimension["indicators"]
    ]
    categories = [list(CATEGORY_COLUMNS)] + [
        [kind, category["code"], category["name"]]
        for kind, items in data.get("categories", {}).items()
        for category in items
    ]
    return [
        (FRAMEWORK_SHEET, framework),
        (LEVELS_SHEET, levels),
        (DIMENSIONS_SHEET, dimensions),
        (INDICATORS_SHEET, indicators),
        (CATEGORIES_SHEET, categories),
    ]


def _indicator_cell(indicator: dict[str, Any], name: str) -> Any:
    value = indicator.get(name, "")
    if name == "may_be_not_applicable":
        return "yes" if value else ""
    if name == "applies_to":
        return ", ".join(value or [])
    return value


def write_workbook(data: dict[str, Any], kind: str) -> bytes:
    """The framework structure as an XLSX or ODS workbook."""
    return write_sheets(_sheets_of(data), kind)


def write_sheets(sheets: list[tuple[str, list[list[Any]]]], kind: str) -> bytes:
    """Sheets (each its rows, header first) as an XLSX or ODS workbook."""
    plain = [
        (name, [[_plain(value) for value in row] for row in rows])
        for name, rows in sheets
    ]
    return _write_xlsx(plain) if kind == XLSX else _write_ods(plain)


def _plain(value: Any) -> Any:
    """Text as plain str (the YAML export's folded-text marker dropped)."""
    return str(value) if isinstance(value, str) else value


def _write_xlsx(sheets: list[tuple[str, list[list[Any]]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for row_cells in sheet.iter_rows():
            for cell in row_cells:
                if isinstance(cell.value, str):
                    # Text starting "=" stays text, never a formula.
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_ods(sheets: list[tuple[str, list[list[Any]]]]) -> bytes:
    import tablib

    book = tablib.Databook()
    for name, rows in sheets:
        dataset = tablib.Dataset(*rows[1:], headers=rows[0], title=name)
        book.add_sheet(dataset)
    return bytes(book.export("ods"))
