"""Supplement files (local statements) read and checked as framework files
are: the same reader, the same indicator checks, every problem named with its
line and field (or its sheet, row and column).

A supplement file::

    name: Yorkshire and the Humber local statements
    version: 1
    status: draft
    framework: {name: Learning and regeneration, version: 1}
    period: 2026-27
    region: YH            # or  local_lsc: West Yorkshire
    dimensions:
      - code: D2
        indicators:
          - code: D2.L1
            statement: ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .framework_files import (
    MAX_VERSION,
    FrameworkFileError,
    Path,
    _read_indicator,
    _read_yaml,
    _Reader,
    read_header,
)
from .models import period_dates

# A dimension of the framework supplemented: D1 (regeneration), C1
# (collaboration); that the framework has it is checked on import.
DIMENSION_CODE = re.compile(r"^[A-Z]\d+$")


@dataclass
class ParsedSupplement:
    """A checked supplement file, ready for ``supplement_import``; the
    framework, period and area still to be found by name."""

    name: str
    version: int
    status: str
    framework_name: str
    framework_version: int
    period: str
    region: str
    local_lsc: str
    # [{"code": "D2", "indicators": [{code, statement, ...}]}]
    dimensions: list[dict[str, Any]]
    # Where each top-level field is, as problems name it ("line 3", a cell).
    places: dict[str, str] = field(default_factory=dict)


def parse_supplement_file(text: str) -> ParsedSupplement:
    """Read and check a supplement file; FrameworkFileError lists every problem."""
    data, lines = _read_yaml(text)
    return parse_supplement_data(data, lines)


def parse_supplement_data(
    data: Any, lines: dict[Path, int] | dict[Path, str]
) -> ParsedSupplement:
    """Check a supplement read from a YAML file or a workbook, naming each
    problem's place from ``lines``; FrameworkFileError lists every problem."""
    reader = _Reader(lines)
    top, name, version, status = read_header(reader, data)
    framework_name, framework_version = _read_framework(reader, top)
    period = reader.text(top, (), "period", max_length=7)
    if period:
        try:
            period_dates(period)
        except ValueError:
            reader.problem(("period",), f"{period!r} is not a period like 2003-04")
    region = reader.text(top, (), "region", required=False, max_length=60)
    local_lsc = reader.text(top, (), "local_lsc", required=False, max_length=120)
    if bool(region) == bool(local_lsc):
        reader.problem(
            (),
            "give either region (a region's code) or local_lsc (a local LSC's "
            "name), not both",
        )
    dimensions = _read_dimensions(reader, top)
    if reader.problems:
        raise FrameworkFileError(reader.problems)
    places = {
        key: _place(lines, (key,))
        for key in ("version", "framework", "period", "region", "local_lsc")
    }
    return ParsedSupplement(
        name=name,
        version=version,
        status=str(status),
        framework_name=framework_name,
        framework_version=framework_version,
        period=period,
        region=region,
        local_lsc=local_lsc,
        dimensions=dimensions,
        places=places,
    )


def _place(lines: dict[Path, int] | dict[Path, str], path: Path) -> str:
    where = lines.get(path)
    if isinstance(where, str):
        return where
    return f"line {where}, {path[0]}" if where else f"file, {path[0]}"


def _read_framework(reader: _Reader, top: dict[str, Any]) -> tuple[str, int]:
    """The base framework's name and version."""
    base = top.get("framework")
    if base is None:
        reader.problem(("framework",), "is missing")
        return "", 0
    mapping = reader.mapping(base, ("framework",))
    if mapping is None:
        return "", 0
    name = reader.text(mapping, ("framework",), "name", max_length=160)
    version = mapping.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        reader.problem(("framework", "version"), "must be a whole number, 1 or more")
        return name, 0
    return name, min(version, MAX_VERSION)


def _read_dimensions(reader: _Reader, top: dict[str, Any]) -> list[dict[str, Any]]:
    """The dimensions the local statements go under (each named once by its
    code), each with its indicators coded like D2.L1."""
    dimensions = []
    seen_dimensions: set[str] = set()
    seen_codes: set[str] = set()
    for index, item in enumerate(reader.items(top, (), "dimensions")):
        path: Path = ("dimensions", index)
        dimension = reader.mapping(item, path)
        if dimension is None:
            continue
        code = reader.text(dimension, path, "code", max_length=10)
        if code and not DIMENSION_CODE.match(code):
            reader.problem((*path, "code"), f"{code!r} is not a dimension code like D1")
        elif code in seen_dimensions:
            reader.problem((*path, "code"), f"{code} appears twice")
        seen_dimensions.add(code)
        indicators = []
        for i, raw in enumerate(reader.items(dimension, path, "indicators")):
            indicator = _read_indicator(
                reader, raw, (*path, "indicators", i), code, seen_codes, local=True
            )
            if indicator is not None:
                indicators.append(indicator)
        dimensions.append({"code": code, "indicators": indicators})
    return dimensions
