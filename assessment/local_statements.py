"""Local statements in returns: which a partnership's return answers (the
supplements in force for its region and its local LSCs), and giving the
returns still being written answers for a supplement when it is published."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from simple_history.utils import bulk_create_with_history

from indicators.models import Framework, Indicator, Period, Supplement
from indicators.selectors import supplements_for_area
from partnerships.models import LearningPartnership, LLSCRelationship

from .models import EDITABLE_STATUSES, Answer, Return


def local_indicators(
    *,
    partnership: LearningPartnership,
    framework: Framework | int,
    period: Period | int,
) -> list[Indicator]:
    """The local statements a partnership's return answers: those of the
    newest published supplement of its region and of each local LSC it is
    linked to, for the framework and period; two queries."""
    llsc_ids = set(
        LLSCRelationship.objects.filter(partnership=partnership).values_list(
            "llsc_id", flat=True
        )
    )
    supplements = supplements_for_area(
        framework=framework,
        period=period,
        region_id=partnership.region_id,
        llsc_ids=llsc_ids,
    )
    if not supplements:
        return []
    return list(
        Indicator.objects.filter(supplement__in=supplements).order_by(
            "dimension__order", "order"
        )
    )


def _returns_in_area(supplement: Supplement) -> Any:
    """The returns of the supplement's period and framework whose partnership
    is in its area (its region, or linked to its local LSC)."""
    returns = Return.objects.filter(
        period_id=supplement.period_id, framework_id=supplement.framework_id
    )
    if supplement.region_id is not None:
        return returns.filter(partnership__region_id=supplement.region_id)
    return returns.filter(
        partnership__llsc_relationships__llsc_id=supplement.local_lsc_id
    ).distinct()


def _unanswered(answer: Answer) -> bool:
    """Never saved, nothing written and no file: safe to drop."""
    return (
        answer.score is None
        and not answer.is_started
        and not (answer.evidence or answer.barriers or answer.planned_action)
        and not getattr(answer, "file_count", 0)
    )


@transaction.atomic
def supplement_answers_add(*, supplement: Supplement) -> int:
    """Give every return of the supplement's period and area still being
    written (a draft, or returned for revision) an answer for each of its
    statements; the number of answers added.

    A new version takes the place of the earlier ones: an answer to an
    earlier version's statement whose code the new version keeps moves to
    the new statement with what was written; one to a statement removed is
    dropped when nothing was written in it, else kept (and shown as a local
    statement). Refused (ValidationError) when a code is already answered in
    one of these returns as another area's statement."""
    indicators = list(supplement.indicators.all())
    by_code = {indicator.code: indicator for indicator in indicators}
    returns = list(_returns_in_area(supplement).filter(status__in=EDITABLE_STATUSES))
    same_area = Q(
        indicator__supplement__framework_id=supplement.framework_id,
        indicator__supplement__period_id=supplement.period_id,
        indicator__supplement__region_id=supplement.region_id,
        indicator__supplement__local_lsc_id=supplement.local_lsc_id,
    )
    clash = (
        Answer.objects.filter(
            return_record__in=returns,
            indicator__supplement__isnull=False,
            indicator__code__in=list(by_code),
        )
        .exclude(same_area)
        .select_related("indicator__supplement")
        .first()
    )
    if clash is not None:
        other = clash.indicator.supplement
        raise ValidationError(
            f"{clash.indicator.code} is already a local statement of "
            f"{other.area if other else 'another area'} in some of these "
            "partnerships' returns: give the statement another code"
        )
    earlier = (
        Answer.objects.filter(return_record__in=returns)
        .filter(same_area)
        .exclude(indicator__supplement=supplement)
        .select_related("indicator")
        .annotate(file_count=Count("evidence_links"))
    )
    answered: set[tuple[int, str]] = set()
    dropped: list[int] = []
    for answer in earlier:
        new = by_code.get(answer.indicator.code)
        if new is not None:
            answer.indicator = new
            answer.save(update_fields=["indicator"])
            answered.add((answer.return_record_id, new.code))
        elif _unanswered(answer):
            dropped.append(answer.pk)
    Answer.objects.filter(pk__in=dropped).delete()
    present = set(
        Answer.objects.filter(
            return_record__in=returns, indicator__supplement=supplement
        ).values_list("return_record_id", "indicator__code")
    )
    added = [
        Answer(return_record=return_record, indicator=indicator)
        for return_record in returns
        for indicator in indicators
        if (return_record.pk, indicator.code) not in answered | present
    ]
    bulk_create_with_history(added, Answer)
    return len(added)


def register() -> None:
    """Connect to the publishing of supplements (from the app's ready())."""
    from indicators.supplements import supplement_published

    def _published(sender: type[Supplement], supplement: Supplement, **_: Any) -> None:
        supplement_answers_add(supplement=supplement)

    supplement_published.connect(
        _published, sender=Supplement, weak=False, dispatch_uid="local_answers"
    )
