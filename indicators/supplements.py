"""Writes for supplements (an area's local statements): import from and
export to a supplement file (YAML, XLSX or ODS), a statement added on a
page, new versions, publishing. Publishing tells the layers above
(``supplement_published``), which give editable returns answers for the new
statements in the same transaction."""

from __future__ import annotations

from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone

from partnerships.models import LocalLSC, Region
from partnerships.rules import check_perm
from partnerships.selectors import profile_of
from partnerships.users import AnyUser, User

from . import framework_sheets, supplement_sheets
from .framework_files import FrameworkFileError
from .models import (
    Dimension,
    Framework,
    FrameworkStatus,
    Indicator,
    Period,
    PMFQuality,
    Supplement,
)
from .selectors import framework_for_period
from .services import _Dumper, _Folded
from .supplement_files import (
    ParsedSupplement,
    parse_supplement_data,
    parse_supplement_file,
)

# Sent inside supplement_publish's transaction with ``supplement``: a
# receiver that raises ValidationError refuses the publishing.
supplement_published = Signal()

# Local statements come after the national ones of their dimension.
LOCAL_ORDER = 100
ADD = "indicators.add_supplement"
CHANGE = "indicators.change_supplement"
OWN_AREA = "Only the area's Government Office or LLSC officers change its statements."


def supplement_import_file(*, content: bytes, user: User) -> Supplement:
    """Create a supplement version from a YAML, XLSX or ODS supplement file,
    its type judged from the content; all or nothing, checked as framework
    files are, each problem named by its line or its sheet, row and column.
    Only for the user's own area (an administrator's: any)."""
    check_perm(user, ADD, message=OWN_AREA)
    kind = framework_sheets.file_format(content)
    if kind == framework_sheets.YAML:
        parsed = parse_supplement_file(content.decode("utf-8"))
    else:
        data, places = supplement_sheets.read_workbook(content, kind)
        parsed = parse_supplement_data(data, places)
    return _import_parsed(parsed, user)


@transaction.atomic
def _import_parsed(parsed: ParsedSupplement, user: User) -> Supplement:
    problems: list[str] = []
    where = parsed.places
    framework = Framework.objects.filter(
        name=parsed.framework_name, version=parsed.framework_version
    ).first()
    if framework is None or not framework.is_published:
        problems.append(
            f"{where['framework']}: there is no published framework "
            f"{parsed.framework_name!r} version {parsed.framework_version}"
        )
    period = Period.objects.filter(code=parsed.period).first()
    if period is None:
        problems.append(f"{where['period']}: the period {parsed.period} is not open")
    elif framework is not None and not framework.periods.filter(pk=period.pk).exists():
        problems.append(
            f"{where['period']}: {framework} is not the framework of {period}"
        )
    region = local_lsc = None
    if parsed.region:
        region = Region.objects.filter(code=parsed.region).first()
        if region is None:
            problems.append(
                f"{where['region']}: no region has the code {parsed.region!r}"
            )
    else:
        local_lsc = LocalLSC.objects.filter(name=parsed.local_lsc).first()
        if local_lsc is None:
            problems.append(
                f"{where['local_lsc']}: no local LSC is called {parsed.local_lsc!r}"
            )
    if (region or local_lsc) and not _own_area(user, region, local_lsc):
        problems.append(
            f"{where['region' if region else 'local_lsc']}: you can add local "
            f"statements only for {_own_area_name(user)}"
        )
    dimensions: dict[str, Dimension] = {}
    if framework is not None:
        dimensions = {d.code: d for d in framework.dimensions.all()}
        for index, item in enumerate(parsed.dimensions):
            if item["code"] not in dimensions:
                problems.append(
                    f"dimensions[{index}].code: {item['code']} is not a dimension "
                    f"of {framework}"
                )
    if problems:
        raise FrameworkFileError(problems)
    assert framework is not None and period is not None  # noqa: S101 (checked above)
    if Supplement.objects.filter(
        framework=framework,
        period=period,
        region=region,
        local_lsc=local_lsc,
        version=parsed.version,
    ).exists():
        raise FrameworkFileError(
            [
                f"{where['version']}: version {parsed.version} of {region or local_lsc}"
                f"'s statements for {period} already exists; give the file a new "
                "version number"
            ]
        )
    supplement = Supplement(
        framework=framework,
        period=period,
        region=region,
        local_lsc=local_lsc,
        name=parsed.name,
        version=parsed.version,
        status=FrameworkStatus.DRAFT,
        created_by=user,
    )
    supplement.full_clean()
    supplement.save()
    for item in parsed.dimensions:
        Indicator.objects.bulk_create(
            Indicator(
                dimension=dimensions[item["code"]],
                supplement=supplement,
                order=LOCAL_ORDER + order,
                **indicator,
            )
            for order, indicator in enumerate(item["indicators"], start=1)
        )
    if parsed.status == FrameworkStatus.PUBLISHED:
        supplement_publish(supplement=supplement, user=user)
    return supplement


