"""Writes to returns: starting one, saving an answer under
optimistic locking, evidence files, confirming the profile, submitting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename
from simple_history.utils import bulk_create_with_history

from indicators.models import Indicator, Period
from indicators.selectors import framework_for_period, national
from partnerships.models import LearningPartnership
from partnerships.rules import check_perm
from partnerships.users import User

from .figures import figures_refresh
from .file_types import ArchiveLimits, FileRefused, FileType, inspect_file, name_for
from .local_statements import local_indicators
from .models import Answer, Attachment, EngagementRating, Return, ReturnStatus
from .selectors import previous_return
from .workflow import return_transition

ANSWER_FIELDS = ("score", "evidence", "barriers", "planned_action")


CHANGE = "assessment.change_return"
MANAGERS_ONLY = "Only the partnership's managers change its self-assessment."


class ReturnNotEditable(Exception):
    """The return has been submitted; nothing in it may change."""

    def __init__(self, return_record: Return) -> None:
        super().__init__(
            f"This return is {return_record.get_status_display().lower()}, "
            "so it can no longer be changed."
        )


@dataclass
class Conflict:
    """An answer someone else saved after the form was opened."""

    answer: Answer
    fields: list[str]


class AnswerConflict(Exception):
    """A save based on answers that have changed since; nothing was saved."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__(
            "Someone else saved these answers while you were editing them."
        )
        self.conflicts = conflicts


class ReturnIncomplete(Exception):
    """Submitting a return in which some indicators are not scored."""

    def __init__(self, missing: list[Answer]) -> None:
        super().__init__(f"{len(missing)} indicators are not scored yet.")
        self.missing = missing


@transaction.atomic
def return_start(
    *,
    partnership: LearningPartnership,
    period: Period,
    user: User,
    carry_forward: bool = False,
) -> Return:
    """Start a partnership's return for a period, with an empty answer per
    indicator (national, and the local statements of its area); optionally
    carrying forward last year's evidence and actions, marked for review."""
    check_perm(
        user,
        "assessment.add_return",
        partnership,
        message="Only the partnership's managers start its self-assessment.",
    )
    framework = framework_for_period(period=period)
    if framework is None:
        raise ValidationError(
            {"period": f"No published framework applies to {period}."}
        )
    if Return.objects.filter(partnership=partnership, period=period).exists():
        raise ValidationError(
            {"period": f"{partnership} already has a return for {period}."}
        )
    return_record = Return(
        partnership=partnership, period=period, framework=framework, created_by=user
    )
    return_record.full_clean()
    return_record.save()
    previous = previous_return(return_record=return_record) if carry_forward else None
    if carry_forward and previous is not None:
        return_record.carried_forward_from = previous
        return_record.save(update_fields=["carried_forward_from"])
    last_year = (
        {a.indicator.code: a for a in previous.answers.select_related("indicator")}
        if previous is not None
        else {}
    )
    answers = []
    # The framework's national indicators, then the local statements of the
    # partnership's region and local LSCs in force for the period.
    indicators = [
        *national(Indicator.objects.filter(dimension__framework=framework)),
        *local_indicators(partnership=partnership, framework=framework, period=period),
    ]
    for indicator in indicators:
        answer = Answer(return_record=return_record, indicator=indicator)
        old = last_year.get(indicator.code)
        if old is not None and (old.evidence or old.barriers or old.planned_action):
            answer.evidence = old.evidence
            answer.barriers = old.barriers
            answer.planned_action = old.planned_action
            answer.carried_forward = True
        answers.append(answer)
    # With history, so the first change to each answer shows what it was before.
    bulk_create_with_history(answers, Answer)
    return return_record


def _ensure_editable(return_record: Return) -> None:
    if not return_record.is_editable:
        raise ReturnNotEditable(return_record)


