"""Writes for frameworks: import from and export to the framework file, new
versions, publishing."""

from __future__ import annotations

from pathlib import Path as FilePath

import yaml
from django.db import transaction
from django.utils import timezone

from .framework_files import FrameworkFileError, parse_framework_file
from .models import (
    Dimension,
    Framework,
    FrameworkStatus,
    Indicator,
    Period,
    ScoreLevel,
    period_dates,
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
