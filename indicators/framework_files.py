"""Framework files read and checked: every problem named with its line and
field, and what YAML is slow to read refused before it is read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from partnerships.models import StructureModel

from .models import (
    ROLE_CODE_LETTER,
    CategoryKind,
    FrameworkRole,
    FrameworkStatus,
    PMFQuality,
    period_dates,
)

Path = tuple[str | int, ...]

CATEGORY_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_TEXT = 4000
MAX_VERSION = 2_147_483_647  # the largest a PositiveIntegerField holds everywhere
MAX_DEPTH = 20


class FrameworkFileError(Exception):
    """A framework file that cannot be imported, with every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Reader:
    """Checks the parsed file, naming the line and field of each problem."""

    # A YAML file's line numbers, or a workbook's "sheet 'Indicators', row 5,
    # column C (statement)" places.
    lines: dict[Path, int] | dict[Path, str]

    def __post_init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: Path, message: str) -> None:
        """Note a problem at the line (or cell) of ``path``, or of its nearest
        parent."""
        found = next(
            (n for n in range(len(path), -1, -1) if path[:n] in self.lines), None
        )
        line = self.lines[path[:found]] if found is not None else None
        if isinstance(line, str):
            # A workbook's cell names its column already; a parent's place
            # (a row, a sheet) is followed by the field it lacks.
            rest = _path_label(path[found:]) if found is not None else ""
            self.problems.append(
                f"{line}, {rest}: {message}" if rest else f"{line}: {message}"
            )
            return
        where = _path_label(path)
        prefix = f"line {line}" if line else "file"
        self.problems.append(
            f"{prefix}, {where}: {message}" if where else f"{prefix}: {message}"
        )

    def text(
        self,
        data: dict[str, Any],
        path: Path,
        key: str,
        *,
        required: bool = True,
        max_length: int = MAX_TEXT,
    ) -> str:
        """The text at ``key``, stripped; "" (with a problem) when refused."""
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem((*path, key), "is missing")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.problem((*path, key), "must be text")
            return ""
        text = str(value).strip()
        if len(text) > max_length:
            self.problem((*path, key), f"must be {max_length} characters or fewer")
        if "\x00" in text:
            # A YAML "\0" escape; PostgreSQL cannot store it.
            self.problem((*path, key), "must not contain a NUL character")
        return text

    def items(self, data: dict[str, Any], path: Path, key: str) -> list[Any]:
        """The non-empty list at ``key``; [] (with a problem) otherwise."""
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.problem((*path, key), "must be a list with at least one entry")
            return []
        return value

    def mapping(self, value: Any, path: Path) -> dict[str, Any] | None:
        """``value`` when it is a mapping; None (with a problem) otherwise."""
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping of fields")
            return None
        return value


def _path_label(path: Path) -> str:
    """A field's path as problems name it: dimensions[0].indicators[2].code."""
    label = ""
    for part in path:
        label += (
            f"[{part}]" if isinstance(part, int) else (f".{part}" if label else part)
        )
    return label


