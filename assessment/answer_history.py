"""Who changed which answer of a return and when, read from the answers'
history rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import Answer, Return


@dataclass
class AnswerChange:
    when: Any
    who: str
    indicator_code: str
    fields: list[tuple[str, Any, Any]]


FIELD_LABELS = {
    "score": "Score",
    "evidence": "Evidence",
    "barriers": "Barriers",
    "planned_action": "Planned future action",
    "agreed_score": "Agreed score",
    "not_applicable": "Not applicable",
    "not_applicable_reason": "Why not applicable",
}


# The start of an answer history row's change reason when the categories
# ticked changed (the history does not follow the many-to-many table).
CATEGORIES_NOTE = "Categories: "
NO_CATEGORIES = "none"


def answer_changes(*, return_record: Return) -> list[AnswerChange]:
    """Who changed which answer and when, newest first, from the answers' history
    (two queries however long the history)."""
    codes = dict(return_record.answers.values_list("pk", "indicator__code"))
    records = list(
        Answer.history.filter(return_record_id=return_record.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    changes = []
    previous: dict[int, Any] = {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if before is None:
            if record.history_type == "+":
                continue
            # Created without history (bulk loads): compare with a blank answer.
            before = Answer(indicator_id=record.indicator_id)
        fields = [
            (label, getattr(before, name), getattr(record, name))
            for name, label in FIELD_LABELS.items()
            if getattr(before, name) != getattr(record, name)
        ]
        reason = record.history_change_reason or ""
        if reason.startswith(CATEGORIES_NOTE):
            ticked = reason.removeprefix(CATEGORIES_NOTE)
            fields.append(
                ("Categories", None, "" if ticked == NO_CATEGORIES else ticked)
            )
        if not fields:
            continue
        user = record.history_user
        changes.append(
            AnswerChange(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username())
                if user
                else "Unknown",
                indicator_code=codes.get(record.id, "?"),
                fields=fields,
            )
        )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes
