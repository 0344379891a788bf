"""Self-assessment returns, their answers and scores, and a manager's answer
to a draft. Scoped by assessment.selectors; a draft's answers are its
managers' (403 to others who see the return, as on the pages); writes go
through assessment.services.answer_save, which checks the perm itself."""

# No `from __future__ import annotations`: ninja reads the routes' and
# schemas' annotations at run time to build the requests and the document.

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as Refused
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.pagination import paginate

from assessment import selectors, services
from assessment.counting import counted_answers
from assessment.models import (
    BARRIERS_MAX,
    EVIDENCE_MAX,
    PLANNED_ACTION_MAX,
    Answer,
    Return,
    ReturnStatus,
)
from assessment.rules import check_may_read_answers

from ..pagination import CursorPagination
from ..schemas import (
    MAX_ID,
    AnswerIn,
    AnswerOut,
    Conflicted,
    Id,
    Invalid,
    Message,
    ReturnOut,
    ReturnScoresOut,
    Text,
)

router = Router(tags=["Returns"])
TEXT_LIMITS = {
    "evidence": EVIDENCE_MAX,
    "barriers": BARRIERS_MAX,
    "planned_action": PLANNED_ACTION_MAX,
    "not_applicable_reason": services.NOT_APPLICABLE_REASON_MAX,
}


class ReturnFilters(Schema):
    period: Text | None = None
    partnership: Id | None = None
    status: ReturnStatus | None = None


def _return_for_user(request: HttpRequest, return_id: int) -> Return:
    """The return; 404 outside the user's scope (as every return page)."""
    try:
        return selectors.return_for_page(
            selectors.returns_for_user(request.user), return_id
        )
    except Return.DoesNotExist:
        return get_object_or_404(Return.objects.none(), pk=return_id)


def _return_to_read(request: HttpRequest, return_id: int) -> Return:
    """The return, to read its answers: 403 for a draft of others."""
    return_record = _return_for_user(request, return_id)
    check_may_read_answers(request.user, return_record)
    return return_record


@router.get(
    "/",
    response=list[ReturnOut],
    summary="List returns",
    description="The returns of the partnerships you may see (drafts of others "
    "with their status only). Filters: period (code), partnership (id), status.",
)
@paginate(CursorPagination)
def list_returns(
    request: HttpRequest, filters: Query[ReturnFilters]
) -> QuerySet[Return]:
    rows = selectors.returns_for_user(request.user).select_related("period")
    if filters.period:
        rows = rows.filter(period__code=filters.period)
    if filters.partnership is not None:
        rows = rows.filter(partnership_id=filters.partnership)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows


@router.get(
    "/{int:return_id}",
    response={200: ReturnOut, 404: Message},
    summary="One return: its status",
)
def get_return(
    request: HttpRequest, return_id: int = Path(..., ge=1, le=MAX_ID)
) -> Return:
    return _return_for_user(request, return_id)


def _answers(return_record: Return) -> list[Answer]:
    answers = list(
        return_record.answers.select_related("indicator__dimension").prefetch_related(
            selectors.ticked_categories()
        )
    )
    for answer in answers:
        answer.dimension_code = answer.indicator.dimension.code  # type: ignore[attr-defined]
    return answers


@router.get(
    "/{int:return_id}/answers",
    response={200: list[AnswerOut], 403: Message, 404: Message},
    summary="The answers of a return",
    description="403 for a draft of a partnership you do not manage.",
)
def list_answers(
    request: HttpRequest, return_id: int = Path(..., ge=1, le=MAX_ID)
) -> list[Answer]:
    return _answers(_return_to_read(request, return_id))


