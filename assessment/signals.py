"""What keeps the figures (ScoreFigure) true when a change does not go through
a return's services: a partnership moved to another region or made active or
inactive, and a return deleted (alone, or with its partnership). And what
keeps the editable returns of a period answering every role's framework it
runs when one is added to the period."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from indicators.models import Framework
from partnerships.models import LearningPartnership

from .figures import figures_recount
from .models import Return, ReturnStatus
from .services import returns_answers_add

# Where pre_save leaves a partnership's region and active flag as stored.
_BEFORE = "_figures_before"


def _remember_oversight(
    sender: type[LearningPartnership], instance: LearningPartnership, **kwargs: Any
) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    setattr(
        instance,
        _BEFORE,
        LearningPartnership.objects.filter(pk=instance.pk)
        .values_list("region_id", "is_active")
        .first(),
    )


def _refresh_after_move(
    sender: type[LearningPartnership], instance: LearningPartnership, **kwargs: Any
) -> None:
    before = getattr(instance, _BEFORE, None)
    if before is None or before == (instance.region_id, instance.is_active):
        return
    periods = set(
        Return.objects.filter(partnership=instance)
        .exclude(status=ReturnStatus.DRAFT)
        .values_list("period_id", flat=True)
    )
    with transaction.atomic():
        for period_id in sorted(periods):
            figures_recount(period=period_id)


def _refresh_after_delete(
    sender: type[Return], instance: Return, **kwargs: Any
) -> None:
    if instance.status != ReturnStatus.DRAFT:
        figures_recount(period=instance.period_id)


def _answers_for_added_framework(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    """A framework linked to periods (or periods to a framework): their
    editable returns answer it too, when it is another role's."""
    if action != "post_add" or not pk_set:
        return
    periods = {instance.pk} if reverse else set(pk_set)
    returns_answers_add(period_ids=sorted(periods))


def register() -> None:
    """Connect the receivers (from the app's ready())."""
    pre_save.connect(
        _remember_oversight, sender=LearningPartnership, dispatch_uid="figures_before"
    )
    post_save.connect(
        _refresh_after_move, sender=LearningPartnership, dispatch_uid="figures_move"
    )
    post_delete.connect(
        _refresh_after_delete, sender=Return, dispatch_uid="figures_del"
    )
    m2m_changed.connect(
        _answers_for_added_framework,
        sender=Framework.periods.through,
        dispatch_uid="answers_for_added_framework",
    )