@transaction.atomic
def answer_save(
    *,
    return_record: Return,
    answer: Answer,
    values: dict[str, Any],
    version: int,
    user: User,
) -> Answer:
    """Save one answer: its score, evidence, barriers and planned action.

    ``version`` is the version the answer had when the form was opened. When
    the stored version is newer and its values differ from those posted,
    someone else changed the answer meanwhile: nothing is saved and
    AnswerConflict shows what they saved. Saving an answer carried forward from
    last year is its review, even when nothing in it changed.
    """
    check_perm(user, CHANGE, return_record, message=MANAGERS_ONLY)
    locked = Return.objects.select_for_update().get(pk=return_record.pk)
    _ensure_editable(locked)
    stored = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("indicator", "updated_by")
        .get(pk=answer.pk, return_record=locked)
    )
    changed = [f for f in ANSWER_FIELDS if getattr(stored, f) != values[f]]
    if stored.version != version and changed:
        raise AnswerConflict([Conflict(stored, changed)])
    if not changed and not stored.carried_forward:
        return stored
    for name in ANSWER_FIELDS:
        setattr(stored, name, values[name])
    stored.carried_forward = False
    stored.version += 1
    stored.updated_by = user
    # The user is the one signed in: no need to look them up again. The score's
    # check constraint is the database's to enforce: validating it here costs
    # three queries, and the form only offers the framework's levels.
    stored.full_clean(
        exclude=["return_record", "indicator", "updated_by"],
        validate_constraints=False,
    )
    stored.save()
    # A draft is not counted in the figures; a return returned for revision is.
    if "score" in changed and locked.status != ReturnStatus.DRAFT:
        figures_refresh(period=locked.period_id, framework=locked.framework_id)
    return stored


class AttachmentRefused(Exception):
    """An evidence file that is not accepted, with the reason in plain words."""


def _size(limit: int) -> str:
    megabyte = 1024 * 1024
    return f"{limit // megabyte} MB" if limit % megabyte == 0 else filesizeformat(limit)


def _archive_limits() -> ArchiveLimits:
    return ArchiveLimits(
        max_unpacked_bytes=settings.ATTACHMENT_ARCHIVE_MAX_UNPACKED_BYTES,
        max_members=settings.ATTACHMENT_ARCHIVE_MAX_MEMBERS,
        max_ratio=settings.ATTACHMENT_ARCHIVE_MAX_RATIO,
    )


def check_upload(upload: UploadedFile) -> FileType:
    """The file's real type, or AttachmentRefused saying why it cannot be kept:
    empty, too large, not an allowed type, an archive that would unpack out of
    bounds, or carrying macros or PDF actions. Read in bounded steps only."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise AttachmentRefused("The selected file is empty")
    if upload.size > limit:
        raise AttachmentRefused(
            f"The selected file must be smaller than {_size(limit)}"
        )
    try:
        return inspect_file(upload, limits=_archive_limits())
    except FileRefused as refused:
        raise AttachmentRefused(str(refused)) from refused


def _ensure_room(*, answer: Answer, upload: UploadedFile) -> None:
    """AttachmentRefused when the file would take its answer past the number of
    files allowed, or its return past the bytes allowed."""
    max_files = settings.ATTACHMENT_MAX_FILES_PER_ANSWER
    if Attachment.objects.filter(answer=answer).count() >= max_files:
        raise AttachmentRefused(_too_many_files(max_files))
    max_bytes = settings.ATTACHMENT_MAX_BYTES_PER_RETURN
    kept = (
        Attachment.objects.filter(
            answer__return_record_id=answer.return_record_id
        ).aggregate(total=Sum("size"))["total"]
        or 0
    )
    if kept + (upload.size or 0) > max_bytes:
        raise AttachmentRefused(_return_full(max_bytes, kept))


def _too_many_files(limit: int) -> str:
    return (
        f"You can attach up to {limit} files to each indicator. "
        "Remove a file to attach another"
    )


def _return_full(limit: int, kept: int) -> str:
    return (
        f"The files attached to this return must be {_size(limit)} or less in "
        f"total, and {filesizeformat(kept)} is already attached. Remove a file "
        "or attach a smaller one"
    )


@transaction.atomic
def attachment_add(*, answer: Answer, upload: UploadedFile, user: User) -> Attachment:
    """Keep an evidence file for an answer, after checking what it really is
    and that the answer and its return have room for it. It is stored under
    the extension of its real type, whatever it was called."""
    check_perm(user, CHANGE, answer.return_record, message=MANAGERS_ONLY)
    _ensure_editable(answer.return_record)
    file_type = check_upload(upload)
    # Lock the return so that two uploads at once cannot both take the last room.
    Return.objects.select_for_update().filter(pk=answer.return_record_id).first()
    _ensure_room(answer=answer, upload=upload)
    name = get_valid_filename(upload.name or "evidence") or "evidence"
    attachment = Attachment(
        answer=answer,
        original_name=name_for(name[:240], file_type),
        content_type=file_type.content_type,
        size=upload.size or 0,
        uploaded_by=user,
    )
    attachment.file.save(f"evidence{file_type.extension}", upload, save=False)
    attachment.save()
    return attachment


def attachment_remove(*, attachment: Attachment, user: User) -> None:
    """Delete an evidence file and its stored content."""
    check_perm(user, CHANGE, attachment.answer.return_record, message=MANAGERS_ONLY)
    _ensure_editable(attachment.answer.return_record)
    attachment.delete()


def profile_confirm(*, return_record: Return, user: User) -> Return:
    """Record that the partnership's profile was checked for this return."""
    check_perm(user, CHANGE, return_record, message=MANAGERS_ONLY)
    _ensure_editable(return_record)
    return_record.profile_checked_at = timezone.now()
    return_record.profile_checked_by = user
    return_record.save(update_fields=["profile_checked_at", "profile_checked_by"])
    return return_record


