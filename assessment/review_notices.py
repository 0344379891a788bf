"""What managers read of the LLSC's review of their return: why it came back
to them, and whether the agreed scores answer the answers as they stand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from .models import Return, ReturnStatus, Transition


@dataclass
class ReturnedNotice:
    """Why a return came back to its managers: who returned it, when, the
    reasons they gave and the review's overall comment. ``by`` and ``at`` are
    None for a return put in that state without a recorded step (a data load)."""

    return_record: Return
    by: Any = None
    at: datetime.datetime | None = None
    reasons: str = ""

    @property
    def overall_comment(self) -> str:
        return self.return_record.review_comment


def returned_notices(*, returns: list[Return]) -> list[ReturnedNotice]:
    """For those of the returns given that are returned for revision, in their
    order, the step that returned each: one query, none when no return is
    returned."""
    returned = [r for r in returns if r.status == ReturnStatus.RETURNED]
    if not returned:
        return []
    steps: dict[int, Transition] = {}
    for step in (
        Transition.objects.filter(
            return_record_id__in=[r.pk for r in returned],
            to_status=ReturnStatus.RETURNED,
        )
        .select_related("by")
        .defer("snapshot")
        .order_by("at", "pk")
    ):
        # Oldest first, so the newest step of each return is the one kept.
        steps[step.return_record_id] = step
    notices = []
    for return_record in returned:
        latest = steps.get(return_record.pk)
        notices.append(
            ReturnedNotice(return_record=return_record)
            if latest is None
            else ReturnedNotice(
                return_record=return_record,
                by=latest.by,
                at=latest.at,
                reasons=latest.reason,
            )
        )
    return notices


def review_is_current(return_record: Return) -> bool:
    """Whether the LLSC officer's agreed scores and comments are the answer to
    the answers as they stand: the return was returned or accepted, and not
    submitted again since."""
    return return_record.status in (ReturnStatus.RETURNED, ReturnStatus.ACCEPTED)