def _line_map(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    """Record in ``lines`` the line of every field under ``node``."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _line_map(value_node, (*path, str(key_node.value)), lines)
            lines[(*path, str(key_node.value))] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), lines)


@dataclass
class ParsedFramework:
    """A checked framework file, ready for ``framework_import``."""

    name: str
    version: int
    status: str
    description: str
    periods: list[str]
    score_levels: list[dict[str, Any]]
    dimensions: list[dict[str, Any]]
    role: str = FrameworkRole.REGENERATION.value
    version_line: int = 1
    # Per kind (barriers, impact, added_value), its categories in order, each
    # {"code", "name"}; a framework may have none.
    categories: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    # Where the version is, as a problem names it: "line 2", or a cell.
    version_where: str = "line 1"


_OPENS = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSES = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _refuse_unreadable(text: str) -> None:
    """Refuse what a framework file never needs and YAML is slow to read:
    aliases (a few nested ones take hours to expand) and deep nesting (the
    parser slows down quadratically, then runs out of stack). Scanning stops
    at the first, so a hostile file costs little."""
    depth = 0
    for token in yaml.scan(text):
        line = token.start_mark.line + 1
        if isinstance(token, yaml.AliasToken):
            raise FrameworkFileError(
                [f"line {line}: aliases (*{token.value}) are not allowed"]
            )
        if isinstance(token, _OPENS):
            depth += 1
            if depth > MAX_DEPTH:
                raise FrameworkFileError(
                    [f"line {line}: nested more than {MAX_DEPTH} levels deep"]
                )
        elif isinstance(token, _CLOSES):
            depth -= 1


def _read_yaml(text: str) -> tuple[Any, dict[Path, int]]:
    """The file's data and the line of each field, read safely: aliases and
    deep nesting refused first, then YAML and value errors named as problems."""
    lines: dict[Path, int] = {}
    try:
        _refuse_unreadable(text)
        data = yaml.safe_load(text)
        root = yaml.compose(text)
        if root is not None:
            _line_map(root, (), lines)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = f"line {mark.line + 1}" if mark else "file"
        raise FrameworkFileError(
            [f"{line}: not valid YAML ({error.problem})"]
        ) from error
    except yaml.YAMLError as error:
        raise FrameworkFileError([f"file: not valid YAML ({error})"]) from error
    except ValueError as error:
        # A value YAML recognises but cannot make: 2003-02-30, a 5,000-digit number.
        raise FrameworkFileError([f"file: a value cannot be read ({error})"]) from error
    return data, lines


def parse_framework_file(text: str) -> ParsedFramework:
    """Read and check a framework file; FrameworkFileError lists every problem."""
    data, lines = _read_yaml(text)
    return parse_framework_data(data, lines)


def parse_framework_data(
    data: Any, lines: dict[Path, int] | dict[Path, str]
) -> ParsedFramework:
    """Check a framework read from a YAML file or a workbook, naming each
    problem's place from ``lines``; FrameworkFileError lists every problem."""
    reader = _Reader(lines)
    top, name, version, status = read_header(reader, data)
    role = _read_role(reader, top)
    description = reader.text(top, (), "description", required=False)
    periods = _read_periods(reader, top)
    score_levels = _read_score_levels(reader, top)
    dimensions = _read_dimensions(reader, top, ROLE_CODE_LETTER.get(role, "D"))
    categories = _read_categories(reader, top)
    if reader.problems:
        raise FrameworkFileError(reader.problems)
    version_line = lines.get(("version",), 1)
    return ParsedFramework(
        name=name,
        version=version,
        status=str(status),
        description=description,
        periods=periods,
        score_levels=score_levels,
        dimensions=dimensions,
        role=role,
        categories=categories,
        version_line=version_line if isinstance(version_line, int) else 1,
        version_where=(
            version_line if isinstance(version_line, str) else f"line {version_line}"
        ),
    )


def read_header(reader: _Reader, data: Any) -> tuple[dict[str, Any], str, int, str]:
    """The top-level mapping of a framework or supplement file, with its name,
    version and status (draft or published); FrameworkFileError when the file
    is not a mapping at all."""
    top = reader.mapping(data, ())
    if top is None:
        raise FrameworkFileError(reader.problems)
    name = reader.text(top, (), "name", max_length=160)
    version = _read_version(reader, top)
    status = top.get("status", FrameworkStatus.DRAFT)
    if status not in FrameworkStatus.values:
        reader.problem(("status",), "must be draft or published")
    return top, name, version, status


def _read_version(reader: _Reader, top: dict[str, Any]) -> int:
    """The version number, or 0 (with a problem) when it is not one a
    framework can have."""
    version = top.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        reader.problem(("version",), "must be a whole number, 1 or more")
        return 0
    if version > MAX_VERSION:
        reader.problem(("version",), f"must be {MAX_VERSION} or less")
        return 0
    return version


def _read_role(reader: _Reader, top: dict[str, Any]) -> str:
    """The role the framework assesses: regeneration when not given."""
    role = top.get("role")
    if role is None or (isinstance(role, str) and not role.strip()):
        return FrameworkRole.REGENERATION.value
    if not isinstance(role, str) or role.strip() not in FrameworkRole.values:
        reader.problem(("role",), f"must be one of {', '.join(FrameworkRole.values)}")
        return FrameworkRole.REGENERATION.value
    return role.strip()


def _read_periods(reader: _Reader, top: dict[str, Any]) -> list[str]:
    """The codes of the periods listed (none is fine), each like 2003-04."""
    periods = []
    listed = top.get("periods") or []
    if not isinstance(listed, list):
        reader.problem(("periods",), "must be a list of periods like 2003-04")
        listed = []
    for index, code in enumerate(listed):
        try:
            period_dates(str(code))
            periods.append(str(code))
        except ValueError:
            reader.problem(("periods", index), f"{code!r} is not a period like 2003-04")
    return periods


def _read_score_levels(reader: _Reader, top: dict[str, Any]) -> list[dict[str, Any]]:
    """The score levels, their values running 1, 2, 3 ... once each."""
    levels = []
    seen_values: set[int] = set()
    for index, item in enumerate(reader.items(top, (), "score_levels")):
        path: Path = ("score_levels", index)
        level = reader.mapping(item, path)
        if level is None:
            continue
        value = level.get("value")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            reader.problem((*path, "value"), "must be a whole number, 1 or more")
        elif value in seen_values:
            reader.problem((*path, "value"), f"{value} appears twice")
        else:
            seen_values.add(value)
        levels.append(
            {
                "value": value,
                "label": reader.text(level, path, "label", max_length=60),
                "descriptor": reader.text(level, path, "descriptor"),
            }
        )
    if seen_values and seen_values != set(range(1, len(seen_values) + 1)):
        reader.problem(("score_levels",), "values must run 1, 2, 3 ... without gaps")
    return levels


def _read_dimensions(
    reader: _Reader, top: dict[str, Any], letter: str
) -> list[dict[str, Any]]:
    """The dimensions, in the file's order, each code used once and starting
    with the role's letter (D for regeneration, C for collaboration)."""
    dimensions = []
    seen_codes: set[str] = set()
    for index, item in enumerate(reader.items(top, (), "dimensions")):
        dimension = _read_dimension(
            reader, item, ("dimensions", index), seen_codes, letter
        )
        if dimension is not None:
            dimensions.append(dimension)
    return dimensions


def _read_dimension(
    reader: _Reader, item: Any, path: Path, seen_codes: set[str], letter: str
) -> dict[str, Any] | None:
    """One dimension with its indicators, or None when it is not a mapping.
    Its code, even a refused one, joins ``seen_codes``."""
    dimension = reader.mapping(item, path)
    if dimension is None:
        return None
    code = reader.text(dimension, path, "code", max_length=10)
    if code and not re.match(rf"^{letter}\d+$", code):
        reader.problem((*path, "code"), f"{code!r} is not a code like {letter}1")
    elif code in seen_codes:
        reader.problem((*path, "code"), f"{code} appears twice")
    seen_codes.add(code)
    seen_indicator_codes: set[str] = set()
    indicators = []
    for index, raw in enumerate(reader.items(dimension, path, "indicators")):
        indicator = _read_indicator(
            reader, raw, (*path, "indicators", index), code, seen_indicator_codes
        )
        if indicator is not None:
            indicators.append(indicator)
    # The title and description are checked after the indicators, so their
    # problems come after the indicators' ones.
    return {
        "code": code,
        "title": reader.text(dimension, path, "title", max_length=160),
        "description": reader.text(dimension, path, "description"),
        "indicators": indicators,
    }


def _read_indicator(
    reader: _Reader,
    raw: Any,
    path: Path,
    dimension_code: str,
    seen_codes: set[str],
    *,
    local: bool = False,
) -> dict[str, Any] | None:
    """One indicator, coded like its dimension's (D1.1 in D1; a local
    statement D1.L1, so it can never take a national indicator's code), or
    None when it is not a mapping. Its code, even a refused one, joins
    ``seen_codes``."""
    indicator = reader.mapping(raw, path)
    if indicator is None:
        return None
    code = reader.text(indicator, path, "code", max_length=12)
    mark = "L" if local else ""
    if code and not re.match(rf"^{re.escape(dimension_code)}\.{mark}\d+$", code):
        reader.problem(
            (*path, "code"), f"{code!r} is not a code like {dimension_code}.{mark}1"
        )
    elif code in seen_codes:
        reader.problem((*path, "code"), f"{code} appears twice")
    seen_codes.add(code)
    quality = indicator.get("pmf_quality") or ""
    if quality and quality not in PMFQuality.values:
        reader.problem(
            (*path, "pmf_quality"),
            f"{quality!r} is not one of {', '.join(PMFQuality.values)}",
        )
    return {
        "code": code,
        **_read_applicability(reader, indicator, path, code),
        "statement": reader.text(indicator, path, "statement"),
        "guidance": reader.text(indicator, path, "guidance", required=False),
        "evidence_examples": reader.text(
            indicator, path, "evidence_examples", required=False
        ),
        "pmf_quality": quality,
    }


def _read_categories(
    reader: _Reader, top: dict[str, Any]
) -> dict[str, list[dict[str, str]]]:
    """The category lists (none is fine): a mapping of kind to its list of
    categories, each with a code used once in its list and a name."""
    listed = top.get("categories")
    if listed is None:
        return {}
    if not isinstance(listed, dict):
        reader.problem(
            ("categories",),
            f"must be a mapping of {', '.join(CategoryKind.values)} to lists",
        )
        return {}
    lists: dict[str, list[dict[str, str]]] = {}
    for kind in listed:
        if kind not in CategoryKind.values:
            reader.problem(
                ("categories", str(kind)),
                f"{kind!r} is not one of {', '.join(CategoryKind.values)}",
            )
            continue
        seen: set[str] = set()
        categories = []
        for index, item in enumerate(reader.items(listed, ("categories",), kind)):
            path: Path = ("categories", kind, index)
            category = reader.mapping(item, path)
            if category is None:
                continue
            code = reader.text(category, path, "code", max_length=40)
            if code and not CATEGORY_CODE.match(code):
                reader.problem(
                    (*path, "code"),
                    f"{code!r} is not a code of lower-case letters, digits and "
                    "underscores, like funding_streams",
                )
            elif code in seen:
                reader.problem((*path, "code"), f"{code} appears twice in {kind}")
            seen.add(code)
            categories.append(
                {
                    "code": code,
                    "name": reader.text(category, path, "name", max_length=160),
                }
            )
        lists[kind] = categories
    return lists


def _read_applicability(
    reader: _Reader, indicator: dict[str, Any], path: Path, code: str
) -> dict[str, Any]:
    """``may_be_not_applicable`` (true or false, false when absent) and
    ``applies_to`` (structure models, none for all), each problem naming the
    indicator; only the keys given, so a file without them reads as before."""
    found: dict[str, Any] = {}
    name = code or "this indicator"
    if "may_be_not_applicable" in indicator:
        flag = indicator["may_be_not_applicable"]
        if flag is None:
            flag = False
        if not isinstance(flag, bool):
            reader.problem(
                (*path, "may_be_not_applicable"),
                f"must be true or false for indicator {name}",
            )
            flag = False
        found["may_be_not_applicable"] = flag
    if "applies_to" in indicator:
        models = indicator["applies_to"] or []
        if not isinstance(models, list):
            reader.problem(
                (*path, "applies_to"),
                f"must be a list of structure models for indicator {name} "
                f"({', '.join(StructureModel.values)})",
            )
            models = []
        kept: list[str] = []
        for index, model in enumerate(models):
            if model not in StructureModel.values:
                reader.problem(
                    (*path, "applies_to", index),
                    f"{model!r} is not a structure model, in indicator {name} "
                    f"(expected one of {', '.join(StructureModel.values)})",
                )
            elif model not in kept:
                kept.append(model)
        found["applies_to"] = kept
    return found
