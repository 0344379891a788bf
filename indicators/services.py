"""Writes for frameworks: import from and export to the framework file, new
versions, publishing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from .models import (
    Dimension,
    Framework,
    FrameworkStatus,
    Indicator,
    Period,
    PMFQuality,
    ScoreLevel,
    period_dates,
)

Path = tuple[str | int, ...]

DIMENSION_CODE = re.compile(r"^D\d+$")
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

    lines: dict[Path, int]

    def __post_init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: Path, message: str) -> None:
        line = next(
            (
                self.lines[path[:n]]
                for n in range(len(path), -1, -1)
                if path[:n] in self.lines
            ),
            None,
        )
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
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.problem((*path, key), "must be a list with at least one entry")
            return []
        return value

    def mapping(self, value: Any, path: Path) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping of fields")
            return None
        return value


def _path_label(path: Path) -> str:
    label = ""
    for part in path:
        label += (
            f"[{part}]" if isinstance(part, int) else (f".{part}" if label else part)
        )
    return label


def _line_map(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
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
    name: str
    version: int
    status: str
    description: str
    periods: list[str]
    score_levels: list[dict[str, Any]]
    dimensions: list[dict[str, Any]]
    version_line: int = 1


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


def parse_framework_file(text: str) -> ParsedFramework:
    """Read and check a framework file; FrameworkFileError lists every problem."""
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
    reader = _Reader(lines)
    top = reader.mapping(data, ())
    if top is None:
        raise FrameworkFileError(reader.problems)

    name = reader.text(top, (), "name", max_length=160)
    version = top.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        reader.problem(("version",), "must be a whole number, 1 or more")
        version = 0
    elif version > MAX_VERSION:
        reader.problem(("version",), f"must be {MAX_VERSION} or less")
        version = 0
    status = top.get("status", FrameworkStatus.DRAFT)
    if status not in FrameworkStatus.values:
        reader.problem(("status",), "must be draft or published")
    description = reader.text(top, (), "description", required=False)
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

    dimensions = []
    dimension_codes: set[str] = set()
    for d_index, item in enumerate(reader.items(top, (), "dimensions")):
        path = ("dimensions", d_index)
        dimension = reader.mapping(item, path)
        if dimension is None:
            continue
        code = reader.text(dimension, path, "code", max_length=10)
        if code and not DIMENSION_CODE.match(code):
            reader.problem((*path, "code"), f"{code!r} is not a code like D1")
        elif code in dimension_codes:
            reader.problem((*path, "code"), f"{code} appears twice")
        dimension_codes.add(code)
        indicators = []
        indicator_codes: set[str] = set()
        for i_index, raw in enumerate(reader.items(dimension, path, "indicators")):
            i_path: Path = (*path, "indicators", i_index)
            indicator = reader.mapping(raw, i_path)
            if indicator is None:
                continue
            i_code = reader.text(indicator, i_path, "code", max_length=12)
            if i_code and not re.match(rf"^{re.escape(code)}\.\d+$", i_code):
                reader.problem(
                    (*i_path, "code"), f"{i_code!r} is not a code like {code}.1"
                )
            elif i_code in indicator_codes:
                reader.problem((*i_path, "code"), f"{i_code} appears twice")
            indicator_codes.add(i_code)
            quality = indicator.get("pmf_quality") or ""
            if quality and quality not in PMFQuality.values:
                reader.problem(
                    (*i_path, "pmf_quality"),
                    f"{quality!r} is not one of {', '.join(PMFQuality.values)}",
                )
            indicators.append(
                {
                    "code": i_code,
                    "statement": reader.text(indicator, i_path, "statement"),
                    "guidance": reader.text(
                        indicator, i_path, "guidance", required=False
                    ),
                    "evidence_examples": reader.text(
                        indicator, i_path, "evidence_examples", required=False
                    ),
                    "pmf_quality": quality,
                }
            )
        dimensions.append(
            {
                "code": code,
                "title": reader.text(dimension, path, "title", max_length=160),
                "description": reader.text(dimension, path, "description"),
                "indicators": indicators,
            }
        )
    if reader.problems:
        raise FrameworkFileError(reader.problems)
    return ParsedFramework(
        name=name,
        version=version,
        status=str(status),
        description=description,
        periods=periods,
        score_levels=levels,
        dimensions=dimensions,
        version_line=lines.get(("version",), 1),
    )


@transaction.atomic
def framework_import(*, text: str) -> Framework:
    """Create a framework version from a framework file; all or nothing.

    Refuses a name and version that already exist: a published framework
    never changes, so a changed file needs a new version number.
    """
    parsed = parse_framework_file(text)
    if Framework.objects.filter(name=parsed.name, version=parsed.version).exists():
        raise FrameworkFileError(
            [
                f"line {parsed.version_line}, version: {parsed.name!r} version "
                f"{parsed.version} already "
                "exists; give the file a new version number"
            ]
        )
    framework = Framework.objects.create(
        name=parsed.name,
        version=parsed.version,
        status=parsed.status,
        description=parsed.description,
        published_at=timezone.now()
        if parsed.status == FrameworkStatus.PUBLISHED
        else None,
    )
    framework.periods.set([_period(code) for code in parsed.periods])
    ScoreLevel.objects.bulk_create(
        ScoreLevel(framework=framework, **level) for level in parsed.score_levels
    )
    for d_order, item in enumerate(parsed.dimensions, start=1):
        indicators = item.pop("indicators")
        dimension = Dimension.objects.create(framework=framework, order=d_order, **item)
        Indicator.objects.bulk_create(
            Indicator(dimension=dimension, order=i_order, **indicator)
            for i_order, indicator in enumerate(indicators, start=1)
        )
    return framework


def _period(code: str) -> Period:
    starts_on, ends_on = period_dates(code)
    return Period.objects.get_or_create(
        code=code, defaults={"starts_on": starts_on, "ends_on": ends_on}
    )[0]


class _Folded(str):
    """Long text, written as a folded block."""


def _represent_folded(dumper: yaml.SafeDumper, data: _Folded) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=">")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Folded, _represent_folded)


def framework_export(*, framework: Framework) -> str:
    """The framework as a framework file that ``framework_import`` reads back."""

    def long(text: str) -> str:
        return _Folded(text) if len(text) > 60 else text

    data = {
        "name": framework.name,
        "version": framework.version,
        "status": FrameworkStatus(framework.status).value,
        "periods": [p.code for p in framework.periods.order_by("starts_on")],
        "description": long(framework.description),
        "score_levels": [
            {
                "value": level.value,
                "label": level.label,
                "descriptor": long(level.descriptor),
            }
            for level in framework.score_levels.all()
        ],
        "dimensions": [
            {
                "code": dimension.code,
                "title": dimension.title,
                "description": long(dimension.description),
                "indicators": [
                    {
                        key: value
                        for key, value in {
                            "code": indicator.code,
                            "statement": long(indicator.statement),
                            "guidance": long(indicator.guidance),
                            "evidence_examples": long(indicator.evidence_examples),
                            "pmf_quality": indicator.pmf_quality,
                        }.items()
                        if value
                    }
                    for indicator in dimension.indicators.all()
                ],
            }
            for dimension in framework.dimensions.prefetch_related("indicators")
        ],
    }
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88
    )


@transaction.atomic
def framework_new_version(*, framework: Framework) -> Framework:
    """A draft copy of a framework with the next version number, to edit."""
    latest = Framework.objects.filter(name=framework.name).order_by("-version").first()
    text = framework_export(framework=framework)
    data = yaml.safe_load(text)
    data["version"] = (latest.version if latest else framework.version) + 1
    data["status"] = FrameworkStatus.DRAFT.value
    return framework_import(
        text=yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    )


def framework_publish(*, framework: Framework) -> Framework:
    """Publish a draft framework; from then on it never changes."""
    if framework.is_published:
        return framework
    framework.status = FrameworkStatus.PUBLISHED
    framework.published_at = timezone.now()
    framework.save(update_fields=["status", "published_at"])
    return framework


REFERENCE_FRAMEWORK = (
    FilePath(__file__).resolve().parent
    / "frameworks"
    / ("learning-and-regeneration.yaml")
)


def reference_framework_load() -> Framework:
    """The reference framework, imported from its file unless already there."""
    text = REFERENCE_FRAMEWORK.read_text(encoding="utf-8")
    parsed = parse_framework_file(text)
    existing = Framework.objects.filter(
        name=parsed.name, version=parsed.version
    ).first()
    return existing or framework_import(text=text)
