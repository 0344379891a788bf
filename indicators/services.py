"""Writes for frameworks: import from and export to the framework file, new
versions, publishing; and for periods: opening one, moving its dates."""

from __future__ import annotations

import datetime
from pathlib import Path as FilePath
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from partnerships.users import AnyUser

from . import framework_sheets, period_checks, selectors
from .framework_files import (
    FrameworkFileError,
    ParsedFramework,
    parse_framework_data,
    parse_framework_file,
)
from .models import (
    Category,
    CategoryKind,
    CategoryList,
    Dimension,
    Framework,
    FrameworkRole,
    FrameworkStatus,
    FrameworkUse,
    Indicator,
    Period,
    ScoreLevel,
    period_dates,
)
from .selectors import national


@transaction.atomic
def framework_import(*, text: str) -> Framework:
    """Create a framework version from a framework file; all or nothing.

    Refuses a name and version that already exist: a published framework
    never changes, so a changed file needs a new version number.
    """
    return _import_parsed(parse_framework_file(text))


def framework_import_file(*, content: bytes) -> Framework:
    """Create a framework version from a YAML, XLSX or ODS framework file,
    its type judged from the content; all or nothing, checked as the YAML
    file is, each problem named by its line or its sheet, row and column."""
    kind = framework_sheets.file_format(content)
    if kind == framework_sheets.YAML:
        return framework_import(text=content.decode("utf-8"))
    data, places = framework_sheets.read_workbook(content, kind)
    return _import_parsed(parse_framework_data(data, places))


@transaction.atomic
def _import_parsed(parsed: ParsedFramework) -> Framework:
    if Framework.objects.filter(name=parsed.name, version=parsed.version).exists():
        raise FrameworkFileError(
            [
                f"{parsed.version_where}, version: {parsed.name!r} version "
                f"{parsed.version} already "
                "exists; give the file a new version number"
            ]
        )
    framework = Framework.objects.create(
        name=parsed.name,
        version=parsed.version,
        status=parsed.status,
        role=parsed.role,
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
    # A draft may list a period that runs another framework of its role (it
    # is checked again when published); a clash of dimension codes across
    # roles, which would mix two frameworks' answers, never.
    problems = [
        problem
        for period in framework.periods.all()
        for problem in period_framework_problems(
            period=period, framework=framework, one_per_role=framework.is_published
        )
    ]
    if problems:
        # Rolled back with the rest of the import.
        raise FrameworkFileError([f"periods: {problem}" for problem in problems])
    for kind, categories in parsed.categories.items():
        category_list = CategoryList.objects.create(
            framework=framework, kind=kind, title=CategoryKind(kind).label
        )
        Category.objects.bulk_create(
            Category(category_list=category_list, order=order, **category)
            for order, category in enumerate(categories, start=1)
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
    return yaml.dump(
        _framework_data(framework),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
    )


def framework_export_file(*, framework: Framework, file_format: str) -> bytes:
    """The framework as a YAML, XLSX or ODS file that
    ``framework_import_file`` reads back."""
    if file_format == framework_sheets.YAML:
        return framework_export(framework=framework).encode("utf-8")
    return framework_sheets.write_workbook(_framework_data(framework), file_format)


def _framework_data(framework: Framework) -> dict[str, Any]:
    """What a framework file holds, long text marked to be folded in YAML."""

    def long(text: str) -> str:
        return _Folded(text) if len(text) > 60 else text

    data = {
        "name": framework.name,
        "version": framework.version,
        "status": FrameworkStatus(framework.status).value,
        "role": FrameworkRole(framework.role).value,
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
                            "may_be_not_applicable": indicator.may_be_not_applicable,
                            "applies_to": list(indicator.applies_to),
                        }.items()
                        if value
                    }
                    for indicator in dimension.indicators.all()
                ],
            }
            for dimension in framework.dimensions.prefetch_related(
                Prefetch("indicators", queryset=national(Indicator.objects.all()))
            )
        ],
    }
    categories = {
        category_list.kind: [
            {"code": category.code, "name": category.name}
            for category in category_list.categories.all()
        ]
        for category_list in framework.category_lists.prefetch_related("categories")
    }
    if categories:
        # Left out when there are none, so older files read back the same.
        data["categories"] = categories
    return data


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
    """Publish a draft framework; from then on it never changes. Refused
    (``ValidationError``) when a period it lists already runs another
    published framework of its role."""
    if framework.is_published:
        return framework
    problems = [
        problem
        for period in framework.periods.all()
        for problem in period_framework_problems(period=period, framework=framework)
    ]
    if problems:
        raise ValidationError(problems)
    framework.status = FrameworkStatus.PUBLISHED
    framework.published_at = timezone.now()
    framework.save(update_fields=["status", "published_at"])
    return framework


FRAMEWORKS_DIRECTORY = FilePath(__file__).resolve().parent / "frameworks"
REFERENCE_FRAMEWORK = FRAMEWORKS_DIRECTORY / "learning-and-regeneration.yaml"
# The collaboration role's reference framework (001 section 4.4, 002 paragraph 3).
COLLABORATION_FRAMEWORK = FRAMEWORKS_DIRECTORY / "learning-collaboration.yaml"


def reference_framework_load(*, path: FilePath = REFERENCE_FRAMEWORK) -> Framework:
    """A reference framework (the regeneration one unless another file is
    named), imported from its file unless already there."""
    text = path.read_text(encoding="utf-8")
    parsed = parse_framework_file(text)
    existing = Framework.objects.filter(
        name=parsed.name, version=parsed.version
    ).first()
    return existing or framework_import(text=text)


# Periods ----------------------------------------------------------------------


def _refuse_unless(user: AnyUser, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(
            "Only national administrators can open or change periods."
        )


def _check_period(
    *,
    code: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    submission_deadline: datetime.date,
    period: Period | None = None,
) -> None:
    problems: dict[str, list[str]] = {
        field: [message]
        for field, message in period_checks.check_dates(
            code=code, starts_on=starts_on, ends_on=ends_on, period=period
        ).items()
    }
    if not problems:
        try:
            period_checks.check_deadline(
                starts_on=starts_on,
                ends_on=ends_on,
                deadline=submission_deadline,
                period=period,
            )
        except ValidationError as error:
            problems["submission_deadline"] = error.messages
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def period_open(
    *,
    user: AnyUser,
    code: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    submission_deadline: datetime.date,
    framework: Framework,
    framework_use: FrameworkUse,
) -> Period:
    """Open a period with its dates, deadline and framework, all or nothing.

    ``framework`` (published) is used as it is, or copied to a new version
    for this period alone: published at once, or left a draft to edit and
    publish later (until then no return can start). The copy is linked to
    the new period only, so earlier periods keep the version they had. The
    period's history records who opened it. Raises ``PermissionDenied``
    unless the user may open periods, ``ValidationError`` (by field) when
    an answer breaks the rules of ``period_checks``.
    """
    _refuse_unless(user, "indicators.open_period")
    try:
        period_checks.check_code(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from error
    _check_period(
        code=code,
        starts_on=starts_on,
        ends_on=ends_on,
        submission_deadline=submission_deadline,
    )
    if not framework.is_published:
        raise ValidationError({"framework": ["Choose a published framework"]})
    period = Period(
        code=code,
        starts_on=starts_on,
        ends_on=ends_on,
        submission_deadline=submission_deadline,
    )
    period._history_user = user  # type: ignore[attr-defined]
    try:
        # A savepoint: another administrator may have opened the same code
        # since the check.
        with transaction.atomic():
            period.save()
    except IntegrityError as error:
        raise ValidationError({"code": [f"{code} is already open"]}) from error
    # The other roles' frameworks the latest period runs go on as they are.
    latest = selectors.period_latest_before(period=period)
    if latest is not None:
        for other in selectors.frameworks_for_period(period=latest):
            if other.role != framework.role:
                other.periods.add(period)
    if framework_use == FrameworkUse.SAME:
        framework.periods.add(period)
        return period
    copy = framework_new_version(framework=framework)
    copy.periods.set([period])
    if framework_use == FrameworkUse.PUBLISH:
        framework_publish(framework=copy)
    return period


def period_framework_problems(
    *, period: Period, framework: Framework, one_per_role: bool = True
) -> list[str]:
    """Why ``framework`` cannot join the frameworks ``period`` runs: a
    dimension code another role's framework uses, and (``one_per_role``)
    another published framework of its role (a period runs one per role; a
    newer version of the same framework is fine)."""
    others = list(Framework.objects.filter(periods=period).exclude(pk=framework.pk))
    problems = [
        f"{period.code} already runs {other} for the "
        f"{FrameworkRole(other.role).label.lower()} role"
        for other in others
        if one_per_role
        and other.role == framework.role
        and other.name != framework.name
        and other.is_published
    ]
    clashing = sorted(
        set(framework.dimensions.values_list("code", flat=True))
        & set(
            Dimension.objects.filter(
                framework__in=[o for o in others if o.role != framework.role]
            ).values_list("code", flat=True)
        )
    )
    if clashing:
        problems.append(
            f"Dimension codes {', '.join(clashing)} are used by another framework "
            f"{period.code} runs"
        )
    return problems


@transaction.atomic
def period_framework_add(
    *, user: AnyUser, period: Period, framework: Framework
) -> Framework:
    """Let ``period`` run ``framework`` beside its others. Refused
    (``ValidationError``) when the period already runs a framework of that
    role or one of the same dimension codes; ``PermissionDenied`` unless the
    user may change periods."""
    _refuse_unless(user, "indicators.change_period")
    problems = period_framework_problems(period=period, framework=framework)
    if problems:
        raise ValidationError({"framework": problems})
    framework.periods.add(period)
    return framework


@transaction.atomic
def period_change_dates(
    *,
    user: AnyUser,
    period: Period,
    starts_on: datetime.date,
    ends_on: datetime.date,
    submission_deadline: datetime.date,
) -> Period:
    """Move a period's start, end and submission deadline.

    The same rules as opening it, and the deadline not before the day a
    return for the period was last submitted, so no submitted return turns
    late. Recorded in the period's history with who changed it.
    """
    _refuse_unless(user, "indicators.change_period")
    _check_period(
        code=period.code,
        starts_on=starts_on,
        ends_on=ends_on,
        submission_deadline=submission_deadline,
        period=period,
    )
    period.starts_on = starts_on
    period.ends_on = ends_on
    period.submission_deadline = submission_deadline
    period._history_user = user  # type: ignore[attr-defined]
    period.save(update_fields=["starts_on", "ends_on", "submission_deadline"])
    return period