@transaction.atomic
def supplement_create(
    *,
    user: User,
    period: Period,
    name: str,
    region: Region | None = None,
    local_lsc: LocalLSC | None = None,
) -> Supplement:
    """Start an empty draft of local statements on the period's framework,
    to add statements to one at a time: for a GO officer's region or an LLSC
    officer's local LSC (their own area, whatever is passed), for an
    administrator the region or local LSC given. Numbered after the area's
    earlier versions for the period."""
    check_perm(user, ADD, message=OWN_AREA)
    profile = profile_of(user)
    if profile is not None and profile.region is not None:
        region, local_lsc = profile.region, None
    elif profile is not None and profile.llsc is not None:
        region, local_lsc = None, profile.llsc
    if (region is None) == (local_lsc is None):
        raise ValidationError("Choose either a region or a local LSC")
    if not _own_area(user, region, local_lsc):
        raise ValidationError(
            f"You can add local statements only for {_own_area_name(user)}"
        )
    framework = framework_for_period(period=period)
    if framework is None:
        raise ValidationError({"period": f"No published framework applies to {period}"})
    latest = Supplement.objects.filter(
        framework=framework, period=period, region=region, local_lsc=local_lsc
    ).aggregate(v=Max("version"))["v"]
    supplement = Supplement(
        framework=framework,
        period=period,
        region=region,
        local_lsc=local_lsc,
        name=name.strip(),
        version=(latest or 0) + 1,
        status=FrameworkStatus.DRAFT,
        created_by=user,
    )
    supplement.full_clean()
    supplement.save()
    return supplement


def _own_area(user: AnyUser, region: Region | None, llsc: LocalLSC | None) -> bool:
    probe = Supplement(region=region, local_lsc=llsc)
    return bool(user.has_perm(CHANGE, probe))


def _own_area_name(user: AnyUser) -> str:
    profile = profile_of(user)
    if profile is not None and profile.region is not None:
        return str(profile.region)
    if profile is not None and profile.llsc is not None:
        return str(profile.llsc)
    return "your own area"


def supplement_data(supplement: Supplement) -> dict[str, Any]:
    """What a supplement file holds, long text marked to be folded in YAML."""

    def long(text: str) -> str:
        return _Folded(text) if len(text) > 60 else text

    data: dict[str, Any] = {
        "name": supplement.name,
        "version": supplement.version,
        "status": FrameworkStatus(supplement.status).value,
        "framework": {
            "name": supplement.framework.name,
            "version": supplement.framework.version,
        },
        "period": supplement.period.code,
    }
    if supplement.region is not None:
        data["region"] = supplement.region.code
    if supplement.local_lsc is not None:
        data["local_lsc"] = supplement.local_lsc.name
    grouped: dict[str, list[dict[str, Any]]] = {}
    for indicator in supplement.indicators.select_related("dimension").order_by(
        "dimension__order", "order"
    ):
        grouped.setdefault(indicator.dimension.code, []).append(
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
        )
    data["dimensions"] = [
        {"code": code, "indicators": indicators} for code, indicators in grouped.items()
    ]
    return data


def supplement_export_file(*, supplement: Supplement, file_format: str) -> bytes:
    """The supplement as a YAML, XLSX or ODS file that
    ``supplement_import_file`` reads back."""
    data = supplement_data(supplement)
    if file_format == framework_sheets.YAML:
        text = yaml.dump(
            data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88
        )
        return text.encode("utf-8")
    return supplement_sheets.write_workbook(data, file_format)


