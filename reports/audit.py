"""The audit trail of a period, for national administrators: every step of
the returns' and development plans' workflows and every change to an answer,
in a region or in all of England, one row per event in the order they
happened.

It is read from what the service already keeps: the returns' and plans'
workflow steps (Transition, PlanTransition), when and by whom each return was
started, and the answers' history (django-simple-history writes a row on
every save, with the user who saved it). An answer's change is found by
comparing each history row with the one before it for the same answer.

The four sources are each read in time order, in chunks, and merged: the
memory used grows with the number of returns and answers of the selection,
not with the length of their history, and the number of queries is the same
however many rows there are."""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.text import slugify

from assessment.models import Answer, Return, ReturnStatus, Transition
from indicators.models import Period, ScoreLevel
from partnerships.models import Region, Role
from partnerships.users import AnyUser
from plans.models import STEPS, PlanStatus, PlanTransition

from .ods import Sheet

AUDIT_COLUMNS = (
    ("When", 20),
    ("Who", 24),
    ("Role", 22),
    ("Partnership", 28),
    ("Region", 22),
    ("Period", 9),
    ("Event", 34),
    ("Indicator", 9),
    ("Old score", 9),
    ("New score", 9),
    ("Stage of the new score", 22),
    ("Return status at the time", 22),
    ("Evidence changed", 10),
    ("Fields changed", 30),
    ("Reason or comment", 50),
)
AUDIT_HEADERS = [title for title, _ in AUDIT_COLUMNS]
_TEXT_COLUMNS = frozenset(("Reason or comment",))

RETURN_STEPS = {
    ReturnStatus.SUBMITTED: "Self-assessment submitted",
    ReturnStatus.IN_REVIEW: "Self-assessment taken into review",
    ReturnStatus.RETURNED: "Self-assessment returned for revision",
    ReturnStatus.ACCEPTED: "Self-assessment accepted",
}
# The manager's part of an answer, and the LLSC officer's.
_ANSWER_FIELDS = {
    "score": "Score",
    "evidence": "Evidence",
    "barriers": "Barriers",
    "planned_action": "Planned future action",
    "not_applicable": "Not applicable",
    "not_applicable_reason": "Why not applicable",
}
_AGREED_FIELDS = {
    "agreed_score": "Agreed score",
    "officer_comment": "Comment",
    "not_applicable_rejected": "Not applicable rejected",
}
# Shown in the score columns for an answer not applicable.
NOT_APPLICABLE = "N/A"
_FLAGS = ("not_applicable", "not_applicable_rejected")
_ROLE_LABELS = {role.value: str(role.label) for role in Role}
_STATUS_LABELS = {status.value: str(status.label) for status in ReturnStatus}
# Events at the same moment: a return started before its answers change, a
# step before the saves it led to (moderation takes a return into review,
# then saves the agreed scores).
_STARTED, _STEP, _ANSWER, _PLAN = range(4)
_CHUNK = 2000
# The user columns every source reads, through its foreign key to the user.
_USER_FIELDS = ("first_name", "last_name", "username", "is_superuser", "profile__role")


@dataclass(frozen=True)
class _Return:
    partnership: str
    region: str
    framework_id: int


def audit_name(*, period: Period, region: Region | None) -> str:
    """The downloads' file name, without its extension."""
    area = slugify(region.name) if region else "england"
    return f"audit-trail-{period.code}-{area}"


def audit_sheets(
    *, user: AnyUser, period: Period, region: Region | None
) -> list[Sheet]:
    """The audit trail as the one sheet of a spreadsheet download."""
    return [
        Sheet(
            "Audit trail",
            AUDIT_COLUMNS,
            audit_rows(user=user, period=period, region=region),
            wrapped=_TEXT_COLUMNS,
        )
    ]


def audit_rows(
    *, user: AnyUser, period: Period, region: Region | None
) -> Iterator[list[Any]]:
    """One row per event of the period's returns, answers and development
    plans in the region (all of England when None), in the order they
    happened. For national administrators only: asked at once, before any
    row is read."""
    if not user.has_perm("reports.export_audit"):
        raise PermissionDenied("The audit trail is for national administrators.")
    return _audit_rows(period=period, region=region)


