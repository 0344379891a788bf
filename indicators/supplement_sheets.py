"""Supplements (local statements) as workbooks (XLSX or ODS), read and
written as frameworks' are (framework_sheets), so the same checks run on
both and each problem names its cell.

The layout, one sheet each, a header row first:
- Supplement: field | value rows for name, version, status, framework (its
  name), framework_version, period, and region (a code) or local_lsc (a name);
- Indicators: dimension | code | statement | guidance | evidence_examples |
  pmf_quality, each statement under the base framework's dimension it names.
"""

from __future__ import annotations

from typing import Any

from .framework_files import FrameworkFileError, Path
from .framework_sheets import (
    INDICATOR_COLUMNS,
    INDICATORS_SHEET,
    _Converter,
    read_sheets,
    write_sheets,
)

SUPPLEMENT_SHEET = "Supplement"
SHEETS = (SUPPLEMENT_SHEET, INDICATORS_SHEET)
SUPPLEMENT_FIELDS = (
    "name",
    "version",
    "status",
    "framework",
    "framework_version",
    "period",
    "region",
    "local_lsc",
)


def read_workbook(content: bytes, kind: str) -> tuple[dict[str, Any], dict[Path, str]]:
    """The workbook as the structure a YAML supplement file parses to, and
    the cell (or row, or sheet) of every field in it."""
    converter = _Converter(read_sheets(content, kind, SHEETS))
    data: dict[str, Any] = {}
    converter.places[()] = f"sheet {SUPPLEMENT_SHEET!r}"
    converter.framework(data, SUPPLEMENT_SHEET, SUPPLEMENT_FIELDS)
    # The base framework's name and version, as the YAML file nests them.
    framework = {"name": data.pop("framework", None)}
    if "framework_version" in data:
        framework["version"] = data.pop("framework_version")
        converter.places[("framework", "version")] = converter.places.pop(
            ("framework_version",)
        )
    data["framework"] = framework
    if ("framework",) in converter.places:
        converter.places[("framework", "name")] = converter.places[("framework",)]
    data["dimensions"] = _dimensions(converter)
    if converter.problems:
        raise FrameworkFileError(converter.problems)
    return data, converter.places


def _dimensions(converter: _Converter) -> list[dict[str, Any]]:
    """The statements grouped under their dimension codes, in the order the
    dimensions first appear."""
    converter.places[("dimensions",)] = f"sheet {INDICATORS_SHEET!r}"
    dimensions: list[dict[str, Any]] = []
    index_of: dict[str, int] = {}
    for number, row, cells in converter.table(INDICATORS_SHEET, INDICATOR_COLUMNS):
        code = str(row.pop("dimension", None) or "").strip()
        where = cells.pop("dimension", f"sheet {INDICATORS_SHEET!r}, row {number}")
        if not code:
            converter.problems.append(f"{where}: is missing")
            continue
        if code not in index_of:
            index_of[code] = len(dimensions)
            converter.places[("dimensions", index_of[code])] = where
            converter.places[("dimensions", index_of[code], "code")] = where
            dimensions.append({"code": code, "indicators": []})
        d_index = index_of[code]
        i_index = len(dimensions[d_index]["indicators"])
        path: Path = ("dimensions", d_index, "indicators", i_index)
        converter.places[path] = f"sheet {INDICATORS_SHEET!r}, row {number}"
        for name, place in cells.items():
            converter.places[(*path, name)] = place
        dimensions[d_index]["indicators"].append(row)
    return dimensions


def write_workbook(data: dict[str, Any], kind: str) -> bytes:
    """The supplement structure as an XLSX or ODS workbook."""
    values = {
        **data,
        "framework": data["framework"]["name"],
        "framework_version": data["framework"]["version"],
    }
    supplement = [["field", "value"]] + [
        [name, values[name]] for name in SUPPLEMENT_FIELDS if name in values
    ]
    indicators = [list(INDICATOR_COLUMNS)] + [
        [dimension["code"]]
        + [indicator.get(name, "") for name in INDICATOR_COLUMNS[1:]]
        for dimension in data["dimensions"]
        for indicator in dimension["indicators"]
    ]
    return write_sheets(
        [(SUPPLEMENT_SHEET, supplement), (INDICATORS_SHEET, indicators)], kind
    )