def _refuse_published(supplement: Supplement) -> None:
    if supplement.is_published:
        raise ValidationError(
            "These statements are published and can no longer change: make a "
            "new version to change them."
        )


@transaction.atomic
def supplement_indicator_add(
    *,
    supplement: Supplement,
    user: User,
    dimension: Dimension,
    statement: str,
    guidance: str = "",
    evidence_examples: str = "",
    pmf_quality: str = "",
) -> Indicator:
    """Add a statement to a draft supplement under a dimension of its base
    framework, coded next in that dimension (D2.L1, D2.L2 ...)."""
    check_perm(user, CHANGE, supplement, message=OWN_AREA)
    _refuse_published(supplement)
    if dimension.framework_id != supplement.framework_id:
        raise ValidationError({"dimension": "Choose a dimension of the framework"})
    if pmf_quality and pmf_quality not in PMFQuality.values:
        raise ValidationError({"pmf_quality": "Choose a PMF quality from the list"})
    # Lock the supplement so two statements added at once get different codes.
    Supplement.objects.select_for_update().filter(pk=supplement.pk).first()
    taken = supplement.indicators.filter(dimension=dimension).values_list(
        "code", flat=True
    )
    numbers = [int(code.rsplit(".L", 1)[1]) for code in taken if ".L" in code]
    number = max(numbers, default=0) + 1
    order = (
        supplement.indicators.filter(dimension=dimension).aggregate(o=Max("order"))["o"]
        or LOCAL_ORDER
    ) + 1
    indicator = Indicator(
        dimension=dimension,
        supplement=supplement,
        code=f"{dimension.code}.L{number}",
        statement=statement.strip(),
        guidance=guidance.strip(),
        evidence_examples=evidence_examples.strip(),
        pmf_quality=pmf_quality,
        order=order,
    )
    indicator.full_clean()
    indicator.save()
    return indicator


def supplement_indicator_remove(*, indicator: Indicator, user: User) -> None:
    """Remove a statement from a draft supplement (a published one never
    changes)."""
    supplement = indicator.supplement
    if supplement is None:
        raise ValidationError("Only a local statement can be removed here")
    check_perm(user, CHANGE, supplement, message=OWN_AREA)
    _refuse_published(supplement)
    indicator.delete()


@transaction.atomic
def supplement_new_version(*, supplement: Supplement, user: User) -> Supplement:
    """A draft copy of a supplement with the next version number of its
    area's statements for the period, to change and publish."""
    check_perm(user, CHANGE, supplement, message=OWN_AREA)
    latest = Supplement.objects.filter(
        framework=supplement.framework_id,
        period=supplement.period_id,
        region=supplement.region_id,
        local_lsc=supplement.local_lsc_id,
    ).aggregate(v=Max("version"))["v"]
    copy = Supplement.objects.create(
        framework_id=supplement.framework_id,
        period_id=supplement.period_id,
        region_id=supplement.region_id,
        local_lsc_id=supplement.local_lsc_id,
        name=supplement.name,
        version=(latest or supplement.version) + 1,
        status=FrameworkStatus.DRAFT,
        created_by=user,
    )
    Indicator.objects.bulk_create(
        Indicator(
            dimension_id=indicator.dimension_id,
            supplement=copy,
            code=indicator.code,
            statement=indicator.statement,
            guidance=indicator.guidance,
            evidence_examples=indicator.evidence_examples,
            pmf_quality=indicator.pmf_quality,
            order=indicator.order,
        )
        for indicator in supplement.indicators.all()
    )
    return copy


@transaction.atomic
def supplement_publish(*, supplement: Supplement, user: User) -> Supplement:
    """Publish a draft supplement: from then on it never changes, and every
    return of its period and area still being written gets its statements
    (see ``supplement_published``), all or nothing."""
    check_perm(user, CHANGE, supplement, message=OWN_AREA)
    if supplement.is_published:
        return supplement
    if not supplement.indicators.exists():
        raise ValidationError("Add at least one statement before publishing")
    supplement.status = FrameworkStatus.PUBLISHED
    supplement.published_at = timezone.now()
    supplement.save(update_fields=["status", "published_at"])
    supplement_published.send(sender=Supplement, supplement=supplement)
    return supplement