def _audit_rows(*, period: Period, region: Region | None) -> Iterator[list[Any]]:
    returns_queryset = Return.objects.filter(period=period)
    plans_filter: dict[str, Any] = {"plan__period": period}
    if region is not None:
        returns_queryset = returns_queryset.filter(partnership__region=region)
        plans_filter["plan__partnership__region"] = region
    returns: dict[int, _Return] = {}
    started = []
    for (
        pk,
        partnership,
        region_name,
        framework_id,
        created_at,
        *who,
    ) in returns_queryset.order_by("created_at", "pk").values_list(
        "pk",
        "partnership__name",
        "partnership__region__name",
        "framework_id",
        "created_at",
        *_user_fields("created_by"),
    ):
        returns[pk] = _Return(partnership, region_name, framework_id)
        started.append((created_at, _STARTED, pk, (pk, who)))
    levels = {
        (framework_id, value): label
        for framework_id, value, label in ScoreLevel.objects.filter(
            framework_id__in={r.framework_id for r in returns.values()}
        ).values_list("framework_id", "value", "label")
    }
    events = heapq.merge(
        iter(started),
        _return_steps(returns_queryset),
        _answer_saves(returns_queryset),
        _plan_steps(PlanTransition.objects.filter(**plans_filter)),
        key=lambda event: event[:3],
    )
    status: dict[int, str] = {}
    # Each answer as its last history row left it, to compare the next with.
    answers: dict[int, dict[str, Any]] = {}
    for when, kind, _, data in events:
        if kind == _STARTED:
            pk, who = data
            status[pk] = ReturnStatus.DRAFT
            yield _row(when, who, returns[pk], period, "Self-assessment started")
        elif kind == _STEP:
            pk, from_status, to_status, reason, who = data
            status[pk] = to_status
            event = RETURN_STEPS.get(ReturnStatus(to_status), to_status)
            if (from_status, to_status) == (ReturnStatus.RETURNED, "submitted"):
                event = "Self-assessment submitted again"
            yield _row(when, who, returns[pk], period, event, reason=reason)
        elif kind == _ANSWER:
            yield from _answer_rows(
                when, data, answers, status, returns, levels, period
            )
        else:
            partnership, region_name, from_status, to_status, reason, who = data
            step = STEPS.get(PlanStatus(to_status), to_status)
            if (from_status, to_status) == (PlanStatus.RETURNED, "submitted"):
                step = "Submitted again for approval"
            event = f"Development plan {step[0].lower()}{step[1:]}"
            yield [
                *_who_when(when, who),
                partnership,
                region_name,
                period.code,
                event,
                *[None] * 7,
                reason or None,
            ]


def _user_fields(prefix: str) -> list[str]:
    return [f"{prefix}__{name}" for name in _USER_FIELDS]


def _return_steps(returns: QuerySet[Return]) -> Iterator[tuple[Any, ...]]:
    steps = (
        Transition.objects.filter(return_record__in=returns.values("pk"))
        .order_by("at", "pk")
        .values_list(
            "at",
            "pk",
            "return_record_id",
            "from_status",
            "to_status",
            "reason",
            *_user_fields("by"),
        )
    )
    for at, pk, return_id, from_status, to_status, reason, *who in steps.iterator(
        chunk_size=_CHUNK
    ):
        yield (at, _STEP, pk, (return_id, from_status, to_status, reason, who))


# What a history row is compared on: the manager's fields, then the officer's.
_COMPARED = (*_ANSWER_FIELDS, *_AGREED_FIELDS)


def _answer_saves(returns: QuerySet[Return]) -> Iterator[tuple[Any, ...]]:
    history = Answer.history.model  # type: ignore[attr-defined]
    saves = (
        history.objects.filter(return_record_id__in=returns.values("pk"))
        .order_by("history_date", "history_id")
        .values_list(
            "history_date",
            "history_id",
            "history_type",
            "id",
            "return_record_id",
            "indicator__code",
            *_COMPARED,
            *_user_fields("history_user"),
        )
    )
    for values in saves.iterator(chunk_size=_CHUNK):
        when, history_id, *data = values
        yield (when, _ANSWER, history_id, data)