@router.get(
    "/{int:return_id}/scores",
    response={200: ReturnScoresOut, 403: Message, 404: Message},
    summary="A return's mean scores by dimension",
    description="The self and agreed means and the stage of each dimension, as "
    "the return's page shows them. 403 for a draft of a partnership you do not "
    "manage.",
)
def get_scores(
    request: HttpRequest, return_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    return_record = _return_to_read(request, return_id)
    levels = selectors.framework_levels(framework=return_record.framework)
    summaries = selectors.return_summary(return_record=return_record, levels=levels)
    overall = selectors.mean_score(
        [a.score for summary in summaries for a in counted_answers(summary.answers)]
    )
    return {
        "return_id": return_record.pk,
        "overall": overall,
        "stage": selectors.stage_label(overall, levels),
        "dimensions": [
            {
                "code": summary.dimension.code,
                "title": summary.dimension.title,
                "self_mean": summary.self_score,
                "agreed_mean": summary.agreed_score,
                "stage": summary.self_label,
                "scored": summary.scored_count,
                "indicators": len(summary.answers),
            }
            for summary in summaries
        ],
    }


@router.patch(
    "/{int:return_id}/answers/{str:indicator_code}",
    response={
        200: AnswerOut,
        403: Message,
        404: Message,
        409: Conflicted,
        422: Invalid,
    },
    summary="Save a manager's answer to one indicator",
    description="For the partnership's managers, while the return is a draft or "
    "returned for revision. Fields left out keep their value. ``version`` is the "
    "answer's version as read: when someone else has saved the answer since, "
    "nothing is saved and the answer is 409, naming the fields that differ.",
)
def save_answer(
    request: HttpRequest,
    indicator_code: Path[Text],
    payload: AnswerIn,
    return_id: int = Path(..., ge=1, le=MAX_ID),
) -> Any:
    return_record = _return_for_user(request, return_id)
    if not request.user.has_perm(services.CHANGE, return_record):
        raise PermissionDenied("You can read this return but not change it.")
    if not return_record.is_editable:
        raise PermissionDenied(str(services.ReturnNotEditable(return_record)))
    answer = get_object_or_404(
        return_record.answers.select_related("indicator__dimension"),
        indicator__code=indicator_code,
    )
    values = _values(payload, answer, return_record)
    try:
        saved = services.answer_save(
            return_record=return_record,
            answer=answer,
            values=values,
            version=payload.version,
            user=request.user,  # type: ignore[arg-type]
        )
    except Refused as refused:
        # "Not applicable" refused: not offered, rejected, or without a reason.
        raise ValidationError(
            [
                {"loc": ["body", "payload", name], "msg": message}
                for name, messages in refused.message_dict.items()
                for message in messages
            ]
        ) from refused
    except services.AnswerConflict as refused:
        conflict = refused.conflicts[0]
        return Status(
            409,
            {
                "detail": str(refused),
                "fields": conflict.fields,
                "version": conflict.answer.version,
            },
        )
    saved.dimension_code = answer.indicator.dimension.code  # type: ignore[attr-defined]
    return saved


def _values(payload: AnswerIn, answer: Answer, return_record: Return) -> dict[str, Any]:
    """The answer's values after the change, checked as the page's form
    checks them: a score on the framework's scale, text within its limit."""
    sent = payload.model_dump(exclude_unset=True)
    values = {name: getattr(answer, name) for name in services.ANSWER_FIELDS}
    errors = []
    if "score" in sent and sent["score"] is not None:
        scale = [
            level.value
            for level in selectors.framework_levels(framework=return_record.framework)
        ]
        if sent["score"] not in scale:
            errors.append(
                {
                    "loc": ["body", "payload", "score"],
                    "msg": f"Score must be one of {scale}, or null.",
                }
            )
    for name, limit in TEXT_LIMITS.items():
        text = sent.get(name)
        if text is None:
            sent.pop(name, None)
            continue
        # Line breaks count as one character, as on the page.
        sent[name] = text = text.replace("\r\n", "\n")
        if len(text) > limit:
            errors.append(
                {
                    "loc": ["body", "payload", name],
                    "msg": f"Must be {limit:,} characters or fewer.",
                }
            )
        if "\x00" in text:
            errors.append(
                {"loc": ["body", "payload", name], "msg": "Must not hold NUL."}
            )
    if errors:
        raise ValidationError(errors)
    sent.pop("version", None)
    if sent.get("not_applicable") is None:
        sent.pop("not_applicable", None)
    elif sent["not_applicable"] and "score" not in sent:
        # Not applicable is instead of a score: the one stored goes.
        sent["score"] = None
    values.update(sent)
    return values