@transaction.atomic
def return_submit(*, return_record: Return, user: User) -> Return:
    """Submit a return once every indicator is scored; it is read-only after."""
    _ensure_editable(return_record)
    missing = list(
        return_record.answers.filter(score__isnull=True).select_related(
            "indicator__dimension"
        )
    )
    if missing:
        raise ReturnIncomplete(missing)
    return_transition(
        return_record=return_record, to_status=ReturnStatus.SUBMITTED, user=user
    )
    return return_record


@dataclass
class AgreedScore:
    score: int
    comment: str


@transaction.atomic
def return_review(
    *,
    return_record: Return,
    user: User,
    agreed: dict[int, AgreedScore],
    overall_comment: str,
    decision: str,
    reasons: str = "",
) -> Return:
    """Record the LLSC officer's agreed scores and comments and accept or return
    the self-assessment, all or nothing. If another officer decided first,
    TransitionLost is raised and nothing is saved."""
    return_transition(
        return_record=return_record, to_status=decision, user=user, reason=reasons
    )
    answers = Answer.objects.filter(return_record=return_record, pk__in=agreed)
    rescored = False
    for answer in answers:
        rescored = rescored or answer.agreed_score != agreed[answer.pk].score
        answer.agreed_score = agreed[answer.pk].score
        answer.officer_comment = agreed[answer.pk].comment
        answer.full_clean(exclude=["return_record", "indicator"])
        answer.save(update_fields=["agreed_score", "officer_comment"])
    return_record.review_comment = overall_comment
    return_record.save(update_fields=["review_comment"])
    if rescored:
        figures_refresh(
            period=return_record.period_id, framework=return_record.framework_id
        )
    return return_record


def review_start(*, return_record: Return, user: User) -> Return:
    """Take a submitted return into review, so other officers see it is taken."""
    return_transition(
        return_record=return_record, to_status=ReturnStatus.IN_REVIEW, user=user
    )
    return return_record


def rating_save(
    *,
    partnership: LearningPartnership,
    period: Period,
    user: User,
    rating: int,
    rationale: str,
) -> EngagementRating:
    """Record or change a GO officer's engagement rating for a partnership."""
    check_perm(
        user,
        "assessment.rate_partnership",
        partnership,
        message="Government Office officers rate partnerships.",
    )
    record = EngagementRating.objects.filter(
        partnership=partnership, period=period
    ).first()
    record = record or EngagementRating(partnership=partnership, period=period)
    record.rating = rating
    record.rationale = rationale.strip()
    record.rated_by = user
    record.full_clean()
    record.save()
    return record