def _plan_steps(steps: QuerySet[PlanTransition]) -> Iterator[tuple[Any, ...]]:
    rows = steps.order_by("at", "pk").values_list(
        "at",
        "pk",
        "plan__partnership__name",
        "plan__partnership__region__name",
        "from_status",
        "to_status",
        "reason",
        *_user_fields("by"),
    )
    for at, pk, partnership, region_name, frm, to, reason, *who in rows.iterator(
        chunk_size=_CHUNK
    ):
        yield (at, _PLAN, pk, (partnership, region_name, frm, to, reason, who))


def _answer_rows(
    when: datetime.datetime,
    data: list[Any],
    answers: dict[int, dict[str, Any]],
    status: dict[int, str],
    returns: dict[int, _Return],
    levels: dict[tuple[int, int], str],
    period: Period,
) -> Iterator[list[Any]]:
    """The rows of one save of an answer: the manager's change and the
    officer's, each when anything of theirs changed."""
    history_type, answer_id, return_id, code = data[:4]
    values = dict(zip(_COMPARED, data[4 : 4 + len(_COMPARED)], strict=True))
    who = data[4 + len(_COMPARED) :]
    before = answers.get(answer_id)
    # Long text is kept as its hash: enough to tell that it changed.
    answers[answer_id] = {
        name: hash(value) if isinstance(value, str) else value
        for name, value in values.items()
    }
    if history_type == "+" or history_type == "-" or return_id not in returns:
        return
    if before is None:
        # Created without history (bulk loads): compared with a blank answer.
        before = {
            name: None
            if name in ("score", "agreed_score")
            else False
            if name in _FLAGS
            else hash("")
            for name in _COMPARED
        }
    after = answers[answer_id]
    the_return = returns[return_id]
    status_then = _STATUS_LABELS.get(status.get(return_id, ReturnStatus.DRAFT), "")
    for fields, old_name, event in (
        (_ANSWER_FIELDS, "score", "Answer changed"),
        (_AGREED_FIELDS, "agreed_score", "Agreed score changed"),
    ):
        changed = [
            label for name, label in fields.items() if before[name] != after[name]
        ]
        if not changed:
            continue
        if old_name == "agreed_score" and before[old_name] == after[old_name]:
            event = "Officer's comment changed"
        new, old = values[old_name], before[old_name]
        if old_name == "score" and values["not_applicable"]:
            new = NOT_APPLICABLE
        if old_name == "score" and before["not_applicable"]:
            old = NOT_APPLICABLE
        reason = values["officer_comment"] if old_name == "agreed_score" else ""
        if old_name == "score" and values["not_applicable"]:
            reason = values["not_applicable_reason"]
        yield _row(
            when,
            who,
            the_return,
            period,
            event,
            indicator=code,
            old=old,
            new=new,
            stage=levels.get((the_return.framework_id, new))
            if new and new != NOT_APPLICABLE
            else None,
            status=status_then,
            evidence=(
                ("Yes" if "Evidence" in changed else "No")
                if old_name == "score"
                else None
            ),
            changed=", ".join(changed),
            reason=reason,
        )


def _row(
    when: datetime.datetime,
    who: list[Any],
    the_return: _Return,
    period: Period,
    event: str,
    *,
    indicator: str | None = None,
    old: int | None = None,
    new: int | None = None,
    stage: str | None = None,
    status: str | None = None,
    evidence: str | None = None,
    changed: str | None = None,
    reason: str = "",
) -> list[Any]:
    return [
        *_who_when(when, who),
        the_return.partnership,
        the_return.region,
        period.code,
        event,
        indicator,
        old,
        new,
        stage,
        status,
        evidence,
        changed,
        reason or None,
    ]


def _who_when(when: datetime.datetime, who: list[Any]) -> list[Any]:
    """When, to the second, and who with their role now (a superuser is a
    national administrator); nobody's name when the user was deleted."""
    first_name, last_name, username, is_superuser, role = who
    when = when.replace(microsecond=0)
    if username is None:
        return [when, "Unknown", None]
    name = f"{first_name} {last_name}".strip() or username
    if is_superuser:
        role = Role.NATIONAL_ADMIN
    return [when, name, _ROLE_LABELS.get(role) if role else None]
